// The API as users of MQTT.js and Espruino expect it (issue 30): several listeners per event with
// on/once/off/removeListener, a `connected` listener added while connected, end(cb) and end(force, cb),
// connect(url, opts), and bad ports refused with a code.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, rig, got, loadBundle, E } from "./sim/setup";
import { urlOptions } from "../src/url";
import { connect } from "../src/node";
import { startAedes, until } from "./brokers";

for (const [name, create] of impls) {
  const t = suite(`client API [${name}]`);

  t("several `message` listeners each get the message, in the order added; off() and removeListener() take one away", () => {
    const r = rig(create);
    r.up();
    r.client.subscribe("a");
    const seen: string[] = [];
    const f = (_t: string, p: any) => seen.push("f" + p);
    const g = (_t: string, p: any) => seen.push("g" + p);
    r.client.on("message", f).on("message", g);
    r.clock.advance(50);
    r.broker.publish("a", "1");
    r.clock.advance(50);
    r.client.off("message", f);
    r.broker.publish("a", "2");
    r.clock.advance(50);
    r.client.removeListener("message", g);
    r.broker.publish("a", "3");
    r.clock.advance(50);
    assert.equal(seen, ["f1", "g1", "g2"]);
    assert.equal(r.messages.map((m) => m[1]), ["1", "2", "3"], "the rig's own listener is still there");
  });

  t("once(): the listener runs for the first event only", () => {
    const r = rig(create, { reconnectMin: 100 });
    let n = 0;
    r.client.once("connected", () => n++);
    r.up();
    r.net.drop();
    r.clock.advance(2000);
    assert.is(r.client.attempts, 2);
    assert.is(n, 1);
  });

  t("a `connected` listener added while connected runs on the next tick, with sessionPresent", () => {
    const r = rig(create);
    r.up();
    const got: any[] = [];
    r.client.on("connected", (i: any) => got.push(i));
    assert.is(got.length, 0, "not from inside on()");
    r.clock.advance(1);
    assert.equal(got, [{ sessionPresent: false }]);
  });

  t("end(cb) is not end(true): held QoS 1 messages are sent first, then DISCONNECT, then cb once", () => {
    const r = rig(create);
    r.up();
    r.broker.ackPublish = () => false;
    r.client.publish("t", "a", { qos: 1 });
    r.client.publish("t", "b", { qos: 1 });
    r.clock.advance(50);
    let called = 0;
    r.client.end(() => called++);
    r.clock.advance(50);
    assert.is(called, 0, "not before the held messages are acknowledged");
    r.broker.ackPublish = () => true;
    for (const p of got(r, "publish")) r.broker.last()!.send({ cmd: "puback", messageId: p.messageId });
    r.clock.advance(50);
    assert.is(called, 1);
    assert.ok(got(r, "disconnect").length == 1);
    assert.is(r.errors.length, 0, "nothing was dropped");
    r.client.end(() => called++);
    assert.is(called, 2, "end(cb) on an ended client calls cb at once");
  });

  t("end(true, cb): forced, cb runs once at the close", () => {
    const r = rig(create);
    r.up();
    r.broker.ackPublish = () => false;
    r.client.publish("t", "a", { qos: 1 });
    let called = 0;
    r.client.end(true, () => called++);
    r.clock.advance(50);
    assert.is(called, 1);
    assert.is(r.client.state(), 4);
    assert.equal(r.errors.map((e) => e.code), ["ended"]);
  });

  t.run();
}

const u = suite("connect(url)");

u("mqtt://, tcp://, mqtts:// and ssl:// URLs give host, port, TLS and credentials; the options come along", () => {
  assert.equal(urlOptions("mqtt://broker.local:1884", { clientId: "n1" }), { clientId: "n1", host: "broker.local", port: 1884, tls: false });
  assert.equal(urlOptions("tcp://10.0.0.2"), { host: "10.0.0.2", tls: false });
  assert.equal(urlOptions("mqtts://u%40x:p:w@h:8883/path"), { username: "u@x", password: "p:w", host: "h", port: 8883, tls: true });
  assert.equal(urlOptions("ssl://[::1]:9"), { host: "::1", port: 9, tls: true });
});

u("anything else throws code url, and the message does not repeat the URL (it may hold a password)", () => {
  for (const bad of ["http://h", "h:1883", "mqtt://", "mqtt://user:secret@", "://h"]) {
    try {
      urlOptions(bad);
      assert.unreachable(bad);
    } catch (e: any) {
      assert.is(e.code, "url", bad);
      assert.not.ok(e.message.includes("secret"));
    }
  }
  const dev = loadBundle("build/mqttiny.min.js", { E });
  assert.throws(() => dev.connect("http://h"), (e: any) => e.code == "url");
});

u('a bad port throws code "options", from a URL or an option: "1883", NaN, 0, 70000, :x', () => {
  for (const o of [{ port: "1883" }, { port: NaN }, { port: 0 }, { port: 70000 }]) assert.throws(() => connect(o as any), (e: any) => e.code == "options");
  assert.throws(() => connect("mqtt://h:x"), (e: any) => e.code == "options");
});

u("persist on the board bundle without it is a clear error naming the bundle that has it, not ignored", () => {
  const dev = loadBundle("build/mqttiny.min.js", { E });
  assert.throws(() => dev.createClient({ transport: () => ({}), persist: "q" }), (e: any) => e.code == "options" && /mqttiny-persist/.test(e.message));
});

u("connect(url) reaches the broker the URL names, not 127.0.0.1:1883", async () => {
  const b = await startAedes();
  const c = connect(`mqtt://127.0.0.1:${b.port}`, { clientId: "url1" });
  try {
    await until(() => c.state() == 3, 5000, "connected");
  } finally {
    c.end(true);
    await b.stop();
  }
});

u.run();

// MQTT.js habits on Node (the TypeScript source and the Node build: the board bundles do not carry them).
const m = suite("MQTT.js habits on Node");
const srcCreate = impls.find(([n]) => n == "src")![1];

m('on("connect"), once("connect") and off("connect") are the `connected` event', () => {
  const r = rig(srcCreate, { reconnectMin: 100 });
  const seen: string[] = [];
  const f = (i: any) => seen.push("f" + i.sessionPresent);
  r.client.on("connect" as any, f).once("connect" as any, () => seen.push("once"));
  r.up();
  r.client.off("connect" as any, f);
  r.net.drop();
  r.clock.advance(2000);
  assert.is(r.client.attempts, 2);
  assert.equal(seen, ["ffalse", "once"]);
  r.client.on("connect" as any, () => seen.push("late"));
  r.clock.advance(1);
  assert.equal(seen, ["ffalse", "once", "late"], "added while connected: runs on the next tick");
});

m('publish(topic, payload, cb) and publish(topic, payload, opts, cb) throw code "options": the callback would never run; nothing is held', () => {
  const r = rig(srcCreate);
  r.up();
  const cb = () => {};
  assert.throws(() => r.client.publish("t", "x", cb as any), (e: any) => e.code == "options" && /no callback/.test(e.message));
  assert.throws(() => (r.client.publish as any)("t", "x", { qos: 1 }, cb), (e: any) => e.code == "options");
  r.clock.advance(50);
  assert.is(r.client.queued(), 0);
  assert.is(got(r, "publish").length, 0);
  // Through connect() of the Node entry (src/node.ts).
  const c = connect({ port: 1, reconnectMin: 1e9 });
  assert.throws(() => (c.publish as any)("t", "x", { qos: 1 }, cb), (e: any) => e.code == "options");
  c.end(true);
});
m.run();
