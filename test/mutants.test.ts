// Behaviours found untested by `npm run mutate` (bench/README.md, "Mutation score"): each test kills a
// mutant of src/client.ts that the rest of the suite let live.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, rig, got, needs } from "./sim/setup";

for (const [name, create] of impls) {
  const t = suite(`mutants: client behaviours no other test checked [${name}]`);

  // Mutant: `if (k >= 0) c.q2.splice(k, 1)` -> `c.q2.splice(k, 1)`: splice(-1, 1) forgets the newest id.
  const stray = "a PUBREL for an id never received forgets no open QoS 2 exchange: its resend is not delivered twice";
  if (needs(name, ["qos2"], stray)) t(stray, () => {
    const r = rig(create);
    r.broker.autoPubrel = false;
    r.up();
    const c = r.broker.last()!;
    c.send({ cmd: "publish", topic: "in", payload: Buffer.from("once"), qos: 2, messageId: 1, retain: false, dup: false });
    r.clock.advance(50);
    c.send({ cmd: "pubrel", messageId: 9 });
    r.clock.advance(50);
    assert.equal(c.packets.filter((p) => p.cmd == "pubcomp").map((p) => p.messageId), [9], "the stray PUBREL is completed");
    c.send({ cmd: "publish", topic: "in", payload: Buffer.from("once"), qos: 2, messageId: 1, retain: false, dup: true });
    r.clock.advance(50);
    assert.equal(r.messages, [["in", "once"]]);
    assert.equal(c.packets.filter((p) => p.cmd == "pubrec").map((p) => p.messageId), [1, 1], "the resend is still acknowledged");
  });

  // Mutant: the SUBACK loop `k < sb.length` -> `k <= sb.length`: reads past the list and throws.
  t("a SUBACK for a packet id never sent is ignored: no error, the link stays up, the subscription still works", () => {
    const r = rig(create);
    r.up();
    r.client.subscribe("a");
    r.clock.advance(50);
    assert.is(got(r, "subscribe").length, 1);
    r.broker.last()!.send({ cmd: "suback", messageId: 999, granted: [0] });
    r.clock.advance(50);
    assert.equal(r.errors, []);
    assert.is(r.client.state(), 3);
    assert.is(r.broker.conns.length, 1, "no reconnect");
    r.broker.publish("a", "x");
    r.clock.advance(50);
    assert.equal(r.messages, [["a", "x"]]);
  });

  // Mutant: the UNSUBACK branch emptied: an acknowledged UNSUBSCRIBE stays in the list, resent at every
  // reconnect to a kept session (and the list grows with every unsubscribe()).
  t("an UNSUBSCRIBE acknowledged by its UNSUBACK is not sent again after a reconnect to the kept session", () => {
    const r = rig(create, { clean: false, reconnectMin: 1000 });
    r.up();
    r.client.subscribe("a/#", { qos: 1 });
    r.clock.advance(50);
    r.client.unsubscribe("a/#");
    r.clock.advance(50);
    assert.equal(r.broker.last()!.packets.filter((p) => p.cmd == "unsubscribe").length, 1, "sent and acknowledged");
    r.net.drop();
    r.clock.advance(2000);
    assert.equal(r.events.filter((e) => e.startsWith("connected")), ["connected", "connected+session"]);
    assert.is(r.broker.conns.length, 2, "the link was dropped once");
    assert.equal(got(r, "unsubscribe").length, 1);
  });

  // Mutant: `++c.pg > c.pt` -> `true`: a PINGRESP later than one tick dropped the link.
  t("a PINGRESP that comes after one tick but within pingTimeout keeps the link", () => {
    const r = rig(create, { keepalive: 4, pingTimeout: 3000 });
    r.up();
    r.broker.pingresp = false;
    assert.ok(r.clock.until(() => got(r, "pingreq").length == 1, 10_000), "a PINGREQ went out");
    r.clock.advance(2000); // two ticks of 750 ms: slow, within the 3 s
    r.broker.last()!.send({ cmd: "pingresp" });
    r.broker.pingresp = true;
    r.clock.advance(20_000);
    assert.equal(r.errors, []);
    assert.is(r.broker.conns.length, 1, "never dropped");
  });

  // Mutant: `t != T.CONNACK` -> `false`: a first packet of another type was taken as a CONNACK.
  t("a first packet that is not a CONNACK drops the link, code protocol, and the client is not connected", () => {
    const r = rig(create, { reconnectMin: 60_000 });
    r.broker.connack = null;
    r.clock.advance(50);
    assert.is(r.broker.conns.length, 1);
    r.broker.last()!.send({ cmd: "pingresp" });
    r.clock.advance(50);
    assert.equal(r.errors.map((e) => e.code), ["protocol"]);
    assert.is(r.client.state(), 0);
  });

  // Mutant: the `second CONNACK` branch emptied.
  t("a second CONNACK on a connected link drops it, code protocol", () => {
    const r = rig(create, { reconnectMin: 60_000 });
    r.up();
    r.broker.last()!.send({ cmd: "connack", returnCode: 0, sessionPresent: false });
    r.clock.advance(50);
    assert.equal(r.errors.map((e) => e.code), ["protocol"]);
    assert.is(r.client.state(), 0);
  });

  // Mutant: the decoder not reset at a new attempt: half a packet from the lost link prefixed the next.
  t("a link lost in the middle of a packet: the next link's packets decode from their first byte", () => {
    const r = rig(create, { reconnectMin: 1000 });
    r.up();
    r.client.subscribe("a");
    r.clock.advance(50);
    // The first 5 bytes of PUBLISH "a" "hello" (30 08 00 01 61 68 65 6c 6c 6f), then the link dies.
    r.broker.last()!.send(Uint8Array.from([0x30, 0x08, 0x00, 0x01, 0x61]));
    r.clock.advance(10);
    r.net.drop();
    assert.is(r.net.drops, 1);
    r.clock.advance(3000);
    assert.is(r.client.state(), 3);
    r.broker.publish("a", "next");
    r.clock.advance(50);
    assert.equal(r.messages, [["a", "next"]]);
    assert.equal(r.errors.map((e) => e.code), ["closed"], "only the lost link");
  });

  // Mutant: end()'s `l.close()` taken out (the simulated broker closes on DISCONNECT, which hid it).
  t("end() closes its link itself, DISCONNECT first", () => {
    let closes = 0;
    const r = rig(create);
    const inner = (r.client as any).tr;
    (r.client as any).tr = (ev: any) => {
      const l = inner(ev);
      return { write: (d: any) => l.write(d), close: () => (closes++, l.close()), hw: l.hw };
    };
    r.up();
    r.client.end(true);
    assert.is(closes, 1);
    r.clock.advance(50);
    assert.equal(got(r, "disconnect").length, 1);
  });

  // Mutant: nextId's SUBSCRIBE check taken out: after the ids wrap, a SUBSCRIBE awaiting its SUBACK lost its id.
  t("after the packet ids wrap, an id still held by a SUBSCRIBE awaiting its SUBACK is skipped", () => {
    const r = rig(create, { window: 8, storeSize: 4096, keepalive: 0, ackTimeout: 1e9 }, { latency: 0 });
    r.up();
    const conn = r.broker.last()!;
    const send = conn.send;
    conn.send = (p: any) => (p.cmd == "suback" && p.messageId == 1 ? undefined : send(p)); // id 1's SUBACK never comes
    r.client.subscribe("a");
    r.clock.advance(1);
    assert.equal(got(r, "subscribe").map((p) => p.messageId), [1]);
    for (let n = 0, k = 0; n < 65534; k++) {
      if (k > 400_000) assert.unreachable("publish() still refusing after " + n + " accepted");
      if (r.client.publish("i", "", { qos: 1 })) n++;
      else r.clock.advance(1);
    }
    r.clock.advance(10);
    const ids = got(r, "publish").map((p) => p.messageId);
    assert.is(ids[65533], 65535);
    r.client.publish("i", "", { qos: 1 });
    r.clock.advance(10);
    assert.is(got(r, "publish").map((p) => p.messageId)[65534], 2, "1 is skipped: the SUBSCRIBE still holds it");
  });

  // Mutant: `c.q2.length >= c.qn` -> `>`: one open QoS 2 exchange more than `qos2` was taken.
  const exact = "the QoS 2 table takes exactly `qos2` open exchanges: the next is not taken (no PUBREC, code qos2)";
  if (needs(name, ["qos2"], exact)) t(exact, () => {
    const r = rig(create, { qos2: 2 });
    r.broker.autoPubrel = false;
    r.up();
    const c = r.broker.last()!;
    for (const id of [1, 2, 3]) c.send({ cmd: "publish", topic: "in", payload: Buffer.from("m" + id), qos: 2, messageId: id, retain: false, dup: false });
    r.clock.advance(50);
    assert.equal(c.packets.filter((p) => p.cmd == "pubrec").map((p) => p.messageId), [1, 2]);
    assert.equal(r.errors.map((e) => e.code), ["qos2"]);
  });

  // Mutants at the txSize bounds: `n + 2 > c.z` -> `>=` (a filter that fits exactly refused) and
  // `cn.length > o.txSize` -> `>=` (a CONNECT that fits exactly refused).
  t("a SUBSCRIBE of exactly txSize bytes is sent, one byte more throws code size", () => {
    const r = rig(create, { txSize: 64 });
    r.up();
    r.client.subscribe("f".repeat(57)); // 2 + 2 + 2 + 57 + 1 = 64 bytes
    assert.throws(() => r.client.subscribe("f".repeat(58)), (e: any) => e.code == "size");
    r.clock.advance(50);
    assert.equal(got(r, "subscribe").map((p) => p.subscriptions[0].topic.length), [57]);
  });

  t("a CONNECT of exactly txSize bytes connects (clientId t1: 16 bytes, txSize 16)", () => {
    const r = rig(create, { txSize: 16, keepalive: 0 });
    r.up();
    assert.is(r.client.state(), 3);
  });

  const one = "MQTT 3.1 takes a 1-character client id";
  if (needs(name, ["v31"], one)) t(one, () => {
    const r = rig(create, { protocol: 3, clientId: "a" });
    r.up();
    assert.equal(got(r, "connect").map((p) => [p.protocolVersion, p.clientId]), [[3, "a"]]);
  });

  // Mutant: `o.clean === false` -> `true`: MQTT 3.1 with clean: true kept its session across reconnects.
  const clean31 = "MQTT 3.1 with clean: true starts a new session at every connect: subscriptions sent again, no session reported";
  if (needs(name, ["v31"], clean31)) t(clean31, () => {
    const r = rig(create, { protocol: 3, clean: true, reconnectMin: 1000 });
    r.up();
    r.client.subscribe("a/#", { qos: 1 });
    r.clock.advance(50);
    r.net.drop();
    r.clock.advance(3000);
    assert.equal(r.events.filter((e) => e.startsWith("connected")), ["connected", "connected"]);
    assert.is(got(r, "subscribe").length, 2);
  });

  t.run();
}
