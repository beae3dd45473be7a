// The session rules the old core broke (issue 11), each as a test that failed against it: resends after
// out-of-order PUBACKs, inbound QoS 2 ids across sessions, unsubscribes across links, end() from inside
// handlers and with held messages, the options object, callbacks that unsubscribe or throw, DUP in a new
// session, and the backoff against a broker that accepts and drops at once.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import mqttPacket from "mqtt-packet";
import { impls, rig, got, says, needs } from "./sim/setup";
import type { Rig } from "./sim/setup";
import { virtualClock } from "./sim/clock";
import { createBroker } from "./sim/broker";
import { createNet } from "./sim/net";

/** One more listener for `e`, after the rig's own (which records it). */
function also(r: Rig, e: "error" | "offline", f: (x?: any) => void) {
  r.client.on(e, f);
}

const count = (r: Rig, e: string) => r.events.filter((x) => x == e || x.startsWith(e + "+")).length;
const pubs = (ps: any[]) => ps.filter((p) => p.cmd == "publish").map((p) => [String(p.payload), p.messageId, p.dup]);
const gen = (p: any) => mqttPacket.generate(p as any);

/** Connected again, the broker holds a/# for the kept session, and a message on it reaches the callback. */
function subscribedAfterReconnect(r: Rig, seen: string[]) {
  assert.is(r.client.state(), 3);
  const order = r.broker.last()!.packets.filter((p) => p.cmd == "subscribe" || p.cmd == "unsubscribe").map((p) => p.cmd);
  assert.ok(r.broker.sessions.get("t1")!.has("a/#"), "the broker holds the subscription; sent: " + order.join(", "));
  r.broker.publish("a/x", "1", 1);
  r.clock.advance(50);
  assert.equal(seen, ["a/x"]);
}

