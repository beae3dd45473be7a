// Connecting: CONNACK handling, refused codes and backoff, connect timeout, end().
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, rig, got, says, needs } from "./sim/setup";

for (const [name, create] of impls) {
  const t = suite(`client connect [${name}]`);

  t("`connected` comes only after CONNACK 0, never at link open", () => {
    const r = rig(create, {}, { latency: 50 });
    r.clock.advance(60); // link open, CONNECT sent, CONNACK still on the wire
    assert.is(r.client.state(), 2);
    assert.equal(r.events, []);
    r.clock.advance(100);
    assert.equal(r.events, ["connected"]);
    assert.is(r.client.state(), 3);
  });

  t("CONNECT carries client id, clean session, keepalive, will and credentials", () => {
    const r = rig(create, { clientId: "n1", clean: false, keepalive: 30, username: "u", password: "pw", will: { topic: "n1/status", payload: "offline", qos: 1, retain: true } });
    r.up();
    const c = got(r, "connect")[0];
    assert.is(c.clientId, "n1");
    assert.is(c.clean, false);
    assert.is(c.keepalive, 30);
    assert.is(c.username, "u");
    assert.is(String(c.password), "pw");
    assert.equal([c.will.topic, String(c.will.payload), c.will.qos, c.will.retain], ["n1/status", "offline", 1, true]);
    assert.is(c.protocolVersion, 4);
  });

  needs(name, ["v31"], "protocol 3 connects with MQIsdp level 3") && t("protocol 3 connects with MQIsdp level 3", () => {
    const r = rig(create, { protocol: 3 });
    r.up();
    const c = got(r, "connect")[0];
    assert.equal([c.protocolId, c.protocolVersion], ["MQIsdp", 3]);
  });

  const reasons = ["", "unacceptable protocol version", "identifier rejected", "server unavailable", "bad user name or password", "not authorized"];
  for (let rc = 1; rc <= 5; rc++) {
    t(`CONNACK ${rc} is an error naming "${reasons[rc]}", and no \`connected\``, () => {
      const r = rig(create, { reconnectMin: 1000, reconnectMax: 60000 });
      r.broker.connack = rc;
      r.clock.advance(100);
      assert.is(r.errors.length, 1);
      says(name, r.errors[0], "connection refused: " + reasons[rc]);
      assert.is(r.errors[0].code, rc);
      assert.ok(!r.events.includes("connected"));
      assert.is(r.client.state(), 0);
    });
  }

  for (const rc of [1, 2, 4, 5]) {
    t(`CONNACK ${rc} waits the longest backoff every time: 80 attempts per virtual hour, not a storm`, () => {
      const r = rig(create, { reconnectMin: 1000, reconnectMax: 60000 });
      r.broker.connack = rc;
      r.clock.advance(60 * 60 * 1000);
      // random() = 0.5 in the rig: every wait is 75% of 60 s, 45 s; 3600 / 45 = 80.
      assert.ok(r.client.attempts <= 81 && r.client.attempts >= 79, "attempts " + r.client.attempts);
      r.broker.connack = 0;
      r.clock.advance(60_000);
      assert.is(r.client.state(), 3, "recovers when the broker accepts again");
    });
  }

  t("CONNACK 3 (server unavailable) backs off exponentially from reconnectMin", () => {
    const r = rig(create, { reconnectMin: 1000, reconnectMax: 60000 });
    r.broker.connack = 3;
    const times: number[] = [];
    let last = 0;
    r.client.on("error", () => {
      times.push(r.clock.now() - last);
      last = r.clock.now();
    });
    last = r.clock.now();
    r.clock.advance(200_000);
    const gaps = times.slice(1, 7).map((g) => Math.round(g / 10) * 10);
    // waits of 750, 1500, 3000, 6000, 12000, 24000 ms (75% of each step), each plus 20 ms of round trip
    assert.equal(gaps, [770, 1520, 3020, 6020, 12020, 24020]);
  });

  t("no CONNACK within connectTimeout: the link is closed and a new attempt made", () => {
    const r = rig(create, { connectTimeout: 5000, reconnectMin: 1000 });
    r.broker.connack = null;
    r.clock.advance(5100);
    assert.is(r.errors[0].code, "timeout");
    says(name, r.errors[0], /no CONNACK within 5000 ms/);
    r.broker.connack = 0;
    r.clock.advance(2000);
    assert.is(r.client.state(), 3);
    assert.is(r.client.attempts, 2);
  });

  t("a refused TCP connect is retried with backoff", () => {
    const r = rig(create, { reconnectMin: 1000 });
    r.net.refuse(true);
    r.clock.advance(10_000);
    assert.ok(r.client.attempts >= 3 && r.client.attempts <= 6, "attempts " + r.client.attempts);
    r.net.refuse(false);
    r.clock.advance(20_000);
    assert.is(r.client.state(), 3);
  });

  t("end() sends DISCONNECT, emits offline and close, and never reconnects", () => {
    const r = rig(create, { will: { topic: "w", payload: "gone" } });
    const watcher = rig(create, { clientId: "watch" }, {}, r.broker);
    r.up();
    watcher.up();
    watcher.client.subscribe("w");
    r.clock.advance(100);
    watcher.clock.advance(100);
    r.client.end();
    r.clock.advance(100_000);
    watcher.clock.advance(100);
    assert.is(got(r, "disconnect").length, 1);
    assert.equal(r.events, ["connected", "offline", "close"]);
    assert.is(r.client.attempts, 1);
    assert.is(r.client.state(), 4);
    assert.equal(watcher.messages, [], "no will after a clean DISCONNECT");
  });

  t("several clients exist at once without sharing state", () => {
    const a = rig(create, { clientId: "a" });
    const b = rig(create, { clientId: "b" }, {}, a.broker);
    a.up();
    b.up();
    a.client.publish("x/a", "1", { qos: 1 });
    b.client.publish("x/b", "2", { qos: 1 });
    a.clock.advance(100);
    b.clock.advance(100);
    assert.equal(got(a, "publish").map((p) => [p.topic, p.messageId]), [["x/a", 1], ["x/b", 1]]);
    assert.is(a.client.queued() + b.client.queued(), 0);
  });

  t.run();
}
