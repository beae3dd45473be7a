// The built Node bundle against real brokers on loopback: mosquitto (Debian package, started here on a
// free port) and aedes (in-process), on protocol levels 3 and 4. Every assertion is on what an
// independent client (MQTT.js) actually received or sent.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createRequire } from "node:module";
import mqtt from "mqtt";
import { startMosquitto, startAedes, startProxy, until, mosquittoPath } from "./brokers";
import { skipped } from "./skips";

const require = createRequire(import.meta.url);
const mqttiny = require("../build/node/index.cjs");

const haveMosquitto = !!mosquittoPath();
if (!haveMosquitto && process.env.CI) throw new Error("mosquitto is required in CI (.ci/run installs the Debian package)");

type Broker = { port: number; stop(): Promise<void> };
const brokers: [string, () => Promise<Broker>][] = [["aedes", () => startAedes()]];
if (haveMosquitto) brokers.unshift(["mosquitto", () => startMosquitto()]);
else {
  skipped("mosquitto is not installed");
  console.log("  mosquitto not installed: its integration tests are skipped outside CI");
}

let uniq = 0;
function ours(port: number, o: any = {}) {
  const c = mqttiny.connect({ host: "127.0.0.1", port, clientId: "mqttiny-" + process.pid + "-" + uniq++, reconnectMin: 200, reconnectMax: 1000, ...o });
  const log = { errors: [] as any[], messages: [] as [string, string][], connected: 0 };
  c.on("error", (e: any) => log.errors.push(e));
  c.on("connected", () => log.connected++);
  c.on("message", (t: string, p: any) => log.messages.push([t, String(p)])); // Node delivers Buffers by default
  return { c, log, up: () => until(() => c.state() == 3, 5000, "connected") };
}

async function watcher(port: number, filter: string, qos: 0 | 1 | 2 = 1, o: any = {}) {
  const w = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: "watch-" + uniq++, reconnectPeriod: 200, ...o });
  const got: { topic: string; payload: string; qos: number; retain: boolean }[] = [];
  w.on("message", (topic, payload, p) => got.push({ topic, payload: payload.toString(), qos: p.qos, retain: p.retain }));
  await w.subscribeAsync(filter, { qos });
  return { w, got };
}

for (const [name, start] of brokers) {
  for (const level of [3, 4]) {
    const t = suite(`${name}, protocol ${level}`);
    let b: Broker;
    t.before(async () => {
      b = await start();
    });
    t.after(async () => {
      await b.stop();
    });

    t("QoS 0 and QoS 1 publishes reach an independent subscriber", async () => {
      const { w, got } = await watcher(b.port, "it/+/v");
      const { c, up } = ours(b.port, { protocol: level });
      await up();
      c.publish("it/a/v", "zero");
      c.publish("it/b/v", "one", { qos: 1 });
      c.publish("it/c/v", "x".repeat(300), { qos: 1 }); // over 127 bytes: two length bytes
      await until(() => got.length == 3 && c.queued() == 0, 5000, "3 messages");
      assert.equal(got.map((m) => [m.topic, m.payload.length > 10 ? m.payload.length : m.payload]), [["it/a/v", "zero"], ["it/b/v", "one"], ["it/c/v", 300]]);
      c.end();
      await w.endAsync();
    });

    t("wildcard subscriptions receive what an independent publisher sends", async () => {
      const { c, log, up } = ours(b.port, { protocol: level });
      const plus: string[] = [];
      c.subscribe("wc/+/temp", { qos: 1, onMessage: (topic: string) => plus.push(topic) });
      c.subscribe("wc/#", { qos: 0 });
      await up();
      const p = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`);
      await until(() => true, 10);
      await new Promise((r) => setTimeout(r, 200)); // SUBACKs in
      await p.publishAsync("wc/n1/temp", "21", { qos: 1 });
      await p.publishAsync("wc/n1/hum", "40", { qos: 1 });
      await p.publishAsync("other", "no", { qos: 1 });
      await until(() => log.messages.length >= 2, 5000, "messages");
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(plus, ["wc/n1/temp"]);
      assert.equal(log.messages.map((m) => m[0]).sort(), ["wc/n1/hum", "wc/n1/temp"]);
      c.end();
      await p.endAsync();
    });

    t("inbound QoS 2 from an independent publisher is delivered exactly once", async () => {
      const { c, log, up } = ours(b.port, { protocol: level });
      c.subscribe("q2/t", { qos: 2 });
      await up();
      await new Promise((r) => setTimeout(r, 200));
      const p = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`);
      for (let i = 0; i < 5; i++) await p.publishAsync("q2/t", "m" + i, { qos: 2 });
      await until(() => log.messages.length >= 5, 5000, "5 messages");
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(log.messages.map((m) => m[1]), ["m0", "m1", "m2", "m3", "m4"]);
      c.end();
      await p.endAsync();
    });

    t("a retained message is stored by the broker and handed to a later subscriber", async () => {
      const { c, up } = ours(b.port, { protocol: level });
      await up();
      c.publish("ret/" + level, "last", { qos: 1, retain: true });
      await until(() => c.queued() == 0, 5000, "PUBACK");
      const { w, got } = await watcher(b.port, "ret/" + level);
      await until(() => got.length == 1, 5000, "retained message");
      assert.equal([got[0].payload, got[0].retain], ["last", true]);
      c.end();
      await w.endAsync();
    });

    t("the will is published when the link dies without DISCONNECT, and not after end()", async () => {
      const proxy = await startProxy(b.port);
      const { w, got } = await watcher(b.port, "will/" + level + "/#");
      const a = ours(proxy.port, { protocol: level, keepalive: 5, will: { topic: `will/${level}/a`, payload: "offline", qos: 1, retain: false } });
      const z = ours(b.port, { protocol: level, will: { topic: `will/${level}/z`, payload: "offline", qos: 1 } });
      await a.up();
      await z.up();
      proxy.cut(); // no DISCONNECT reaches the broker
      z.c.end();
      await until(() => got.length >= 1, 8000, "will");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(got.map((m) => [m.topic, m.payload]), [[`will/${level}/a`, "offline"]]);
      a.c.end();
      proxy.close();
      await w.endAsync();
    });

    t("a dropped link is reconnected and queued QoS 1 messages survive it", async () => {
      const proxy = await startProxy(b.port);
      const { w, got } = await watcher(b.port, "surv/" + level);
      const { c, log, up } = ours(proxy.port, { protocol: level, clean: false });
      await up();
      for (let i = 0; i < 50; i++) {
        c.publish("surv/" + level, "m" + i, { qos: 1 });
        if (i == 20) proxy.cut();
      }
      await until(() => c.queued() == 0 && new Set(got.map((m) => m.payload)).size == 50, 10000, "50 distinct messages");
      assert.ok(log.connected >= 2, "reconnected");
      c.end();
      proxy.close();
      await w.endAsync();
    });

    t.run();
  }
}