for (const [name, create] of impls) {
  // ---- out-of-order PUBACKs, then a reconnect
  const ooo = suite(`session rules: out-of-order PUBACKs [${name}]`);

  /** Three QoS 1 messages in flight; the broker acknowledges only the middle one; the link drops. */
  function middleAcked(clean: boolean) {
    const r = rig(create, { window: 3, clean, reconnectMin: 1000 });
    r.up();
    r.broker.ackPublish = (p) => p.messageId == 2;
    for (const m of ["m1", "m2", "m3"]) r.client.publish("o", m, { qos: 1 });
    r.clock.advance(100);
    assert.is(r.client.queued(), 2, "m2 acknowledged, m1 and m3 held");
    r.broker.ackPublish = () => true;
    r.net.drop();
    return r;
  }

  for (const clean of [false, true]) {
    ooo(`an entry acknowledged between unacknowledged ones is not resent after a reconnect (clean: ${clean})`, () => {
      const r = middleAcked(clean);
      r.clock.advance(3000);
      assert.is(r.client.state(), 3);
      assert.equal(pubs(r.broker.last()!.packets).map((p) => p[0]), ["m1", "m3"]);
      assert.is(r.client.queued(), 0);
    });
  }

  ooo("no packet of reserved type 0 (or 15) reaches the broker after out-of-order PUBACKs and a reconnect", () => {
    const r = middleAcked(false);
    r.clock.advance(3000);
    assert.ok(r.broker.types.length > 0);
    assert.equal(r.broker.types.filter((t) => t <= 0 || t == 15), []);
    assert.equal(r.broker.log.filter((p) => p.cmd == "error"), [], "mqtt-packet parsed everything");
  });

  ooo("no reconnect storm after out-of-order PUBACKs: one reconnect in 10 virtual seconds", () => {
    const r = middleAcked(false);
    r.clock.advance(10_000);
    assert.is(r.net.connects, 2);
    assert.is(r.client.state(), 3);
  });

  const sub = suite(`session rules: subscriptions across links [${name}]`);

  sub("clean: false, a SUBSCRIBE still waiting for its SUBACK when the link drops is sent again after the reconnect", () => {
    const r = rig(create, { clean: false, reconnectMin: 100 });
    r.up();
    r.client.subscribe("a/#", { qos: 1 });
    r.net.drop(); // the SUBSCRIBE was written, but never reached the broker
    r.clock.advance(2000);
    assert.is(r.net.drops, 1);
    assert.is(r.broker.conns.length, 2);
    assert.equal(r.broker.conns[0].packets.filter((p) => p.cmd == "subscribe").length, 0, "the first link lost it");
    assert.equal(r.events.filter((e) => e.startsWith("connected")), ["connected", "connected+session"]);
    assert.ok(r.broker.last()!.packets.some((p) => p.cmd == "subscribe" && p.subscriptions[0].topic == "a/#"), "sent again to the kept session");
    r.broker.publish("a/x", "v", 1);
    r.clock.advance(50);
    assert.equal(r.messages, [["a/x", "v"]]);
  });

  sub.run();

  // ---- inbound QoS 2 ids and the session
  const q2 = suite(`session rules: inbound QoS 2 ids [${name}]`);

  const pub2 = (id: number, payload: string, dup = false) => ({ cmd: "publish", topic: "in", payload: Buffer.from(payload), qos: 2, messageId: id, retain: false, dup });

  needs(name, ["qos2"], "after a reconnect with session present 0 (clean: true), a new message reusing id 1 is delivered [MQTT-3.1.2-6]") && q2("after a reconnect with session present 0 (clean: true), a new message reusing id 1 is delivered [MQTT-3.1.2-6]", () => {
    const r = rig(create, { clean: true, reconnectMin: 100 });
    r.broker.autoPubrel = false;
    r.up();
    r.broker.last()!.send(pub2(1, "old"));
    r.clock.advance(50); // delivered, PUBREC sent, id 1 awaits a PUBREL that never comes
    r.net.drop();
    r.clock.advance(1000);
    assert.equal(r.events.filter((e) => e.startsWith("connected")), ["connected", "connected"]);
    r.broker.last()!.send(pub2(1, "new"));
    r.clock.advance(50);
    assert.equal(r.messages, [["in", "old"], ["in", "new"]]);
  });

  needs(name, ["qos2"], "a broker that lost the session (clean: false, session present 0): a new message reusing id 1 is delivered") && q2("a broker that lost the session (clean: false, session present 0): a new message reusing id 1 is delivered", () => {
    const r = rig(create, { clean: false, reconnectMin: 100 });
    r.broker.autoPubrel = false;
    r.up();
    r.broker.last()!.send(pub2(1, "old"));
    r.clock.advance(50);
    r.broker.restart(false);
    r.clock.advance(1000);
    assert.equal(r.events.filter((e) => e.startsWith("connected")), ["connected", "connected"], "second CONNACK has session present 0");
    r.broker.last()!.send(pub2(1, "new"));
    r.clock.advance(50);
    assert.equal(r.messages, [["in", "old"], ["in", "new"]]);
  });

  needs(name, ["qos2"], "with a kept session (clean: false, session present 1), a resent id is not delivered twice") && q2("with a kept session (clean: false, session present 1), a resent id is not delivered twice", () => {
    const r = rig(create, { clean: false, reconnectMin: 100 });
    r.broker.autoPubrel = false;
    r.up();
    r.broker.last()!.send(pub2(1, "once"));
    r.clock.advance(50);
    r.net.drop();
    r.clock.advance(1000);
    assert.equal(r.events.filter((e) => e.startsWith("connected")), ["connected", "connected+session"]);
    r.broker.last()!.send(pub2(1, "once", true));
    r.clock.advance(50);
    assert.equal(r.messages, [["in", "once"]]);
    assert.equal(r.broker.last()!.packets.filter((p) => p.cmd == "pubrec").map((p) => p.messageId), [1], "still acknowledged");
  });

  needs(name, ["qos2"], "16 QoS 2 messages awaiting PUBREL (the default qos2 slots): resends of all 16 are not delivered twice") && q2("16 QoS 2 messages awaiting PUBREL (the default qos2 slots): resends of all 16 are not delivered twice", () => {
    const r = rig(create, { clean: false });
    r.broker.autoPubrel = false;
    r.up();
    const c = r.broker.last()!;
    for (let i = 1; i <= 16; i++) c.send(pub2(i, "m" + i));
    r.clock.advance(50);
    for (let i = 1; i <= 16; i++) c.send(pub2(i, "m" + i, true));
    r.clock.advance(50);
    assert.is(r.messages.length, 16);
    assert.equal(got(r, "pubrec").length, 32);
  });

  needs(name, ["qos2"], "20 QoS 2 messages awaiting PUBREL (mosquitto's max_inflight 20) with qos2: 20: resends are not delivered twice") && q2("20 QoS 2 messages awaiting PUBREL (mosquitto's max_inflight 20) with qos2: 20: resends are not delivered twice", () => {
    const r = rig(create, { clean: false, qos2: 20 });
    r.broker.autoPubrel = false;
    r.up();
    const c = r.broker.last()!;
    for (let i = 1; i <= 20; i++) c.send(pub2(i, "m" + i));
    r.clock.advance(50);
    for (let i = 1; i <= 20; i++) c.send(pub2(i, "m" + i, true));
    r.clock.advance(50);
    assert.is(r.messages.length, 20);
  });

  needs(name, ["v31", "qos2"], "MQTT 3.1 with clean: false: a reconnect keeps the session (a 3.1 CONNACK has no session-present flag), a resent QoS 2 id is not delivered twice") && q2("MQTT 3.1 with clean: false: a reconnect keeps the session (a 3.1 CONNACK has no session-present flag), a resent QoS 2 id is not delivered twice", () => {
    const r = rig(create, { protocol: 3, clean: false, reconnectMin: 100 });
    r.broker.autoPubrel = false;
    r.up();
    r.broker.last()!.send(pub2(1, "once"));
    r.clock.advance(50);
    r.net.drop();
    r.clock.advance(1000);
    assert.is(r.net.drops, 1);
    assert.equal(got(r, "connect").map((p) => [p.protocolVersion, p.clean]), [[3, false], [3, false]]);
    // The client takes a 3.1 session as kept and says so, from the first CONNACK on.
    assert.equal(r.events.filter((e) => e.startsWith("connected")), ["connected+session", "connected+session"]);
    r.broker.last()!.send(pub2(1, "once", true));
    r.clock.advance(50);
    assert.equal(r.messages, [["in", "once"]]);
  });

  needs(name, ["v31"], "MQTT 3.1 with clean: false: held QoS 1 messages go out again with DUP=1, and subscriptions are made again") && q2("MQTT 3.1 with clean: false: held QoS 1 messages go out again with DUP=1, and subscriptions are made again", () => {
    const r = rig(create, { protocol: 3, clean: false, reconnectMin: 100 });
    r.up();
    r.client.subscribe("a/#", { qos: 1 });
    r.clock.advance(50);
    r.broker.ackPublish = () => false; // no PUBACK on this link
    r.client.publish("t", "m1", { qos: 1 });
    r.clock.advance(50);
    r.broker.ackPublish = () => true;
    r.net.drop();
    r.clock.advance(1000);
    const c = r.broker.last()!;
    assert.equal(pubs(c.packets), [["m1", 2, true]]); // id 1 was the SUBSCRIBE's
    // A 3.1 broker may have lost the session without saying so: the subscription is made again.
    assert.ok(c.packets.some((p) => p.cmd == "subscribe" && p.subscriptions[0].topic == "a/#"));
    assert.is(r.client.queued(), 0);
  });

  needs(name, ["qos2"], "20 QoS 2 messages queued for an offline client, 8 qos2 slots, the link lost before the PUBRECs arrive: each delivered exactly once, none stalled") && q2("20 QoS 2 messages queued for an offline client, 8 qos2 slots, the link lost before the PUBRECs arrive: each delivered exactly once, none stalled", () => {
    const r = rig(create, { clean: false, qos2: 8, reconnectMin: 100 });
    r.broker.resend = true;
    r.up();
    r.client.subscribe("in/#", { qos: 2 });
    r.clock.advance(50);
    r.net.drop();
    r.clock.advance(1); // offline: the broker queues them for the kept session, as mosquitto does (20 in flight)
    for (let i = 1; i <= 20; i++) r.broker.publish("in/x", "m" + i, 2);
    assert.ok(r.clock.until(() => r.messages.length > 0, 5000));
    r.net.drop(); // the PUBRECs written for the first batch never reach the broker
    r.clock.advance(20_000);
    const seen = r.messages.map((m) => m[1]);
    assert.equal([...seen].sort(), Array.from({ length: 20 }, (_, i) => "m" + (i + 1)).sort(), "each exactly once: " + seen);
    assert.is(r.broker.inflight.get("t1")!.out.size, 0, "every flow completed: no stall");
    // The fault happened: more arrived than the table holds, and the client said so.
    assert.ok(r.errors.some((e) => e.code == "qos2"), "a qos2 error");
    assert.is(r.client.state(), 3);
  });

  needs(name, ["qos2"], "ids released by PUBREL free their slots: no id still awaiting PUBREL is forgotten while a slot is free") && q2("ids released by PUBREL free their slots: no id still awaiting PUBREL is forgotten while a slot is free", () => {
    const r = rig(create, { clean: false });
    r.broker.autoPubrel = false;
    r.up();
    const c = r.broker.last()!;
    for (let i = 1; i <= 16; i++) c.send(pub2(i, "a" + i));
    r.clock.advance(50);
    for (let i = 1; i <= 8; i++) c.send({ cmd: "pubrel", messageId: i }); // 8 slots free again
    r.clock.advance(50);
    for (let i = 17; i <= 24; i++) c.send(pub2(i, "a" + i)); // fill them
    r.clock.advance(50);
    for (let i = 9; i <= 24; i++) c.send(pub2(i, "a" + i, true)); // every id still awaiting PUBREL, resent
    r.clock.advance(50);
    assert.is(r.messages.length, 24);
    assert.is(new Set(r.messages.map((m) => m[1])).size, 24);
  });

  q2("the broker resuming a kept session after a drop mid-flow: every QoS 2 message delivered exactly once", () => {
    const r = rig(create, { clean: false, reconnectMin: 100 });
    r.broker.resend = true;
    r.up();
    r.client.subscribe("in/#", { qos: 2 });
    r.clock.advance(50);
    for (let i = 0; i < 30; i++) {
      r.broker.publish("in/" + i, "q" + i, 2);
      r.clock.advance(i % 7 == 3 ? 8 : 1);
      if (i % 7 == 3) {
        r.net.drop(); // with messages, PUBRECs and PUBRELs on the wire both ways
        r.clock.advance(1);
      }
    }
    r.clock.advance(2000);
    assert.equal(r.messages.map((m) => m[1]).sort(), Array.from({ length: 30 }, (_, i) => "q" + i).sort());
    assert.is(r.broker.inflight.get("t1")!.out.size, 0, "every flow completed");
  });

  // ---- unsubscribe across links
  const un = suite(`session rules: unsubscribe [${name}]`);

  un("unsubscribe() while offline is sent at the next connect to a kept session, and the broker stops delivering", () => {
    const r = rig(create, { clean: false, reconnectMin: 1000 });
    r.up();
    r.client.subscribe("a/#", { qos: 1 });
    r.clock.advance(50);
    r.net.drop();
    r.clock.advance(10);
    assert.is(r.client.state(), 0);
    r.client.unsubscribe("a/#");
    r.clock.advance(2000);
    const c = r.broker.last()!;
    assert.equal(r.events.filter((e) => e.startsWith("connected")).at(-1), "connected+session");
    assert.equal(c.packets.filter((p) => p.cmd == "unsubscribe").map((p) => p.unsubscriptions), [["a/#"]]);
    r.broker.publish("a/x", "late", 1);
    r.clock.advance(50);
    assert.equal(r.messages, []);
  });

  un("an UNSUBSCRIBE lost with the link is resent to the kept session", () => {
    const r = rig(create, { clean: false, reconnectMin: 1000 });
    r.up();
    r.client.subscribe("a/#", { qos: 1 });
    r.clock.advance(50);
    r.client.unsubscribe("a/#");
    r.net.drop(); // the UNSUBSCRIBE was written but never arrives
    r.clock.advance(2000);
    assert.is(r.client.state(), 3);
    assert.equal(got(r, "unsubscribe").map((p) => p.unsubscriptions), [["a/#"]]);
    assert.is(r.broker.sessions.get("t1")!.size, 0, "the broker's session no longer holds the filter");
  });

  un("an UNSUBSCRIBE whose UNSUBACK was lost is resent to the kept session", () => {
    const r = rig(create, { clean: false, reconnectMin: 1000 });
    r.up();
    r.client.subscribe("a/#", { qos: 1 });
    r.clock.advance(50);
    r.client.unsubscribe("a/#");
    r.clock.advance(7); // arrived at the broker; UNSUBACK on the wire
    r.net.drop();
    r.clock.advance(2000);
    assert.equal(got(r, "unsubscribe").length, 2);
    assert.equal(r.broker.last()!.packets.filter((p) => p.cmd == "unsubscribe").length, 1);
  });

  needs(name, ["cb"], "after UNSUBACK the filter's callback gets nothing, even from a message the broker still had on the wire") && un("after UNSUBACK the filter's callback gets nothing, even from a message the broker still had on the wire", () => {
    const r = rig(create);
    r.up();
    const seen: string[] = [];
    r.client.subscribe("a/#", { onMessage: (t) => seen.push(t) });
    r.clock.advance(50);
    r.broker.publish("a/1", "x");
    r.clock.advance(50);
    r.client.unsubscribe("a/#");
    r.clock.advance(50);
    assert.equal(got(r, "unsubscribe").length, 1);
    r.broker.last()!.send({ cmd: "publish", topic: "a/2", payload: Buffer.from("y"), qos: 0, retain: false });
    r.broker.publish("a/3", "z");
    r.clock.advance(50);
    assert.equal(seen, ["a/1"]);
  });

  needs(name, ["cb"], "unsubscribe then subscribe of one filter, both lost with the link: after reconnect to a kept session it is subscribed") && un("unsubscribe then subscribe of one filter, both lost with the link: after reconnect to a kept session it is subscribed", () => {
    const r = rig(create, { clean: false, reconnectMin: 1000 });
    r.up();
    const seen: string[] = [];
    r.client.subscribe("a/#", { qos: 1, onMessage: (t) => seen.push(t) });
    r.clock.advance(50);
    r.client.unsubscribe("a/#");
    r.client.subscribe("a/#", { qos: 1, onMessage: (t) => seen.push(t) });
    r.net.drop(); // neither arrives
    r.clock.advance(2000);
    subscribedAfterReconnect(r, seen);
  });

  needs(name, ["cb"], "an UNSUBSCRIBE lost with the link, then subscribe() of the same filter while offline: subscribed after reconnect") && un("an UNSUBSCRIBE lost with the link, then subscribe() of the same filter while offline: subscribed after reconnect", () => {
    const r = rig(create, { clean: false, reconnectMin: 1000 });
    r.up();
    const seen: string[] = [];
    r.client.subscribe("a/#", { qos: 1 });
    r.clock.advance(50);
    r.client.unsubscribe("a/#");
    r.net.drop();
    r.clock.advance(10);
    r.client.subscribe("a/#", { qos: 1, onMessage: (t) => seen.push(t) }); // the user changes their mind while offline
    r.clock.advance(2000);
    subscribedAfterReconnect(r, seen);
  });

  un("unsubscribe() while offline on a clean session sends nothing (nothing to unsubscribe) and does not resubscribe", () => {
    const r = rig(create, { clean: true, reconnectMin: 1000 });
    r.up();
    r.client.subscribe("a/#");
    r.clock.advance(50);
    r.net.drop();
    r.clock.advance(10);
    r.client.unsubscribe("a/#");
    r.clock.advance(2000);
    const c = r.broker.last()!;
    assert.is(r.client.state(), 3);
    assert.equal(c.packets.filter((p) => p.cmd == "subscribe" || p.cmd == "unsubscribe"), []);
  });

  // ---- end()
  const en = suite(`session rules: end() [${name}]`);

  en("end() inside an `error` handler after a lost link: offline and close fire exactly once each, no reconnect", () => {
    const r = rig(create, { reconnectMin: 100 });
    r.up();
    also(r, "error", () => r.client.end());
    r.net.drop();
    r.clock.advance(5000);
    assert.equal([count(r, "error"), count(r, "offline"), count(r, "close")], [1, 1, 1]);
    assert.is(r.net.connects, 1);
    assert.is(r.client.state(), 4);
  });

  en("end() inside an `error` handler after a lost link: `close` is the last event, after `offline`", () => {
    const r = rig(create, { reconnectMin: 100 });
    r.up();
    also(r, "error", () => r.client.end());
    r.net.drop();
    r.clock.advance(5000);
    assert.equal(r.events, ["connected", "error", "offline", "close"]);
  });

  en("end() inside an `offline` handler: offline and close fire exactly once each, no reconnect", () => {
    const r = rig(create, { reconnectMin: 100 });
    r.up();
    also(r, "offline", () => r.client.end());
    r.net.drop();
    r.clock.advance(5000);
    assert.equal(r.events, ["connected", "error", "offline", "close"]);
    assert.is(r.net.connects, 1);
  });

  en("end() inside an `error` handler of a failed first attempt: close once, no offline, no second attempt", () => {
    const r = rig(create, { reconnectMin: 100 });
    r.net.refuse(true);
    also(r, "error", () => r.client.end());
    r.clock.advance(5000);
    assert.equal(r.events, ["error", "close"]);
    assert.is(r.net.connects, 1);
  });

  en("end() right after creating the client cancels the first attempt: no connect, no client timer left", () => {
    const r = rig(create);
    r.client.end();
    assert.is(r.clock.pending(), 0, "no timer left");
    r.clock.advance(60_000);
    assert.is(r.net.connects, 0);
    assert.is(r.client.attempts, 0);
    assert.equal(r.events, ["close"]);
    assert.is(r.client.state(), 4);
  });

  en("end() with held QoS 1 messages sends them and DISCONNECTs after their PUBACKs", () => {
    const r = rig(create);
    const held: any[] = [];
    r.broker.ackPublish = (p) => (held.push(p), false);
    r.client.publish("h", "1", { qos: 1 });
    r.client.publish("h", "2", { qos: 1 }); // both held while offline
    r.client.end();
    assert.is(r.client.state(), 0, "still going: the held messages must go out");
    r.up();
    r.clock.advance(100);
    assert.equal(held.map((p) => String(p.payload)), ["1", "2"]);
    assert.equal(got(r, "disconnect"), [], "no DISCONNECT before the PUBACKs");
    const c = r.broker.last()!;
    c.send({ cmd: "puback", messageId: held[1].messageId });
    c.send({ cmd: "puback", messageId: held[0].messageId });
    r.clock.advance(100);
    assert.equal(c.packets.map((p) => p.cmd), ["connect", "publish", "publish", "disconnect"]);
    assert.equal(r.errors, []);
    assert.equal(r.events, ["connected", "offline", "close"]);
    assert.is(r.client.queued(), 0);
  });

  en("end() past endTimeout: an error with code \"ended\" naming the count, DISCONNECT, close", () => {
    const r = rig(create, { endTimeout: 2000, ackTimeout: 60_000 });
    r.up();
    r.broker.ackPublish = () => false;
    r.client.publish("h", "1", { qos: 1 });
    r.client.end();
    r.clock.advance(1900);
    assert.equal(r.errors, []);
    r.clock.advance(200);
    assert.is(r.errors.length, 1);
    assert.is(r.errors[0].code, "ended");
    says(name, r.errors[0], /^1 held QoS 1 message/);
    r.clock.advance(50);
    assert.is(got(r, "disconnect").length, 1);
    assert.equal(r.events.slice(-2), ["offline", "close"]);
  });

  en("end(true) DISCONNECTs at once, even with held messages", () => {
    const r = rig(create);
    r.up();
    r.broker.ackPublish = () => false;
    r.client.publish("h", "1", { qos: 1 });
    r.clock.advance(20);
    r.client.end(true);
    assert.is(r.client.state(), 4);
    r.clock.advance(20);
    assert.is(got(r, "disconnect").length, 1);
    assert.equal(r.events, ["connected", "error", "offline", "close"]);
    assert.is(r.errors[0].code, "ended");
  });

  en("end(true) while end() drains: DISCONNECT at once", () => {
    const r = rig(create);
    r.up();
    r.broker.ackPublish = () => false;
    r.client.publish("h", "1", { qos: 1 });
    r.client.end();
    r.clock.advance(100);
    assert.equal(got(r, "disconnect"), []);
    r.client.end(true);
    r.clock.advance(20);
    assert.is(got(r, "disconnect").length, 1);
    assert.is(count(r, "close"), 1);
  });

  en("publish() after end() returns false, while draining and after close; nothing more is sent", () => {
    const r = rig(create);
    r.up();
    r.broker.ackPublish = () => false;
    r.client.publish("h", "1", { qos: 1 });
    r.client.end();
    assert.is(r.client.publish("h", "2", { qos: 1 }), false, "QoS 1 while draining");
    assert.is(r.client.publish("h", "3"), false, "QoS 0 while draining");
    r.client.end(true);
    assert.is(r.client.publish("h", "4", { qos: 1 }), false, "QoS 1 after close");
    assert.is(r.client.publish("h", "5"), false, "QoS 0 after close");
    r.clock.advance(100);
    assert.equal(got(r, "publish").map((p) => String(p.payload)), ["1"]);
  });

  en("a second end() and end() after close change nothing: close fires once", () => {
    const r = rig(create);
    r.up();
    r.client.end();
    r.client.end();
    r.clock.advance(50);
    r.client.end();
    r.client.end(true);
    r.clock.advance(50);
    assert.equal(r.events, ["connected", "offline", "close"]);
    assert.is(got(r, "disconnect").length, 1);
  });

  // ---- the options object
  const op = suite(`session rules: options object [${name}]`);

  op("two clients from one options object get different random client ids, and the object is not written", () => {
    const clock = virtualClock(0);
    const broker = createBroker();
    const net = createNet(clock, broker);
    const opts: any = { transport: net.transport, clock };
    const before = { ...opts };
    const a = create(opts);
    const b = create(opts);
    clock.advance(100);
    assert.equal(opts, before);
    assert.equal(Object.keys(opts), ["transport", "clock"]);
    assert.not.ok("clientId" in opts);
    assert.is(a.state(), 3);
    assert.is(b.state(), 3);
    const ids = got({ broker } as any, "connect").map((p) => p.clientId);
    assert.is(ids.length, 2);
    assert.match(ids[0], /^mqttiny\d+$/);
    assert.is.not(ids[0], ids[1]);
    a.end(true);
    b.end(true);
  });

  op("options the client fills in (defaults, keepalive, will) are not written into the caller's object", () => {
    const clock = virtualClock(0);
    const net = createNet(clock, createBroker());
    const will = { topic: "w", payload: "x" };
    const opts: any = { transport: net.transport, clock, will, keepalive: undefined };
    const snap = JSON.stringify(opts);
    const c = create(opts);
    clock.advance(100);
    assert.is(JSON.stringify(opts), snap);
    assert.equal(Object.keys(will), ["topic", "payload"]);
    c.end(true);
  });

  // ---- callbacks
  const cb = suite(`session rules: callbacks [${name}]`);

  needs(name, ["cb"], "a callback that unsubscribes its own filter does not skip the next matching callback") && cb("a callback that unsubscribes its own filter does not skip the next matching callback", () => {
    const r = rig(create);
    r.up();
    const calls: string[] = [];
    r.client.subscribe("a/#", { onMessage: (t) => {
      calls.push("first " + t);
      r.client.unsubscribe("a/#");
    } });
    r.client.subscribe("a/+", { onMessage: (t) => calls.push("second " + t) });
    r.client.subscribe("+/b", { onMessage: (t) => calls.push("third " + t) });
    r.clock.advance(50);
    r.broker.last()!.send({ cmd: "publish", topic: "a/b", payload: Buffer.from("1"), qos: 0, retain: false });
    r.broker.last()!.send({ cmd: "publish", topic: "a/b", payload: Buffer.from("2"), qos: 0, retain: false });
    r.clock.advance(50);
    assert.equal(calls, ["first a/b", "second a/b", "third a/b", "second a/b", "third a/b"]);
  });

  needs(name, ["cb"], "a callback that unsubscribes an earlier filter does not skip the next matching callback") && cb("a callback that unsubscribes an earlier filter does not skip the next matching callback", () => {
    const r = rig(create);
    r.up();
    const calls: string[] = [];
    r.client.subscribe("x/#", { onMessage: (t) => calls.push("x " + t) });
    r.client.subscribe("a/#", { onMessage: () => {
      calls.push("first");
      r.client.unsubscribe("x/#");
    } });
    r.client.subscribe("a/+", { onMessage: () => calls.push("second") });
    r.clock.advance(50);
    r.broker.last()!.send({ cmd: "publish", topic: "a/b", payload: Buffer.from("1"), qos: 0, retain: false });
    r.clock.advance(50);
    assert.equal(calls, ["first", "second"]);
  });

  needs(name, ["cb"], "a callback that subscribes to its own filter again is called once per message, and the new subscription gets the next one") && cb("a callback that subscribes to its own filter again is called once per message, and the new subscription gets the next one", () => {
    const r = rig(create);
    r.up();
    const calls: string[] = [];
    const f = (_t: string, p: any) => {
      calls.push(String(p));
      if (calls.length < 50) r.client.subscribe("a/#", { qos: 1, onMessage: f });
    };
    r.client.subscribe("a/#", { onMessage: f });
    r.clock.advance(50);
    r.broker.last()!.send({ cmd: "publish", topic: "a/b", payload: Buffer.from("1"), qos: 0, retain: false });
    r.clock.advance(50);
    r.broker.last()!.send({ cmd: "publish", topic: "a/b", payload: Buffer.from("2"), qos: 0, retain: false });
    r.clock.advance(50);
    assert.equal(calls, ["1", "2"]);
  });

  needs(name, ["cb"], "a throwing callback becomes an `error` with code \"callback\"; the rest of the chunk and its PUBACKs are handled") && cb("a throwing callback becomes an `error` with code \"callback\"; the rest of the chunk and its PUBACKs are handled", () => {
    const r = rig(create);
    r.up();
    const seen: string[] = [];
    r.client.subscribe("t/#", { onMessage: (_t, p) => {
      seen.push(String(p));
      if (String(p) == "bad") throw new Error("boom");
    } });
    r.clock.advance(50);
    const chunk = Buffer.concat([
      gen({ cmd: "publish", topic: "t/1", payload: Buffer.from("bad"), qos: 1, messageId: 11, retain: false }),
      gen({ cmd: "publish", topic: "t/2", payload: Buffer.from("good"), qos: 1, messageId: 12, retain: false }),
      gen({ cmd: "publish", topic: "t/3", payload: Buffer.from("bad"), qos: 0, retain: false }),
      gen({ cmd: "publish", topic: "t/4", payload: Buffer.from("last"), qos: 1, messageId: 13, retain: false }),
    ]);
    r.broker.last()!.send(new Uint8Array(chunk));
    r.clock.advance(50);
    assert.equal(seen, ["bad", "good", "bad", "last"]);
    assert.equal(r.messages.map((m) => m[1]), ["bad", "good", "bad", "last"], "the `message` event still gets every one");
    assert.equal(got(r, "puback").map((p) => p.messageId), [11, 12, 13]);
    assert.equal(r.errors.map((e) => e.code), ["callback", "callback"]);
    says(name, r.errors[0], /boom/);
    assert.is(r.client.state(), 3, "the link stays up");
    assert.is(r.client.attempts, 1);
  });

  cb("a throwing `message` handler becomes an `error` too, and the next packet is handled", () => {
    const r = rig(create);
    r.up();
    const seen: string[] = [];
    r.client.on("message", (_t, p) => {
      seen.push(String(p));
      throw new Error("oops");
    });
    const c = r.broker.last()!;
    c.send(new Uint8Array(Buffer.concat([gen({ cmd: "publish", topic: "m", payload: Buffer.from("1"), qos: 1, messageId: 3, retain: false }), gen({ cmd: "publish", topic: "m", payload: Buffer.from("2"), qos: 0, retain: false })])));
    r.clock.advance(50);
    assert.equal(seen, ["1", "2"]);
    assert.equal(r.errors.map((e) => e.code), ["callback", "callback"]);
    assert.equal(got(r, "puback").map((p) => p.messageId), [3]);
  });

  // ---- DUP and ids in a new or kept session
  const dup = suite(`session rules: held QoS 1 and the session [${name}]`);

  function heldAcrossDrop(opts: any, keepBroker = true) {
    const r = rig(create, { window: 3, reconnectMin: 1000, ...opts });
    r.up();
    r.broker.ackPublish = () => false;
    for (const m of ["h1", "h2"]) r.client.publish("d", m, { qos: 1 });
    r.clock.advance(50);
    r.broker.ackPublish = () => true;
    if (keepBroker) r.net.drop();
    else r.broker.restart(false);
    r.clock.advance(2000);
    assert.is(r.client.queued(), 0);
    return { first: pubs(r.broker.conns[0].packets), again: pubs(r.broker.last()!.packets), r };
  }

  dup("with clean: true, held QoS 1 messages go into the new session as new messages: DUP=0", () => {
    const { first, again } = heldAcrossDrop({ clean: true });
    assert.equal(first, [["h1", 1, false], ["h2", 2, false]]);
    assert.equal(again.map((p) => [p[0], p[2]]), [["h1", false], ["h2", false]]);
  });

  dup("with clean: false and a session the broker lost (session present 0): DUP=0", () => {
    const { again } = heldAcrossDrop({ clean: false }, false);
    assert.equal(again.map((p) => [p[0], p[2]]), [["h1", false], ["h2", false]]);
  });

  dup("with a kept session, held QoS 1 messages are resent with DUP=1 and the same ids", () => {
    const { first, again, r } = heldAcrossDrop({ clean: false });
    assert.equal(r.events.filter((e) => e.startsWith("connected")).at(-1), "connected+session");
    assert.equal(again, first.map((p) => [p[0], p[1], true]));
  });

  dup("a message published while offline goes out with DUP=0 after held ones resent with DUP=1", () => {
    const r = rig(create, { clean: false, reconnectMin: 1000 });
    r.up();
    r.broker.ackPublish = () => false;
    r.client.publish("d", "old", { qos: 1 });
    r.clock.advance(50);
    r.broker.ackPublish = () => true;
    r.net.drop();
    r.clock.advance(10);
    r.client.publish("d", "new", { qos: 1 });
    r.clock.advance(2000);
    assert.equal(pubs(r.broker.last()!.packets), [["old", 1, true], ["new", 2, false]]);
  });

  // ---- backoff
  const bo = suite(`session rules: backoff [${name}]`);

  bo("a broker that accepts then drops at once: attempts back off (about 12 in 5 virtual minutes, not hundreds)", () => {
    // Each link dies 50 ms after it opens, just after CONNACK. Waits with random 0.5: 750, 1500, ...
    // 24000 ms, then 45000 ms: 12 attempts in 300 s. Resetting at every CONNACK would make ~370.
    const r = rig(create, { reconnectMin: 1000, reconnectMax: 60_000 }, { dropEvery: [50, 51] });
    r.clock.advance(5 * 60_000);
    assert.ok(r.client.attempts >= 10 && r.client.attempts <= 13, "attempts " + r.client.attempts);
    assert.is(r.events.filter((e) => e == "connected").length, r.client.attempts, "each attempt was accepted");
  });

  bo("the backoff starts short again after a connection stayed up for a keepalive", () => {
    const r = rig(create, { reconnectMin: 1000, reconnectMax: 60_000, keepalive: 10 });
    r.net.refuse(true);
    r.clock.advance(100_000); // a run of failures: the step is at reconnectMax
    r.net.refuse(false);
    r.up(60_000);
    r.clock.advance(15_000); // up longer than one keepalive
    const n = r.net.connects;
    r.net.drop();
    r.clock.advance(1000); // 750 ms wait + handshake
    assert.is(r.net.connects, n + 1, "reconnected at the short step");
    assert.is(r.client.state(), 3);
  });

  bo("a connection that dropped before a keepalive passed keeps the long step", () => {
    const r = rig(create, { reconnectMin: 1000, reconnectMax: 60_000, keepalive: 10 });
    r.net.refuse(true);
    r.clock.advance(100_000);
    r.net.refuse(false);
    r.up(60_000);
    r.clock.advance(3_000); // up, but well under a keepalive
    const n = r.net.connects;
    r.net.drop();
    r.clock.advance(20_000);
    assert.is(r.net.connects, n, "still waiting: 75% of 60 s");
    r.clock.advance(30_000);
    assert.is(r.net.connects, n + 1);
  });

  for (const s of [ooo, q2, un, en, op, cb, dup, bo]) s.run();
}
