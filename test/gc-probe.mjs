// Counts garbage collections during steady-state publishing through the built Node bundle with a
// sink transport and a hand-driven clock: what the codec + client path allocates, and nothing else.
// Usage: node test/gc-probe.mjs [count]  -> prints JSON { qos0, qos1, encode, decode } GC counts.
import { PerformanceObserver } from "node:perf_hooks";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const m = require("../build/node/index.cjs");

const N = Number(process.argv[2] || 1_000_000);
let gcs = 0;
const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
obs.observe({ entryTypes: ["gc"] });
const settle = () => new Promise((r) => setTimeout(r, 50));

function client() {
  let start = null;
  let ev = null;
  // A real wall clock (Date.now() is past 2^31, so times are doubles), with timers driven by hand.
  const clock = { now: () => Date.now(), set: (f, ms, a) => ((start = start || (() => f(a))), 1), clear() {} };
  const c = m.createClient({
    clientId: "gc",
    keepalive: 0,
    clock,
    transport: (h) => ((ev = h), { write() {}, close() {}, hw: 1e12 }),
  });
  start();
  ev.open();
  ev.data(Uint8Array.of(0x20, 0x02, 0x00, 0x00));
  return { c, ev };
}

async function measure(fn) {
  fn(Math.min(N, 100_000)); // warm up: JIT compilation allocates
  await settle();
  gcs = 0;
  fn(N);
  await settle();
  return gcs;
}

const { c, ev } = client();
const opt0 = { qos: 0 };
const opt1 = { qos: 1 };
const ack = new Uint8Array([0x40, 0x02, 0, 0]);
const out = {};
out.qos0 = await measure((n) => {
  for (let i = 0; i < n; i++) c.publish("sensors/node1/temp", "21.5", opt0);
});
let id = 0;
out.qos1 = await measure((n) => {
  for (let i = 0; i < n; i++) {
    c.publish("sensors/node1/temp", "21.5", opt1);
    id = (id % 65535) + 1;
    ack[2] = id >> 8;
    ack[3] = id & 255;
    ev.data(ack);
  }
});
const buf = new Uint8Array(64);
out.encode = await measure((n) => {
  for (let i = 0; i < n; i++) m.encodePublish(buf, 0, "sensors/node1/temp", "21.5", 0, false, false, 0);
});
const d = m.createDecoder(64);
const pkt = buf.slice(0, m.encodePublish(buf, 0, "sensors/node1/temp", "21.5", 0, false, false, 0));
out.decode = await measure((n) => {
  for (let i = 0; i < n; i++) m.decode(d, pkt, 0);
});
// Receiving: a QoS 0 PUBLISH delivered to a subscription callback with its topic and payload as strings
// (made natively, one allocation each): not zero by nature, measured to keep it near the floor.
let got = 0;
c.subscribe("sensors/#", { onMessage: () => got++ });
const inPkt = pkt.slice();
out.recv = await measure((n) => {
  for (let i = 0; i < n; i++) ev.data(inPkt);
});
if (!got) throw new Error("no message delivered");
if (c.queued() !== 0) throw new Error("QoS 1 messages left unacknowledged: " + c.queued());
obs.disconnect();
console.log(JSON.stringify(out));
