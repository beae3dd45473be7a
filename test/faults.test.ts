// Fault matrix: the link drops at every step of the handshake, of a QoS 1 publish and of an inbound
// QoS 2 exchange. Each time the client reports it, reconnects, loses no queued QoS 1 message, and
// delivers an inbound QoS 2 message exactly once. Also: user input that must fail at the call.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, rig, got, needs } from "./sim/setup";
import type { Rig } from "./sim/setup";

for (const [name, create] of impls) {
  const t = suite(`fault matrix [${name}]`);

  // Each step: the link drops at one moment of the handshake (each arrange drops it itself), then the
  // client recovers with nothing lost. The drop is counted, so no step can pass without its fault.
  const handshake: [string, (r: Rig) => void][] = [
    // The CONNECT timer fires at 0 and the link opens after the 5 ms latency.
    ["before the link opens", (r) => (r.clock.advance(1), assert.is(r.client.state(), 1), r.net.drop())],
    [
      "after CONNECT, before CONNACK",
      (r) => {
        r.broker.connack = null; // the broker takes the CONNECT and does not answer
        r.clock.advance(12);
        assert.is(got(r, "connect").length, 1);
        assert.is(r.client.state(), 2);
        r.net.drop();
      },
    ],
    ["with CONNACK on the wire", (r) => (r.clock.advance(12), assert.is(r.client.state(), 2), r.net.drop())],
    ["right after CONNACK", (r) => (r.clock.advance(16), assert.is(r.client.state(), 3), r.net.drop())],
  ];
  for (const [step, arrange] of handshake) {
    t(`link drops ${step}: reconnects, then sends the queued QoS 1 message`, () => {
      const r = rig(create, { reconnectMin: 100, connectTimeout: 2000 });
      r.client.publish("q", "kept", { qos: 1 });
      arrange(r);
      r.broker.connack = 0;
      r.clock.advance(5000);
      assert.is(r.net.drops, 1, "the link was dropped once");
      assert.is(r.client.attempts, 2);
      assert.is(r.client.state(), 3);
      assert.is(r.client.queued(), 0);
      assert.ok(got(r, "publish").some((p) => String(p.payload) == "kept"));
    });
  }

  const qos1Steps: [string, (r: Rig) => void][] = [
    ["before the PUBLISH leaves", (r) => r.net.drop()],
    ["with the PUBLISH on the wire", (r) => (r.clock.advance(2), r.net.drop())],
    [
      "after the broker got the PUBLISH, before PUBACK",
      (r) => {
        r.broker.ackPublish = () => (r.net.drop(), false);
        r.clock.advance(50);
        r.broker.ackPublish = () => true;
      },
    ],
    ["with the PUBACK on the wire", (r) => (r.clock.advance(7), r.net.drop())],
  ];
  for (const [step, arrange] of qos1Steps) {
    t(`QoS 1 publish, link drops ${step}: delivered after reconnect, store empty`, () => {
      const r = rig(create, { reconnectMin: 100, clean: false });
      r.up();
      r.client.publish("q", "m1", { qos: 1 });
      arrange(r);
      r.clock.advance(5000);
      assert.is(r.net.drops, 1, "the link was dropped once");
      assert.is(r.client.state(), 3);
      assert.is(r.client.queued(), 0);
      const copies = got(r, "publish").filter((p) => String(p.payload) == "m1");
      assert.ok(copies.length >= 1 && copies.length <= 2, "at least once: " + copies.length);
      if (copies.length == 2) assert.is(copies[1].dup, true, "a resend carries DUP");
    });
  }

  const qos2Steps: [string, number][] = [
    ["before PUBREC", 0],
    ["after PUBREC, before PUBREL", 1],
    ["after PUBREL, before PUBCOMP", 2],
  ];
  for (const [step, stage] of qos2Steps) {
    needs(name, ["qos2"], `inbound QoS 2, link drops ${step}: delivered exactly once after the broker resends to the kept session`) && t(`inbound QoS 2, link drops ${step}: delivered exactly once after the broker resends to the kept session`, () => {
      const r = rig(create, { reconnectMin: 100, clean: false });
      r.broker.autoPubrel = false;
      r.up();
      const pub = { cmd: "publish", topic: "in", payload: Buffer.from("once"), qos: 2, messageId: 9, retain: false };
      r.broker.last()!.send(pub);
      r.clock.advance(20);
      if (stage >= 2) r.broker.last()!.send({ cmd: "pubrel", messageId: 9 });
      if (stage >= 2) r.clock.advance(20);
      r.net.drop();
      r.clock.advance(2000);
      assert.is(r.net.drops, 1, "the link was dropped once");
      assert.is(r.client.state(), 3);
      // The broker resumes the flow as the spec has it: PUBLISH again (DUP) unless PUBREC came, then PUBREL.
      const c = r.broker.last()!;
      if (stage < 2) c.send({ ...pub, dup: true });
      r.clock.advance(20);
      c.send({ cmd: "pubrel", messageId: 9 });
      r.clock.advance(20);
      assert.equal(r.messages, [["in", "once"]]);
      assert.ok(c.packets.some((p) => p.cmd == "pubcomp" && p.messageId == 9));
    });
  }

  t("CONNACK never arrives: timeout error, and the next attempt succeeds", () => {
    // The retry waits 500-1000 ms, so the broker answers the second attempt.
    const r = rig(create, { connectTimeout: 3000, reconnectMin: 1000 });
    r.broker.connack = null;
    r.clock.advance(3100);
    assert.is(r.errors[0].code, "timeout");
    assert.is(r.client.attempts, 1);
    r.broker.connack = 0;
    r.clock.advance(2000);
    assert.is(r.client.attempts, 2);
    assert.is(r.client.state(), 3);
  });

  t("a refused CONNACK (4 or 5) allows at most 2 attempts per virtual minute", () => {
    for (const rc of [4, 5]) {
      const r = rig(create, { reconnectMin: 1000, reconnectMax: 60000 });
      r.broker.connack = rc;
      r.clock.advance(10 * 60_000);
      const perMinute = r.client.attempts / 10;
      assert.ok(perMinute <= 2, `${perMinute} attempts per minute`);
    }
  });

  t("passwords appear in no error or event", () => {
    const r = rig(create, { username: "u", password: "hunter2-secret", reconnectMin: 100 });
    r.broker.connack = 4;
    r.clock.advance(500);
    r.broker.connack = 0;
    r.clock.advance(60_000);
    r.net.drop();
    r.clock.advance(5000);
    const seen = JSON.stringify(r.errors.map((e) => [e.message, e.code, e.stack])) + JSON.stringify(r.events);
    assert.ok(r.errors.length >= 2);
    assert.not.ok(seen.includes("hunter2"));
  });

  needs(name, ["check"], "user input: bad client ids, will and credentials are refused at connect, nothing sent") && t("user input: bad client ids, will and credentials are refused at connect, nothing sent", () => {
    const bad = [
      { protocol: 3, clientId: "" },
      { protocol: 3, clientId: "x".repeat(24) },
      { protocol: 4, clientId: "", clean: false },
      { will: { topic: "a/#", payload: "x" } },
      { will: { topic: "w", qos: 3 } },
      { password: "p" },
    ];
    for (const o of bad) {
      let sent = -1;
      assert.throws(() => {
        const r = rig(create, o as any);
        sent = r.net.sent;
      }, /client id|will|password/);
      assert.is(sent, -1);
    }
    const ok = rig(create, { protocol: 3, clientId: "x".repeat(23) });
    ok.up();
    const empty = rig(create, { protocol: 4, clientId: "", clean: true });
    empty.up();
  });

  t.run();
}
