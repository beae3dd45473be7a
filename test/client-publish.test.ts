// Outbound QoS 0 / QoS 1: the store, the window, DUP resends, ids, offline queueing, backpressure.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, rig, got, says, msg } from "./sim/setup";

for (const [name, create] of impls) {
  const t = suite(`client publish [${name}]`);

  t("QoS 0 and QoS 1 publishes reach the broker with topic, payload and retain", () => {
    const r = rig(create);
    r.up();
    assert.ok(r.client.publish("a/b", "21.5"));
    assert.ok(r.client.publish("a/c", "x", { qos: 1, retain: true }));
    r.clock.advance(100);
    const p = got(r, "publish").map((x) => [x.topic, String(x.payload), x.qos, x.retain, x.dup]);
    assert.equal(p, [["a/b", "21.5", 0, false, false], ["a/c", "x", 1, true, false]]);
    assert.is(r.client.queued(), 0, "PUBACK frees the store");
  });

  t("a 200-byte message (over 127: two length bytes) arrives whole", () => {
    const r = rig(create, {}, { maxChunk: 7 });
    r.up();
    const big = "x".repeat(200);
    r.client.publish("t", big, { qos: 1 });
    r.clock.advance(500);
    assert.is(String(got(r, "publish")[0].payload), big);
  });

  t("QoS 1 published while offline is queued and sent after CONNACK; QoS 0 is dropped and counted", () => {
    const r = rig(create);
    assert.is(r.client.state(), 0);
    assert.is(r.client.publish("q", "1", { qos: 1 }), true);
    assert.is(r.client.publish("z", "0"), false);
    assert.is(r.client.dropped, 1);
    assert.is(r.client.queued(), 1);
    r.up();
    r.clock.advance(100);
    assert.equal(got(r, "publish").map((p) => p.topic), ["q"]);
    assert.is(r.client.queued(), 0);
  });

  t("the in-flight window bounds unacknowledged messages", () => {
    const r = rig(create, { window: 2 });
    r.up();
    const held: any[] = [];
    r.broker.ackPublish = (p) => (held.push(p), false);
    for (let i = 0; i < 5; i++) r.client.publish("w", String(i), { qos: 1 });
    r.clock.advance(100);
    assert.is(got(r, "publish").length, 2);
    r.broker.last()!.send({ cmd: "puback", messageId: held[0].messageId });
    r.clock.advance(100);
    assert.is(got(r, "publish").length, 3);
    assert.is(r.client.queued(), 4);
  });

  t("after a reconnect to a kept session unacknowledged messages are resent with DUP=1, same ids, original order", () => {
    const r = rig(create, { window: 3, reconnectMin: 1000, clean: false });
    r.up();
    r.broker.ackPublish = () => false;
    for (let i = 0; i < 5; i++) r.client.publish("d", String(i), { qos: 1 });
    r.clock.advance(100);
    const first = got(r, "publish").map((p) => [String(p.payload), p.messageId, p.dup]);
    assert.equal(first, [["0", 1, false], ["1", 2, false], ["2", 3, false]]);
    r.broker.ackPublish = () => true;
    r.net.drop();
    r.clock.advance(3000);
    const after = r.broker.last()!.packets.filter((p) => p.cmd == "publish").map((p) => [String(p.payload), p.messageId, p.dup]);
    assert.equal(after, [["0", 1, true], ["1", 2, true], ["2", 3, true], ["3", 4, false], ["4", 5, false]]);
    assert.is(r.client.queued(), 0);
  });

  t("no PUBACK within ackTimeout: the link is taken as dead and the message resent", () => {
    const r = rig(create, { ackTimeout: 5000, keepalive: 0, reconnectMin: 500, clean: false });
    r.up();
    let drop = true;
    r.broker.ackPublish = () => !drop;
    r.client.publish("a", "1", { qos: 1 });
    r.clock.advance(5100);
    says(name, r.errors[0], /no PUBACK within 5000 ms/);
    drop = false;
    r.clock.advance(2000);
    assert.is(r.client.queued(), 0);
    assert.equal(got(r, "publish").map((p) => p.dup), [false, true]);
  });

  t("a PUBACK for an unknown id is ignored: nothing freed, nothing broken", () => {
    const r = rig(create);
    r.up();
    r.broker.ackPublish = () => false;
    r.client.publish("a", "1", { qos: 1 });
    r.clock.advance(50);
    r.broker.last()!.send({ cmd: "puback", messageId: 999 });
    r.clock.advance(50);
    assert.is(r.client.queued(), 1);
    assert.equal(r.errors, []);
    r.broker.last()!.send({ cmd: "puback", messageId: 1 });
    r.clock.advance(50);
    assert.is(r.client.queued(), 0);
  });

  t("when the store is full publish returns false and counts it in dropped, with no error event, and nothing stored is lost", () => {
    // 300 bytes: 25 of these 12-byte packets in the byte store, 8 in the board's (24 bytes of bookkeeping each).
    const r = rig(create, { storeSize: 300 });
    let n = 0;
    while (r.client.publish("s/x", "v" + n, { qos: 1 })) n++;
    assert.ok(n >= 8 && n <= 25, "fits " + n);
    assert.not.ok(r.client.publish("s/x", "late", { qos: 1 }));
    assert.is(r.client.dropped, 2);
    assert.equal(r.errors, []);
    r.up();
    r.clock.advance(500);
    assert.equal(got(r, "publish").map((p) => String(p.payload)), Array.from({ length: n }, (_, i) => "v" + i));
    assert.ok(r.client.publish("s/x", "again", { qos: 1 }), "room again once acknowledged");
  });

  t("a message larger than the whole store throws at the call", () => {
    const r = rig(create, { storeSize: 64 });
    assert.throws(() => r.client.publish("t", "x".repeat(100), { qos: 1 }), msg(name, /larger than storeSize/));
  });

  t("a message larger than the whole store throws at the call while others are held too", () => {
    const r = rig(create, { storeSize: 100 });
    assert.ok(r.client.publish("t", "small", { qos: 1 }));
    assert.throws(() => r.client.publish("t", "x".repeat(150), { qos: 1 }), msg(name, /larger than storeSize/));
    assert.equal([r.client.queued(), r.errors], [1, []], "the held one is kept, and no `full` error: it will never fit");
  });

  t("packet ids wrap after 65535 and skip an id still in flight", () => {
    const r = rig(create, { window: 8, storeSize: 4096, keepalive: 0, ackTimeout: 1e9 }, { latency: 0 });
    r.up();
    r.broker.ackPublish = (p) => p.messageId != 1; // id 1 stays in flight the whole time
    // Bounded: a client that refuses for good fails here, not by hanging the run.
    for (let n = 0, k = 0; n < 65536; k++) {
      if (k > 400_000) assert.unreachable("publish() still refusing after " + n + " accepted");
      if (r.client.publish("i", "", { qos: 1 })) n++;
      else r.clock.advance(1);
    }
    r.clock.advance(10);
    const ids = got(r, "publish").map((p) => p.messageId);
    assert.is(ids.length, 65536);
    assert.is(ids[65534], 65535);
    assert.is(ids[65535], 2, "1 is skipped: still unacknowledged");
    assert.is(r.client.queued(), 1);
  });

  t("a steady QoS 1 stream over a slow link, always something in flight, is never dropped as 'no PUBACK'", () => {
    // 400 ms each way: every message waits 800 ms for its PUBACK, against an ackTimeout of 2 s.
    const r = rig(create, { ackTimeout: 2000, keepalive: 5, window: 8 }, { latency: 400 });
    r.up();
    let ok = 0;
    let busy = 0;
    for (let i = 0; i < 600; i++) {
      if (r.client.publish("s", "r" + i, { qos: 1 })) ok++;
      r.clock.advance(100);
      if (r.client.queued() > 0) busy++;
    }
    // The condition held: messages in flight nearly all the time, over 30 times the ackTimeout.
    assert.ok(busy > 500, "in flight at " + busy + " of 600 steps");
    r.clock.advance(3000);
    assert.is(r.errors.length, 0, r.errors.map((e) => e.message).join("; "));
    assert.is(r.client.attempts, 1);
    assert.is(ok, 600);
    assert.is(got(r, "publish").length, 600);
  });

  t("a PUBACK for an id never sent (a stale or misbehaving broker) removes nothing and corrupts no count", () => {
    const r = rig(create, { window: 1, storeSize: 4096 });
    r.up();
    r.broker.ackPublish = () => false;
    for (let i = 0; i < 3; i++) assert.ok(r.client.publish("t", "m" + i, { qos: 1 }));
    r.clock.advance(50);
    const c = r.broker.last()!;
    // 999: never handed out; 2: held but not yet sent (the window is 1).
    c.send({ cmd: "puback", messageId: 999 });
    c.send({ cmd: "puback", messageId: 2 });
    r.clock.advance(50);
    assert.is(r.client.queued(), 3);
    assert.equal(got(r, "publish").map((p) => p.messageId), [1]);
    r.broker.ackPublish = () => true;
    c.send({ cmd: "puback", messageId: 1 });
    r.clock.advance(200);
    assert.equal(got(r, "publish").map((p) => [p.messageId, String(p.payload)]), [[1, "m0"], [2, "m1"], [3, "m2"]]);
    assert.is(r.client.queued(), 0);
    // The store's accounting came back to empty: it takes as many bytes as at the start.
    let n = 0;
    while (r.client.publish("t", "x".repeat(100), { qos: 1 }) && n < 1000) n++;
    assert.ok(n >= 4096 / 140 - 1 && n < 1000, "store took " + n);
    assert.is(r.errors.length, 0);
  });

  t("acknowledged entries behind a stuck one are reclaimed: the store holds live bytes only", () => {
    const r = rig(create, { window: 4, storeSize: 200, keepalive: 0, ackTimeout: 1e9 });
    r.up();
    r.broker.ackPublish = (p) => p.messageId != 1;
    let ok = 0;
    for (let i = 0; i < 100; i++) {
      if (r.client.publish("s", "0123456789", { qos: 1 })) ok++;
      r.clock.advance(20);
    }
    assert.is(ok, 100);
    assert.is(r.client.queued(), 1);
    assert.equal(r.errors, []);
  });

  t("a burst of 1,000 QoS 0 publishes is bounded by the socket high-water mark: excess dropped and counted", () => {
    const r = rig(create, {}, { hw: 256 });
    r.up();
    let ok = 0;
    for (let i = 0; i < 1000; i++) if (r.client.publish("sensors/node1/temp", "21.5")) ok++;
    assert.ok(ok > 0 && ok <= 12, "accepted " + ok);
    assert.is(r.client.dropped, 1000 - ok);
    assert.ok(r.net.sent < 256 + 64, "handed to the socket: " + r.net.sent);
    r.clock.advance(100);
    assert.ok(r.client.publish("sensors/node1/temp", "21.5"), "room again after drain");
  });

  t("a burst of QoS 1 publishes is paced by the store and the socket, and all arrive", () => {
    const r = rig(create, { storeSize: 1024, window: 4 }, { hw: 128, maxChunk: 30 });
    r.up();
    let sent = 0;
    for (let round = 0; round < 200 && sent < 300; round++) {
      while (sent < 300 && r.client.publish("b", "m" + sent, { qos: 1 })) sent++;
      r.clock.advance(20);
    }
    r.clock.advance(1000);
    assert.is(sent, 300);
    assert.equal(got(r, "publish").map((p) => String(p.payload)), Array.from({ length: 300 }, (_, i) => "m" + i));
  });

  t("bad input throws at the call and sends nothing", () => {
    const r = rig(create, { protocol: 4 });
    r.up();
    const before = r.net.sent;
    for (const topic of ["", "a/+", "a/#", "a\0b", 5 as any]) assert.throws(() => r.client.publish(topic, "x"), msg(name, /invalid topic/));
    assert.throws(() => r.client.publish("t".repeat(65536), "x"), msg(name, /invalid topic/));
    assert.throws(() => r.client.publish("t", "x", { qos: 2 }), msg(name, /qos must be 0 or 1/));
    assert.throws(() => r.client.publish("t", "x", { qos: 3 }), msg(name, /qos/));
    assert.throws(() => r.client.publish("t", "x", { qos: -1 }), msg(name, /qos/));
    assert.throws(() => r.client.publish("t", { a: 1 } as any), msg(name, /payload/));
    assert.throws(() => r.client.publish("t", "x".repeat(600)), msg(name, /larger than txSize/));
    for (const f of ["", "a/#/b", "a+", "#a", "a\0"]) assert.throws(() => r.client.subscribe(f), msg(name, /invalid topic filter/));
    assert.throws(() => r.client.subscribe("a", { qos: 3 }), msg(name, /qos/));
    r.clock.advance(100);
    assert.is(r.net.sent, before);
  });

  t.run();
}
