// Inbound messages: QoS 0/1/2 delivery and acknowledgement, exactly-once QoS 2, subscriptions.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, rig, got, says, needs, msg } from "./sim/setup";
import { hex } from "./hex";

for (const [name, create] of impls) {
  const t = suite(`client inbound [${name}]`);

  t("QoS 0 is delivered; QoS 1 is delivered, then PUBACK", () => {
    const r = rig(create);
    r.up();
    const conn = r.broker.last()!;
    conn.send({ cmd: "publish", topic: "a", payload: Buffer.from("0"), qos: 0, retain: false });
    conn.send({ cmd: "publish", topic: "b", payload: Buffer.from("1"), qos: 1, messageId: 7, retain: false });
    r.clock.advance(50);
    assert.equal(r.messages, [["a", "0"], ["b", "1"]]);
    assert.equal(got(r, "puback").map((p) => p.messageId), [7]);
  });

  needs(name, ["qos2"], "QoS 2: PUBREC, PUBREL -> PUBCOMP, delivered exactly once when the broker resends the PUBLISH") && t("QoS 2: PUBREC, PUBREL -> PUBCOMP, delivered exactly once when the broker resends the PUBLISH", () => {
    const r = rig(create);
    r.broker.autoPubrel = false;
    r.up();
    const conn = r.broker.last()!;
    const pub = { cmd: "publish", topic: "q2", payload: Buffer.from("once"), qos: 2, messageId: 5, retain: false };
    conn.send(pub);
    r.clock.advance(20);
    conn.send({ ...pub, dup: true }); // resent before PUBREL arrived
    r.clock.advance(20);
    assert.equal(r.messages, [["q2", "once"]]);
    assert.equal(got(r, "pubrec").map((p) => p.messageId), [5, 5]);
    conn.send({ cmd: "pubrel", messageId: 5 });
    r.clock.advance(20);
    assert.equal(got(r, "pubcomp").map((p) => p.messageId), [5]);
    conn.send(pub); // id 5 reused for a new message after PUBCOMP: delivered
    r.clock.advance(20);
    assert.is(r.messages.length, 2);
  });

  needs(name, ["qos2"], "PUBREL for an unknown id is still answered with PUBCOMP") && t("PUBREL for an unknown id is still answered with PUBCOMP", () => {
    const r = rig(create);
    r.up();
    r.broker.last()!.send({ cmd: "pubrel", messageId: 42 });
    r.clock.advance(20);
    assert.equal(got(r, "pubcomp").map((p) => p.messageId), [42]);
  });

  t("a chunk holding one and a half packets, then the rest: both delivered", () => {
    const r = rig(create);
    r.up();
    const conn = r.broker.last()!;
    conn.send(hex("30 05 00 01 61 68 69", "30 05 00 01"));
    r.clock.advance(20);
    assert.is(r.messages.length, 1);
    conn.send(hex("62 79 6F"));
    r.clock.advance(20);
    assert.equal(r.messages, [["a", "hi"], ["b", "yo"]]);
  });

  t("every message arrives when the broker's bytes come in random 1-7 byte chunks", () => {
    const r = rig(create, {}, { maxChunk: 7, seed: 3 });
    r.up();
    r.client.subscribe("s/#", { qos: 1 });
    r.clock.advance(100);
    for (let i = 0; i < 50; i++) r.broker.publish("s/" + i, "v".repeat(i * 5), 1);
    r.clock.advance(2000);
    assert.is(r.messages.length, 50);
    assert.equal(r.messages[49], ["s/49", "v".repeat(245)]);
  });

  needs(name, ["bin"], "binary: true delivers a Uint8Array view of the payload") && t("binary: true delivers a Uint8Array view of the payload", () => {
    const r = rig(create, { binary: true });
    r.up();
    r.broker.last()!.send({ cmd: "publish", topic: "b", payload: Buffer.from([0, 255, 128]), qos: 0, retain: false });
    r.clock.advance(20);
    assert.ok(r.messages[0][1] instanceof Uint8Array);
    assert.equal(Array.from(r.messages[0][1]), [0, 255, 128]);
  });

  t("a packet larger than rxSize is skipped with an error naming its size; a QoS 1 one is acknowledged; the link stays up", () => {
    const r = rig(create, { rxSize: 1024 }, { maxChunk: 536 });
    r.up();
    const conn = r.broker.last()!;
    conn.send({ cmd: "publish", topic: "big", payload: Buffer.alloc(200 * 1024, 1), qos: 1, messageId: 9, retain: false });
    conn.send({ cmd: "publish", topic: "small", payload: Buffer.from("ok"), qos: 0, retain: false });
    r.clock.advance(5000);
    assert.is(r.errors.length, 1);
    says(name, r.errors[0], /packet of 204807 bytes exceeds rxSize/);
    assert.equal(got(r, "puback").map((p) => p.messageId), [9]);
    assert.equal(r.messages, [["small", "ok"]]);
    assert.is(r.client.attempts, 1);
  });

  // The packet id follows the topic: it is read whatever the topic's length, even past rxSize, or the
  // message would hold one of the broker's in-flight slots until the next reconnect, and then again.
  for (const [qos, ack] of [[1, "puback"], [2, "pubrec"]] as const) {
    for (const maxChunk of [undefined, 1, 7, 536]) {
      const title = `a QoS ${qos} PUBLISH whose topic alone exceeds rxSize is skipped and acknowledged (${ack} with its id), chunks of ${maxChunk ?? "whole writes"}`;
      if (qos == 2 && !needs(name, ["qos2"], title)) continue;
      t(title, () => {
        const r = rig(create, { rxSize: 64 }, { maxChunk });
        r.up();
        r.client.subscribe("#", { qos: 2 });
        r.clock.advance(50);
        const conn = r.broker.last()!;
        conn.send({ cmd: "publish", topic: "t/" + "x".repeat(100), payload: Buffer.from("p"), qos, messageId: 0x1234, retain: false });
        conn.send({ cmd: "publish", topic: "small", payload: Buffer.from("ok"), qos: 0, retain: false });
        r.clock.advance(3000);
        assert.is(r.errors.length, 1, "one error: " + r.errors.map((e) => e.message));
        assert.match(r.errors[0].message, msg(name, /exceeds rxSize/));
        assert.equal(got(r, ack).map((p) => p.messageId), [0x1234]);
        assert.equal(r.messages, [["small", "ok"]]);
        assert.is(r.client.attempts, 1);
      });
    }
  }

  t("garbage from the server is a clear error; the client reconnects and loses no queued QoS 1 message", () => {
    const r = rig(create, { reconnectMin: 500, clean: false });
    r.up();
    r.broker.ackPublish = () => false;
    r.client.publish("keep", "1", { qos: 1 });
    r.clock.advance(20);
    r.broker.last()!.send(hex("F0 00"));
    r.clock.advance(20);
    says(name, r.errors[0], /malformed packet from server \(-2\)/);
    r.broker.ackPublish = () => true;
    r.clock.advance(2000);
    assert.is(r.client.state(), 3);
    assert.is(r.client.queued(), 0);
    assert.equal(got(r, "publish").map((p) => [String(p.payload), p.dup]), [["1", false], ["1", true]]);
  });

  t.run();

  const s = suite(`client subscriptions [${name}]`);

  needs(name, ["cb"], "SUBSCRIBE carries filter and QoS; per-filter callbacks get their matches; `message` gets all") && s("SUBSCRIBE carries filter and QoS; per-filter callbacks get their matches; `message` gets all", () => {
    const r = rig(create);
    r.up();
    const temp: string[] = [];
    const cmd: string[] = [];
    r.client.subscribe("sensors/+/temp", { qos: 1, onMessage: (topic, p) => temp.push(topic + "=" + p) });
    r.client.subscribe("cmd/#", { onMessage: (topic, p) => cmd.push(topic + "=" + p) });
    r.clock.advance(50);
    assert.equal(got(r, "subscribe").map((p) => p.subscriptions.map((x: any) => [x.topic, x.qos])), [[["sensors/+/temp", 1]], [["cmd/#", 0]]]);
    r.broker.publish("sensors/n1/temp", "21");
    r.broker.publish("sensors/n1/hum", "40");
    r.broker.publish("cmd", "reboot");
    r.broker.publish("cmd/led", "on");
    r.clock.advance(50);
    assert.equal(temp, ["sensors/n1/temp=21"]);
    assert.equal(cmd, ["cmd=reboot", "cmd/led=on"]);
    assert.is(r.messages.length, 3, "sensors/n1/hum has no subscriber at the broker");
  });

  s("SUBACK 0x80 is an error for that filter, which is then dropped", () => {
    const r = rig(create);
    r.up();
    r.broker.suback = (p) => p.subscriptions.map((x: any) => (x.topic == "no/#" ? 0x80 : x.qos));
    r.client.subscribe("no/#");
    r.client.subscribe("yes/#");
    r.clock.advance(50);
    assert.equal(r.errors.map((e) => e.code), ["suback"]);
    says(name, r.errors[0], "subscription refused: no/#");
    r.net.drop();
    r.clock.advance(3000);
    assert.equal(r.broker.last()!.packets.filter((p) => p.cmd == "subscribe").map((p) => p.subscriptions[0].topic), ["yes/#"]);
  });

  s("SUBACK with the wrong number of codes is a protocol error: reconnect and subscribe again", () => {
    const r = rig(create, { reconnectMin: 500 });
    r.up();
    let bad = true;
    r.broker.suback = (p) => (bad ? [0, 0] : p.subscriptions.map((x: any) => x.qos));
    r.client.subscribe("a");
    r.clock.advance(50);
    says(name, r.errors[0], /SUBACK with 2 return codes for 1 filter/);
    bad = false;
    r.clock.advance(2000);
    assert.is(r.client.state(), 3);
    assert.is(got(r, "subscribe").length, 2);
  });

  s("subscriptions are restored after a reconnect when the session was not kept", () => {
    const r = rig(create, { clean: true, reconnectMin: 500 });
    r.up();
    r.client.subscribe("a/#", { qos: 1 });
    r.clock.advance(50);
    r.net.drop();
    r.clock.advance(2000);
    assert.is(got(r, "subscribe").length, 2);
    r.broker.publish("a/x", "back");
    r.clock.advance(50);
    assert.equal(r.messages, [["a/x", "back"]]);
  });

  s("with a kept session (clean=false, session present) subscriptions are not sent again", () => {
    const r = rig(create, { clean: false, reconnectMin: 500 });
    r.up();
    r.client.subscribe("a/#", { qos: 1 });
    r.clock.advance(50);
    r.net.drop();
    r.clock.advance(2000);
    assert.equal(r.events.filter((e) => e.startsWith("connected")), ["connected", "connected+session"]);
    assert.is(got(r, "subscribe").length, 1);
    r.broker.publish("a/x", "kept");
    r.clock.advance(50);
    assert.equal(r.messages, [["a/x", "kept"]]);
  });

  s("a subscription made while offline is sent once connected", () => {
    const r = rig(create);
    r.client.subscribe("early");
    r.up();
    r.clock.advance(50);
    assert.is(got(r, "subscribe").length, 1);
  });

  needs(name, ["cb"], "unsubscribe sends UNSUBSCRIBE and stops the callback") && s("unsubscribe sends UNSUBSCRIBE and stops the callback", () => {
    const r = rig(create);
    r.up();
    const seen: string[] = [];
    r.client.subscribe("u", { onMessage: (t) => seen.push(t) });
    r.clock.advance(50);
    r.client.unsubscribe("u");
    r.clock.advance(50);
    assert.equal(got(r, "unsubscribe").map((p) => p.unsubscriptions), [["u"]]);
    r.broker.last()!.send({ cmd: "publish", topic: "u", payload: Buffer.from("x"), qos: 0, retain: false });
    r.clock.advance(50);
    assert.equal(seen, []);
  });

  s.run();
}
