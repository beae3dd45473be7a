// End-to-end throughput on a broker: mqttiny vs MQTT.js vs raw pre-encoded bytes on a plain socket,
// in the same run, each until an independent subscriber (mosquitto_sub) has every message; and the
// client-only rates against the sink broker.
import net from "node:net";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import mqtt from "mqtt";
const mqttiny = createRequire(import.meta.url)("../build/node/index.cjs");

const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let uniq = 0;

/** mosquitto_sub as the independent subscriber; resolves `ready` once it sees messages flow. */
async function subscriber(port, topic) {
  const p = spawn("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(port), "-t", topic + "/#", "-v", "-q", "0", "-i", "bench-sub-" + uniq++]);
  // Lines are counted in each chunk with native searches rather than made into strings one by one
  // (readline): this process also runs the client being measured, and a string and an event per
  // message here took CPU from it and from the broker, and added noise to every contender alike.
  const s = { count: 0, ready: false, proc: p };
  const ready = Buffer.from(topic + "/ready ");
  p.stdout.on("data", (d) => {
    let n = 0;
    for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) n++;
    for (let i = d.indexOf(ready); i >= 0; i = d.indexOf(ready, i + 1)) {
      s.ready = true;
      n--;
    }
    s.count += n;
  });
  const probe = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`);
  for (let i = 0; i < 200 && !s.ready; i++) {
    probe.publish(topic + "/ready", "1");
    await sleep(25);
  }
  await probe.endAsync();
  if (!s.ready) throw new Error("subscriber did not come up");
  s.count = 0;
  return s;
}

async function waitFor(f, ms) {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error("timed out");
    await sleep(2);
  }
}

const TOPIC = "sensors/node1/temp";
function rawPublish(topic) {
  const b = new Uint8Array(128);
  return Buffer.from(b.subarray(0, mqttiny.encodePublish(b, 0, topic, "21.5", 0, false, false, 0)));
}

/** QoS 0: N publishes until the subscriber has them all. Returns messages/s. */
export async function qos0(kind, port, N) {
  const topic = "bench" + uniq++;
  const sub = await subscriber(port, topic);
  const t = topic + "/data";
  let t0;
  if (kind == "raw") {
    const s = net.connect({ host: "127.0.0.1", port });
    s.setNoDelay(true);
    await new Promise((r) => s.once("connect", r));
    const cb = new Uint8Array(64);
    s.write(cb.subarray(0, mqttiny.encodeConnect(cb, 0, { clientId: "raw" + uniq++, keepalive: 0 })));
    await new Promise((r) => s.once("data", r));
    const one = rawPublish(t);
    const batch = Buffer.concat(Array(1000).fill(one));
    t0 = performance.now();
    for (let left = N; left > 0; left -= 1000) if (!s.write(left >= 1000 ? batch : batch.subarray(0, left * one.length))) await new Promise((r) => s.once("drain", r));
    await waitFor(() => sub.count >= N, 60000);
    s.destroy();
  } else if (kind == "mqttiny") {
    const c = mqttiny.connect({ host: "127.0.0.1", port, clientId: "mt" + uniq++, keepalive: 0 });
    await waitFor(() => c.state() == 3, 5000);
    let drained = null;
    c.on("drain", () => drained && drained());
    t0 = performance.now();
    for (let i = 0; i < N; ) {
      if (c.publish(t, "21.5")) i++;
      else await new Promise((r) => (drained = r));
    }
    await waitFor(() => sub.count >= N, 60000);
    c.end();
  } else {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { keepalive: 0 });
    t0 = performance.now();
    for (let i = 0; i < N; i++) {
      c.publish(t, "21.5", { qos: 0 });
      if (i % 1000 == 999) await tick();
    }
    await waitFor(() => sub.count >= N, 60000);
    await c.endAsync();
  }
  const r = (N * 1000) / (performance.now() - t0);
  sub.proc.kill();
  return r;
}

/** QoS 1: N publishes until every PUBACK is in. Returns messages/s. */
export async function qos1(kind, port, N) {
  const t = "bench" + uniq++ + "/q1";
  let t0;
  if (kind == "mqttiny") {
    const c = mqttiny.connect({ host: "127.0.0.1", port, clientId: "mt" + uniq++, keepalive: 0, storeSize: 1 << 20, window: 1000 });
    await waitFor(() => c.state() == 3, 5000);
    t0 = performance.now();
    for (let i = 0; i < N; ) {
      if (c.publish(t, "21.5", { qos: 1 })) i++;
      else await tick();
    }
    await waitFor(() => c.queued() == 0, 60000);
    c.end();
  } else {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { keepalive: 0 });
    let acked = 0;
    t0 = performance.now();
    for (let i = 0; i < N; i++) {
      c.publish(t, "21.5", { qos: 1 }, () => acked++);
      if (i % 1000 == 999) await tick();
    }
    await waitFor(() => acked >= N, 60000);
    await c.endAsync();
  }
  return (N * 1000) / (performance.now() - t0);
}

export async function startSink(blast) {
  const w = new Worker(new URL("./sink.mjs", import.meta.url), { workerData: { blast } });
  const { port } = await new Promise((r) => w.once("message", r));
  const counted = async () => {
    w.postMessage("count");
    return (await new Promise((r) => w.once("message", r))).counted;
  };
  return { port, counted, reset: () => w.postMessage("reset"), stop: () => w.terminate() };
}

/** Subscribes to what the sink broker floods and waits for n messages; returns the start time. */
async function receiveAll(c, n) {
  let got = 0;
  c.on("message", () => got++);
  const t0 = performance.now();
  c.subscribe("sensors/#");
  await waitFor(() => got >= n, 60000);
  return t0;
}

/** Against the sink: QoS 0 publish rate (until the sink counted all), QoS 1 (all PUBACKs), receive rate. */
export async function sinkRate(kind, sink, mode, N) {
  sink.reset();
  let t0;
  if (kind == "mqttiny") {
    const c = mqttiny.connect({ host: "127.0.0.1", port: sink.port, clientId: "s" + uniq++, keepalive: 0, storeSize: 1 << 20, window: 1000 });
    await waitFor(() => c.state() == 3, 5000);
    let drained = null;
    c.on("drain", () => drained && drained());
    if (mode == "recv") t0 = await receiveAll(c, N);
    else {
      const q = mode == "qos1" ? 1 : 0;
      const o = { qos: q };
      t0 = performance.now();
      for (let i = 0; i < N; ) {
        if (c.publish(TOPIC, "21.5", o)) i++;
        else if (q) await tick();
        else await new Promise((r) => (drained = r));
      }
      if (q) await waitFor(() => c.queued() == 0, 60000);
      else while ((await sink.counted()) < N) await sleep(1);
    }
    c.end();
  } else {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${sink.port}`, { keepalive: 0 });
    if (mode == "recv") t0 = await receiveAll(c, N);
    else {
      const q = mode == "qos1" ? 1 : 0;
      let acked = 0;
      t0 = performance.now();
      for (let i = 0; i < N; i++) {
        if (q) c.publish(TOPIC, "21.5", { qos: 1 }, () => acked++);
        else c.publish(TOPIC, "21.5", { qos: 0 });
        if (i % 1000 == 999) await tick();
      }
      if (q) await waitFor(() => acked >= N, 60000);
      else while ((await sink.counted()) < N) await sleep(1);
    }
    c.end(true);
  }
  return (N * 1000) / (performance.now() - t0);
}