if (haveMosquitto) {
  const m = suite("mosquitto: credentials, TLS, restart with persistence");

  m("username/password accepted; a wrong password is the named CONNACK error, with backoff", async () => {
    const b = await startMosquitto({ users: { node: "s3cret" } });
    const good = ours(b.port, { username: "node", password: "s3cret" });
    await good.up();
    const bad = ours(b.port, { username: "node", password: "wrong", reconnectMin: 100, reconnectMax: 5000 });
    await until(() => bad.log.errors.length > 0, 5000, "refusal");
    await new Promise((r) => setTimeout(r, 1500));
    assert.match(bad.log.errors[0].message, /connection refused: (not authorized|bad user name or password)/);
    assert.ok(!String(bad.log.errors[0].message).includes("wrong"), "the password never appears in an error");
    assert.is(bad.c.attempts, 1, "no tight reconnect loop after a refusal");
    assert.is(bad.log.connected, 0);
    good.c.end();
    bad.c.end();
    await b.stop();
  });

  m("TLS: connects to a TLS listener with the test CA, publishes; an unknown CA is rejected by default", async () => {
    const b = await startMosquitto({ tls: true });
    const { w, got } = await watcher(b.port, "tls/t");
    const { c, up } = ours(b.tlsPort!, { tls: true, ca: b.ca, servername: "localhost" });
    await up();
    c.publish("tls/t", "secure", { qos: 1 });
    await until(() => got.length == 1, 5000, "message over TLS");
    assert.is(got[0].payload, "secure");
    c.end();
    const bad = ours(b.tlsPort!, { tls: true, reconnectMin: 5000 });
    await until(() => bad.log.errors.length > 0, 5000, "TLS refusal");
    assert.match(bad.log.errors[0].message, /certificate/i);
    assert.is(bad.c.state(), 0);
    bad.c.end();
    await w.endAsync();
    await b.stop();
  });

  m("broker restart mid-stream: all 1,000 QoS 1 messages reach a persistent subscriber", async () => {
    const b = await startMosquitto({ persistence: true });
    const subOpts = { clientId: "persist-sub-" + process.pid, clean: false, reconnectPeriod: 200 };
    const { w, got } = await watcher(b.port, "restart/t", 1, subOpts);
    const { c, log, up } = ours(b.port, { clean: false, storeSize: 65536, window: 16, reconnectMin: 200, reconnectMax: 500 });
    await up();
    let sent = 0;
    while (sent < 1000) {
      if (c.publish("restart/t", "m" + sent, { qos: 1 })) sent++;
      else await new Promise((r) => setTimeout(r, 5));
      if (sent == 400) {
        await b.stop();
        await new Promise((r) => setTimeout(r, 300));
        await b.start();
      }
      if (sent % 50 == 0) await new Promise((r) => setImmediate(r));
    }
    await until(() => c.queued() == 0 && new Set(got.map((x) => x.payload)).size == 1000, 30000, "1,000 distinct messages");
    const distinct = new Set(got.map((x) => x.payload)).size;
    console.log(`  restart: 1000 published, ${distinct} distinct received, ${got.length - distinct} duplicates, ${log.connected} connects`);
    assert.is(distinct, 1000);
    c.end();
    await w.endAsync();
    await b.stop();
  });

  m.run();
}

