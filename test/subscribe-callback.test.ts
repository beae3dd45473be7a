// subscribe(filter, opts?, cb?) and unsubscribe(filter, cb?) as MQTT.js calls them (issue 30 item 3):
// cb(err, granted) once, at the SUBACK; cb(err) once at the UNSUBACK; a message handler per filter is
// the `onMessage` option. Lite has no callbacks: it throws code "build" and sends nothing.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, rig, got, needs } from "./sim/setup";

for (const [name, create] of impls) {
  const t = suite(`subscribe/unsubscribe callbacks [${name}]`);
  const cb = (title: string, fn: () => void) => needs(name, ["cb"], title) && t(title, fn);

  cb("subscribe(filter, cb): cb(null, [{topic, qos}]) once, at the SUBACK, with the QoS granted", () => {
    const r = rig(create);
    r.broker.suback = (p) => p.subscriptions.map(() => 1); // asked 2, granted 1
    r.up();
    const calls: any[] = [];
    r.client.subscribe("a/#", { qos: 2 }, (err: any, granted: any) => calls.push([err, granted]));
    assert.equal(calls, [], "not before the SUBACK");
    r.clock.advance(50);
    assert.equal(calls, [[null, [{ topic: "a/#", qos: 1 }]]]);
    r.clock.advance(60_000);
    assert.is(calls.length, 1);
  });

  cb("subscribe(filter, cb) with no options: QoS 0 asked, cb at the SUBACK", () => {
    const r = rig(create);
    r.up();
    const calls: any[] = [];
    r.client.subscribe("a", (err: any, granted: any) => calls.push([err, granted]));
    r.clock.advance(50);
    assert.equal(got(r, "subscribe").map((p) => p.subscriptions), [[{ topic: "a", qos: 0 }]]);
    assert.equal(calls, [[null, [{ topic: "a", qos: 0 }]]]);
  });

  cb("a refused subscription (SUBACK 0x80) goes to cb as code suback with qos 128, and not to `error`", () => {
    const r = rig(create);
    r.broker.suback = (p) => p.subscriptions.map(() => 0x80);
    r.up();
    const calls: any[] = [];
    r.client.subscribe("no/#", { qos: 1 }, (err: any, granted: any) => calls.push([err && err.code, granted]));
    r.clock.advance(50);
    assert.equal(calls, [["suback", [{ topic: "no/#", qos: 128 }]]]);
    assert.equal(r.errors.map((e) => e.code), [], "told once, to the callback");
  });

  t("a refused subscription without a cb is an `error` event, code suback", () => {
    const r = rig(create);
    r.broker.suback = (p) => p.subscriptions.map(() => 0x80);
    r.up();
    r.client.subscribe("no/#");
    r.clock.advance(50);
    assert.equal(r.errors.map((e) => e.code), ["suback"]);
  });

  cb("subscribe() while offline: cb runs once the SUBSCRIBE sent at connect is acknowledged", () => {
    const r = rig(create);
    const calls: any[] = [];
    r.client.subscribe("a", { qos: 1 }, (err: any, granted: any) => calls.push([err, granted]));
    r.clock.advance(0);
    assert.equal(calls, []);
    r.up();
    r.clock.advance(50);
    assert.equal(calls, [[null, [{ topic: "a", qos: 1 }]]]);
  });

  cb("a SUBSCRIBE lost with the link: cb runs once, at the SUBACK of the resent SUBSCRIBE", () => {
    const r = rig(create, { clean: false, reconnectMin: 1000 });
    r.up();
    const calls: any[] = [];
    r.client.subscribe("a", { qos: 1 }, (err: any, granted: any) => calls.push([err, granted]));
    r.net.drop(); // written, never arrives
    assert.is(r.net.drops, 1);
    r.clock.advance(3000);
    assert.is(r.client.state(), 3);
    assert.is(got(r, "subscribe").length, 1, "the broker saw only the resent one");
    assert.equal(calls, [[null, [{ topic: "a", qos: 1 }]]]);
  });

  cb("a subscription acknowledged once is not called back again when a new session resubscribes it", () => {
    const r = rig(create, { reconnectMin: 1000 });
    r.up();
    let n = 0;
    r.client.subscribe("a", () => n++);
    r.clock.advance(50);
    r.net.drop();
    r.clock.advance(3000);
    assert.is(got(r, "subscribe").length, 2, "resubscribed in the new session");
    assert.is(n, 1);
  });

  cb("end() before the SUBACK: cb runs once with code ended", () => {
    const r = rig(create);
    const calls: any[] = [];
    r.client.subscribe("a", (err: any, granted: any) => calls.push([err && err.code, granted]));
    r.client.end(true);
    r.clock.advance(60_000);
    assert.equal(calls, [["ended", undefined]]);
  });

  cb("subscribe() after end(): cb runs at once with code ended; nothing is sent", () => {
    const r = rig(create);
    r.up();
    r.client.end(true);
    const codes: string[] = [];
    r.client.subscribe("a", (err: any) => codes.push(err.code));
    r.client.unsubscribe("a", (err: any) => codes.push(err.code));
    assert.equal(codes, ["ended", "ended"]);
    assert.is(got(r, "subscribe").length, 0);
  });

  cb("a later subscribe of the same filter before the SUBACK supersedes the first: its cb gets code superseded, the second the SUBACK", () => {
    const r = rig(create);
    r.up();
    const calls: any[] = [];
    r.client.subscribe("a", { qos: 0 }, (err: any) => calls.push(["first", err && err.code]));
    r.client.subscribe("a", { qos: 1 }, (err: any, g: any) => calls.push(["second", err, g]));
    r.clock.advance(50);
    assert.equal(calls, [
      ["first", "superseded"],
      ["second", null, [{ topic: "a", qos: 1 }]],
    ]);
  });

  cb("unsubscribe(filter, cb): cb(null) once, at the UNSUBACK", () => {
    const r = rig(create);
    r.up();
    r.client.subscribe("a");
    r.clock.advance(50);
    const calls: any[] = [];
    r.client.unsubscribe("a", (err: any) => calls.push(err));
    assert.equal(calls, []);
    r.clock.advance(50);
    assert.equal(calls, [null]);
    assert.is(got(r, "unsubscribe").length, 1);
  });

  cb("unsubscribe(filter, cb) before connecting, or lost with the link, to a new session: cb(null) once, after `connected`", () => {
    const r = rig(create, { reconnectMin: 1000 });
    const calls: any[] = [];
    r.client.unsubscribe("a", (err: any) => calls.push(["offline", err]));
    r.client.on("connected", () => calls.push("connected"));
    r.up();
    r.clock.advance(50);
    assert.equal(calls, ["connected", ["offline", null]]);
    r.client.unsubscribe("b", (err: any) => calls.push(["lost", err]));
    r.net.drop(); // written, never arrives; the next session is a new one (clean)
    assert.is(r.net.drops, 1);
    r.clock.advance(3000);
    assert.is(r.client.state(), 3);
    assert.equal(calls, ["connected", ["offline", null], "connected", ["lost", null]]);
    r.client.end(true);
    assert.is(calls.length, 4, "not again at the end");
  });

  cb("a callback that throws becomes an `error` event, code callback; the client goes on", () => {
    const r = rig(create);
    r.up();
    r.client.subscribe("a", () => {
      throw new Error("boom");
    });
    r.clock.advance(50);
    assert.equal(r.errors.map((e) => e.code), ["callback"]);
    assert.is(r.client.state(), 3);
  });

  t("subscribe() and unsubscribe() return the client, as MQTT.js does", () => {
    const r = rig(create);
    assert.is(r.client.subscribe("a"), r.client);
    assert.is(r.client.unsubscribe("a"), r.client);
  });

  cb("onMessage gets the filter's messages; subscribe()'s cb is never called with a message", () => {
    const r = rig(create);
    r.up();
    const msgs: string[] = [];
    const done: any[] = [];
    r.client.subscribe("a/#", { qos: 1, onMessage: (tp: string, p: any) => msgs.push(tp + "=" + p) }, (err: any) => done.push(err));
    r.clock.advance(50);
    r.broker.publish("a/b", "1");
    r.broker.publish("c", "2");
    r.clock.advance(50);
    assert.equal(msgs, ["a/b=1"]);
    assert.equal(done, [null]);
  });

  if (name == "lite")
    t('lite: subscribe() with a cb or onMessage, and unsubscribe() with a cb, throw code "build"; nothing is sent', () => {
      const r = rig(create);
      r.up();
      for (const f of [() => r.client.subscribe("a", () => {}), () => r.client.subscribe("a", { onMessage: () => {} }), () => r.client.unsubscribe("a", () => {})])
        assert.throws(f, (e: any) => e.code == "build" && /mqttiny \(full\)/.test(e.message));
      r.clock.advance(50);
      assert.is(got(r, "subscribe").length + got(r, "unsubscribe").length, 0);
    });

  t.run();
}
