// No storm (issue 32): 1,000 clients (the Node build, in this process) on a 3-node aedes + redis cluster
// on loopback (device/emulator/cluster.mjs), each with the three nodes as `servers` in an order of its
// own; one node is SIGKILLed, and the CONNECT packets the two survivors receive are counted: the peak
// in any 1 s window, beside the same fleet with a fixed 1 s retry (reconnectMin = reconnectMax = 1000,
// no jitter: what MQTT.js's reconnectPeriod does). Each variant runs on a fresh cluster.
//   node bench/cluster-storm.mjs [--nodes N] [--reconnect-min MS]
import { createRequire } from "node:module";
import { startCluster, medianMax, peakPerSecond } from "../device/emulator/cluster.mjs";

const require = createRequire(import.meta.url);
const { connect } = require("../build/node/index.cjs");

const arg = (name, d) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg("--nodes", 1000);
const FLEET_MIN = arg("--reconnect-min", 20000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function variant(name, opts) {
  const cl = await startCluster({ nodes: 3 });
  const clients = [];
  try {
    // The fleet comes up over 5 s, as a fleet powered on does not all start in the same millisecond.
    for (let i = 0; i < N; i++) {
      clients.push(connect({ servers: cl.serversFor(i), clientId: "n" + i, clean: false, keepalive: 30, ...opts }));
      if (i % 20 == 19) await sleep(100);
    }
    const t0 = Date.now();
    while (clients.some((c) => c.state() != 3) && Date.now() - t0 < 60000) await sleep(100);
    const up = clients.filter((c) => c.state() == 3).length;
    await sleep(1000);
    const victim = 2;
    const k = await cl.kill(victim);
    const survivors = [0, 1];
    // Everyone that was on the victim must be up elsewhere: wait up to reconnectMax + connectTimeout + 5 s.
    const bound = (opts.reconnectMax || 60000) + 10000 + 5000;
    while (Date.now() - k.t < bound && cl.moves().some((m) => m.ms == null)) await sleep(100);
    await sleep(1000);
    const moves = cl.moves();
    const done = moves.filter((m) => m.ms != null).map((m) => m.ms);
    const mm = medianMax(done);
    const connects = cl.connectsAt(survivors, k.t);
    const peak = peakPerSecond(connects);
    const loop = cl.loopback();
    console.log(`${name}: ${up}/${N} up; node 3 killed with ${k.ids.length} on it; ${done.length} moved (median ${mm.median} ms, max ${mm.max} ms); ${connects.length} CONNECTs at the survivors, peak ${peak} in 1 s; ${loop.sockets.length} cluster sockets, ${loop.bad.length} off loopback`);
    return { moved: done.length, onVictim: k.ids.length, peak, max: mm.max, median: mm.median, bad: loop.bad.length };
  } finally {
    for (const c of clients) c.end(true);
    await cl.stop();
  }
}

console.log(`${N} clients, 3-node aedes + redis cluster on 127.0.0.1; node 3 SIGKILLed; CONNECTs counted at nodes 1 and 2 (aedes preConnect)`);
const fixed = await variant("fixed 1 s retry (reconnectMin = reconnectMax = 1000, no jitter)", { reconnectMin: 1000, reconnectMax: 1000, random: () => 1 });
const dflt = await variant("mqttiny defaults (reconnectMin 1000: jitter 500-1000 ms)", {});
const fleet = await variant(`mqttiny, reconnectMin ${FLEET_MIN} (jitter ${FLEET_MIN / 2}-${FLEET_MIN} ms)`, { reconnectMin: FLEET_MIN });
const ratio = (v) => (v.peak / fixed.peak).toFixed(2);
console.log(`peak CONNECTs/s at the survivors: fixed 1 s retry ${fixed.peak}; defaults ${dflt.peak} (${ratio(dflt)} of it); reconnectMin ${FLEET_MIN} ${fleet.peak} (${ratio(fleet)} of it; target <= 0.20)`);
const ok = fleet.peak * 5 <= fixed.peak && fleet.moved == fleet.onVictim && !fleet.bad && !fixed.bad && !dflt.bad;
console.log(ok ? "target met" : "target NOT met");
process.exitCode = ok ? 0 : 1;
