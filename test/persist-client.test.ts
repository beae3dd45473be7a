// The client with `persist`: held QoS 1 messages survive a restart (a new client on the same Storage),
// in the source (Node: a file path) and in the device bundle built with persist (Espruino's Storage,
// here test/sim/flash.ts in its place).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rig, got, loadBundle, E } from "./sim/setup";
import type { Create } from "./sim/setup";
import { createBroker } from "./sim/broker";
import { createClient as srcCreate } from "../src/client";
import { crc } from "../src/persist-io";
import { fakeFlash } from "./sim/flash";

/** A platform: makes a client with persist; each call after the first is the same device restarted. */
type Device = { create: Create; name: string; done(): void; reads?: () => number };
const devices: [string, () => Device][] = [
  [
    "src, a file",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "mqttiny-persist-"));
      return { create: srcCreate, name: join(dir, "q"), done: () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  [
    "min, Storage",
    () => {
      const flash = fakeFlash();
      let reads = 0;
      const read = flash.read;
      flash.read = (...a) => (reads++, read(...a));
      const create: Create = (o) => loadBundle("build/mqttiny-persist.min.js", { E: { ...E, CRC32: crc }, require: (n: string) => (n == "Storage" ? flash : null) }).createClient(o);
      return { create, name: "q", done() {}, reads: () => reads };
    },
  ],
];

for (const [label, device] of devices) {
  const t = suite(`client persist [${label}]`);

  t("queued() counts what is held, in Storage alone and in the RAM store, without reading Storage, and falls to 0 as the PUBACKs come", () => {
    const d = device();
    const broker = createBroker();
    const o = { persist: d.name, window: 4, clean: false };
    const a = rig(d.create, o, {}, broker);
    for (let i = 0; i < 40; i++) assert.ok(a.client.publish("t", "r" + i, { qos: 1 }), "r" + i);
    assert.is(a.client.queued(), 40);
    const r0 = d.reads ? d.reads() : 0;
    for (let i = 0; i < 100; i++) a.client.queued();
    if (d.reads) assert.is(d.reads() - r0, 0, "queued() read no Storage");
    // The power goes; the next boot counts the log once.
    const b = rig(d.create, o, {}, broker);
    assert.is(b.client.queued(), 40);
    b.up();
    let last = 40;
    for (let k = 0; k < 500 && b.client.queued() > 0; k++) {
      b.clock.advance(5);
      const q = b.client.queued();
      assert.ok(q <= last && q >= 0, `queued() ${q} after ${last}`);
      last = q;
    }
    assert.is(b.client.queued(), 0);
    assert.is(new Set(got(b, "publish").map((x) => String(x.payload))).size, 40, "every one went out");
    d.done();
  });

  t("end(true) with messages held: the `ended` error counts all of them and says they are kept in Storage; the next client sends them", () => {
    const d = device();
    const broker = createBroker();
    const o = { persist: d.name, window: 4 };
    const a = rig(d.create, o, {}, broker);
    for (let i = 0; i < 10; i++) assert.ok(a.client.publish("t", "e" + i, { qos: 1 }));
    a.client.end(true);
    assert.equal(a.errors.map((e) => [e.code, e.message]), [["ended", "10 held QoS 1 message(s) not sent before end(), kept in Storage"]]);
    const b = rig(d.create, o, {}, broker);
    b.up();
    assert.ok(b.clock.until(() => b.client.queued() == 0, 10_000));
    assert.equal(got(b, "publish").map((x) => String(x.payload)), ["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"]);
    d.done();
  });

  t("after a restart, connect() sends the held messages first, in order, with DUP=1 to the kept session", () => {
    const d = device();
    const broker = createBroker();
    const a = rig(d.create, { persist: d.name, clean: false }, {}, broker);
    a.up();
    broker.ackPublish = () => false;
    for (let i = 1; i <= 3; i++) assert.ok(a.client.publish("t", "r" + i, { qos: 1 }));
    a.clock.advance(100);
    assert.is(got(a, "publish").length, 3);
    // The power goes: the client is never ended. The broker keeps the session.
    broker.ackPublish = () => true;
    const n = broker.log.length;
    const b = rig(d.create, { persist: d.name, clean: false }, {}, broker);
    assert.is(b.client.queued(), 3, "held across the restart");
    b.up();
    assert.ok(b.client.publish("t", "r4", { qos: 1 }));
    b.clock.advance(100);
    const p = broker.log.slice(n).filter((x) => x.cmd == "publish");
    assert.equal(p.map((x) => [String(x.payload), x.dup]), [["r1", true], ["r2", true], ["r3", true], ["r4", false]]);
    assert.is(b.client.queued(), 0);
    d.done();
  });

  t("to a new session (clean) the held messages go as new publishes, DUP=0", () => {
    const d = device();
    const broker = createBroker();
    const a = rig(d.create, { persist: d.name }, {}, broker);
    a.up();
    broker.ackPublish = () => false;
    a.client.publish("t", "r1", { qos: 1 });
    a.clock.advance(100);
    broker.ackPublish = () => true;
    const n = broker.log.length;
    const b = rig(d.create, { persist: d.name }, {}, broker);
    b.up();
    b.clock.advance(100);
    assert.equal(broker.log.slice(n).filter((x) => x.cmd == "publish").map((x) => [String(x.payload), x.dup]), [["r1", false]]);
    d.done();
  });

  t("acknowledged messages are not sent again after a restart", () => {
    const d = device();
    const broker = createBroker();
    const a = rig(d.create, { persist: d.name, clean: false }, {}, broker);
    a.up();
    for (let i = 1; i <= 5; i++) a.client.publish("t", "r" + i, { qos: 1 });
    a.clock.advance(100);
    assert.is(a.client.queued(), 0);
    const n = broker.log.length;
    const b = rig(d.create, { persist: d.name, clean: false }, {}, broker);
    assert.is(b.client.queued(), 0);
    b.up();
    b.clock.advance(100);
    assert.is(broker.log.slice(n).filter((x) => x.cmd == "publish").length, 0);
    d.done();
  });

  t("an hour's outage at one reading a minute: 60 held in 2,048 bytes, all delivered in order when the broker is back", () => {
    const d = device();
    const broker = createBroker();
    const a = rig(d.create, { persist: d.name, clean: false, storeSize: 1024 }, {}, broker);
    a.net.refuse(true);
    for (let i = 0; i < 60; i++) {
      assert.ok(a.client.publish("sensor/t", (20 + i / 10).toFixed(1), { qos: 1 }), "reading " + i);
      a.clock.advance(60_000);
    }
    assert.is(a.client.queued(), 60);
    assert.is(a.client.dropped, 0);
    a.net.refuse(false);
    a.up(200_000);
    a.clock.advance(1000);
    assert.equal(got(a, "publish").map((x) => String(x.payload)), Array.from({ length: 60 }, (_, i) => (20 + i / 10).toFixed(1)));
    assert.is(a.client.queued(), 0);
    d.done();
  });

  t("when Storage is full publish() returns false and counts it in dropped", () => {
    const d = device();
    const a = rig(d.create, { persist: d.name, persistSize: 6 + 4 * 14 });
    a.net.refuse(true);
    for (let i = 0; i < 4; i++) assert.ok(a.client.publish("t", String(i), { qos: 1 }));
    assert.is(a.client.publish("t", "4", { qos: 1 }), false);
    assert.is(a.client.dropped, 1);
    assert.is(a.client.queued(), 4);
    d.done();
  });

  t.run();
}
