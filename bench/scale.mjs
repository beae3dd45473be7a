// A fleet on one broker: N real clients (mqttiny or MQTT.js) connected at once; memory per client
// (JS heap + array buffers, after a forced GC) and the fleet's QoS 1 message rate.
import { createRequire } from "node:module";
import mqtt from "mqtt";
const mqttiny = createRequire(import.meta.url)("../build/node/index.cjs");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mem = () => {
  globalThis.gc && globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
let uniq = 0;

export async function fleet(kind, port, n, perClient) {
  const m0 = mem();
  const clients = [];
  for (let i = 0; i < n; i++) {
    const id = "fleet" + uniq++;
    if (kind == "mqttiny") clients.push(mqttiny.connect({ host: "127.0.0.1", port, clientId: id, keepalive: 60, storeSize: 1024, rxSize: 256, txSize: 256 }));
    else clients.push(mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: id, keepalive: 60 }));
    if (i % 50 == 49) await sleep(5);
  }
  const up = (c) => (kind == "mqttiny" ? c.state() == 3 : c.connected);
  for (let t = 0; t < 30000 && !clients.every(up); t += 20) await sleep(20);
  if (!clients.every(up)) throw new Error(`${kind}: not all ${n} clients connected`);
  await sleep(200);
  const perClientBytes = (mem() - m0) / n;
  let acked = 0;
  const t0 = performance.now();
  for (let k = 0; k < perClient; k++)
    for (const c of clients) {
      if (kind == "mqttiny") c.publish("fleet/x", "21.5", { qos: 1 });
      else c.publish("fleet/x", "21.5", { qos: 1 }, () => acked++);
    }
  const done = () => (kind == "mqttiny" ? clients.every((c) => c.queued() == 0) : acked >= n * perClient);
  for (let t = 0; t < 60000 && !done(); t += 5) await sleep(5);
  const rate = (n * perClient * 1000) / (performance.now() - t0);
  for (const c of clients) kind == "mqttiny" ? c.end() : c.end(true);
  await sleep(300);
  return { perClientBytes, rate };
}

// Measured in a fresh process per fleet, so garbage from earlier measurements cannot skew the heap.
// `node --expose-gc bench/scale.mjs KIND PORT N PER_CLIENT` prints the result as JSON.
if (process.argv[1] && process.argv[1].endsWith("scale.mjs") && process.argv.length > 4) {
  const [kind, port, n, per] = process.argv.slice(2);
  const r = await fleet(kind, Number(port), Number(n), Number(per));
  console.log(JSON.stringify(r));
  process.exit(0);
}
