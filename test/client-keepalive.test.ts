// Keepalive: PINGREQ timing, dead-link detection, half-open links, keepalive 0.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, rig, got, says } from "./sim/setup";

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
