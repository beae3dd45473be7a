// Keepalive: PINGREQ timing, dead-link detection, half-open links, keepalive 0.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, rig, got, says, msg } from "./sim/setup";

for (const [name, create] of impls) {
  const t = suite(`client keepalive [${name}]`);

  t("PINGREQ goes out when nothing was sent for keepalive seconds, not before", () => {
    const r = rig(create, { keepalive: 10 });
    r.up();
    const start = r.clock.now();
    r.clock.advance(9_900);
    assert.is(got(r, "pingreq").length, 0);
    r.clock.advance(200);
    assert.is(got(r, "pingreq").length, 1);
    // The PINGREQ left 10 s after the CONNECT (minus link latency).
    assert.ok(r.clock.now() - start <= 10_100);
  });

  t("regular publishing postpones PINGREQ only while packets also come back", () => {
    const r = rig(create, { keepalive: 10 });
    r.up();
    for (let i = 0; i < 30; i++) {
      r.client.publish("t", "x", { qos: 1 }); // every PUBACK proves the link
      r.clock.advance(1000);
    }
    assert.is(got(r, "pingreq").length, 0);
  });

  t("a QoS 0 publisher hearing nothing back still pings (half-open detection)", () => {
    const r = rig(create, { keepalive: 10 });
    r.up();
    for (let i = 0; i < 30; i++) {
      r.client.publish("t", "x");
      r.clock.advance(1000);
    }
    assert.ok(got(r, "pingreq").length >= 2);
  });

  t("a receive-only node keeps its link: PINGREQ every keepalive", () => {
    const r = rig(create, { keepalive: 5 });
    r.up();
    r.client.subscribe("in/#");
    r.clock.advance(50);
    for (let i = 0; i < 60; i++) {
      r.broker.publish("in/x", "v");
      r.clock.advance(500);
    }
    assert.ok(got(r, "pingreq").length >= 5, "pings: " + got(r, "pingreq").length);
    assert.is(r.messages.length, 60);
    assert.is(r.client.attempts, 1);
  });

  t("no PINGRESP within pingTimeout: the link is dead, closed, and the client reconnects", () => {
    const r = rig(create, { keepalive: 10, pingTimeout: 3000, reconnectMin: 500 });
    r.up();
    r.broker.pingresp = false;
    r.clock.advance(10_000 + 3_100);
    assert.is(r.errors[0].code, "timeout");
    says(name, r.errors[0], /PINGRESP/);
    assert.ok(r.events.includes("offline"));
    r.broker.pingresp = true;
    r.clock.advance(2000);
    assert.is(r.client.state(), 3);
    assert.is(r.client.attempts, 2);
  });

  t("a half-open link (writes vanish, nothing returns, no close event) is found within keepalive + pingTimeout", () => {
    const r = rig(create, { keepalive: 20, pingTimeout: 5000, reconnectMin: 1000 });
    r.up();
    const t0 = r.clock.now();
    r.net.halfOpen(true);
    assert.ok(r.clock.until(() => r.events.includes("offline"), 60_000));
    assert.ok(r.clock.now() - t0 <= 25_100, "found after " + (r.clock.now() - t0) + " ms");
    r.net.halfOpen(false);
    r.clock.advance(5000);
    assert.is(r.client.state(), 3);
  });

  // [MQTT-3.1.2-24] and the rule for a dead link: a PINGREQ is answered or the link is dropped within
  // keepalive + pingTimeout, whatever the two values; a second PINGREQ never restarts the wait.
  for (const ka of [1, 2, 5, 10, 12, 30, 60, 120]) {
    for (const pt of [undefined, 1000, ka * 1000, ka * 2000]) {
      t(`half-open link found within keepalive + pingTimeout: keepalive ${ka} s, pingTimeout ${pt ?? "default"}`, () => {
        const r = rig(create, { keepalive: ka, pingTimeout: pt, reconnectMin: 1000, ackTimeout: 600_000 });
        r.up();
        const t0 = r.clock.now();
        const sent = r.net.sent;
        r.net.halfOpen(true);
        const limit = ka * 1000 + (pt ?? 10_000);
        assert.ok(r.clock.until(() => r.events.includes("offline"), limit * 3), "still connected after " + (r.clock.now() - t0) + " ms");
        // The fault happened: a PINGREQ was written into the dead link, and it was never answered.
        assert.ok(r.net.sent > sent, "a PINGREQ was written");
        assert.is(r.errors[0].code, "timeout");
        assert.match(r.errors[0].message, msg(name, /PINGRESP/));
        assert.ok(r.clock.now() - t0 <= limit, `found after ${r.clock.now() - t0} ms, limit ${limit}`);
        r.net.halfOpen(false);
        r.clock.advance(5000);
        assert.is(r.client.state(), 3);
      });
    }
  }

  t("an idle connection with default options stays up over many keepalive periods, one PINGREQ each", () => {
    const r = rig(create, {});
    r.up();
    r.clock.advance(30 * 60_000);
    const pings = got(r, "pingreq").length;
    assert.is(r.client.state(), 3);
    assert.is(r.client.attempts, 1);
    assert.is(r.errors.length, 0);
    // keepalive 60: a PINGREQ after 45-60 s of quiet, so 29-40 in 30 minutes.
    assert.ok(pings >= 29 && pings <= 40, "pings: " + pings);
  });

  t("keepalive 0 is honoured: CONNECT says 0 and no PINGREQ is ever sent", () => {
    const r = rig(create, { keepalive: 0 });
    r.up();
    r.clock.advance(24 * 3600 * 1000);
    assert.is(got(r, "connect")[0].keepalive, 0);
    assert.is(got(r, "pingreq").length, 0);
    assert.is(r.client.state(), 3);
  });

  t("a link dropped by the network gives offline, then connected again", () => {
    const r = rig(create, { reconnectMin: 1000 });
    r.up();
    r.net.drop();
    r.clock.advance(3000);
    assert.equal(r.events, ["connected", "error", "offline", "connected"]);
    says(name, r.errors[0], /connection lost/);
  });

  t.run();
}
