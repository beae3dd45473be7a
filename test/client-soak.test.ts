// Seeded soak: 10,000 QoS 1 publishes through a link that drops every few hundred virtual ms and
// splits every write into random 1-40 byte chunks. Every message must be acknowledged; none lost.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { impls, rig } from "./sim/setup";

for (const [name, create] of impls) {
  test(`soak [${name}]: 10,000 QoS 1 publishes over a link dropping every 200-600 ms, all acknowledged`, () => {
    const N = 10000;
    const r = rig(create, { reconnectMin: 20, reconnectMax: 200, keepalive: 5, storeSize: 2048, window: 8 }, { seed: 7, maxChunk: 40, dropEvery: [200, 600], latency: 3 });
    const received = new Map<string, number>();
    r.broker.ackPublish = (p) => {
      const k = String(p.payload);
      received.set(k, (received.get(k) || 0) + 1);
      return true;
    };
    let sent = 0;
    const limit = r.clock.now() + 3_600_000;
    while ((sent < N || r.client.queued()) && r.clock.now() < limit) {
      while (sent < N && r.client.publish("soak/" + (sent % 10), "m" + sent, { qos: 1 })) sent++;
      r.clock.advance(5);
    }
    const dups = [...received.values()].reduce((a, n) => a + n - 1, 0);
    const missing = Array.from({ length: N }, (_, i) => "m" + i).filter((k) => !received.has(k));
    console.log(`  [${name}] ${N} sent, ${received.size} distinct received, ${missing.length} lost, ${dups} duplicates (DUP resends), ${r.net.drops} link drops, ${r.client.attempts} connects, ${((r.clock.now() - 1_000_000) / 1000).toFixed(0)} virtual s`);
    assert.is(missing.length, 0, "lost: " + missing.slice(0, 5).join(","));
    assert.is(r.client.queued(), 0);
    assert.ok(r.net.drops >= 10, "the link really dropped: " + r.net.drops);
  });
}

test.run();
