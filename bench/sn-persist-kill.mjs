// Power cuts on the real interpreter for the MQTT-SN client with persist (issue 31): the device bundle
// build/mqttiny-sn-persist.min.js publishes QoS 1 readings through the real Paho MQTT-SN gateway to a
// mosquitto on loopback and is killed with SIGKILL (a power cut: Storage keeps what reached
// ./espruino.flash) at a seeded random moment, again and again, then started again in the same folder:
// while publishing, while PUBLISHes and PUBACKs cross, while the log compacts (persistSize 512), and at
// times with the gateway restarted (it forgets every client: the device is told DISCONNECT and connects
// again). A last run is left to finish. Checked at a subscriber: every reading the device printed
// publish() true for has arrived. The same check as bench/persist-kill.mjs for MQTT.
//   node bench/sn-persist-kill.mjs [RUNS=50] [SEED=1] [BOARD=esp8266]   (needs ESPRUINO, MQTTSN_GATEWAY, mosquitto)
import { mkdtempSync, readFileSync, rmSync, copyFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { findEspruino, runEspruino } from "../device/interpreter.mjs";
import { startGateway, findGateway } from "../device/sn-gateway.mjs";
import { rng } from "../test/sim/rng.mjs";
import { broker } from "./persist-kill.mjs";

const BUNDLE = resolve(fileURLToPath(new URL("../build/mqttiny-sn-persist.min.js", import.meta.url)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The program of boot `boot`: N readings, one every GAP ms, then it waits for the log to empty. */
function program(bundle, boot, port, n, gap) {
  return `
var S = require("Storage");
if (S.read("mqttiny") === undefined) {
  var f = E.openFile(${JSON.stringify(bundle)}, "r"), o = 0, d, z = ${readFileSync(bundle).length};
  while ((d = f.read(1024))) { S.write("mqttiny", d, o, z); o += d.length; }
  f.close();
}
S = f = d = undefined;
var c = require("mqttiny").connect({ host: "127.0.0.1", port: ${port}, clientId: "spk", clean: false, keepalive: 5, retry: 400, retries: 3, reconnectMin: 50, reconnectMax: 400, persist: "pk", persistSize: 512 });
c.on("error", function () {});
print("@boot ${boot} " + c.queued());
var O = { qos: 1 }, i = 0, iv = setInterval(function () {
  var p = "${boot}." + i;
  print((c.publish("spk/r", p, O) ? "@ok " : "@no ") + p);
  if (++i >= ${n}) {
    clearInterval(iv);
    iv = setInterval(function () { if (!c.queued()) { clearInterval(iv); print("@idle " + JSON.stringify({ wb: c.st.p.wb, cm: c.st.p.cm, free: process.memory().free })); } }, 50);
  }
}, ${gap});
`;
}

export async function snKillRuns({ runs = 50, seed = 1, board = "esp8266", n = 60, gap = 30, say = () => {} } = {}) {
  const esp = findEspruino();
  if (!esp || !esp.boards[board]) throw new Error("no Espruino build for " + board + " (set ESPRUINO)");
  const gw = findGateway();
  if (gw.problem) throw new Error(gw.problem);
  const dir = mkdtempSync(join(tmpdir(), "sn-persist-kill-"));
  const dev = join(dir, "device");
  const bdir = join(dir, "broker");
  for (const d of [dev, bdir]) mkdirSync(d);
  const r = rng(seed);
  const bundle = join(dir, "mqttiny-sn-persist.min.js");
  copyFileSync(BUNDLE, bundle);
  const b = await broker(bdir);
  let g = await startGateway({ bin: gw.bin, brokerPort: b.port });
  const port = g.port;
  const got = new Map();
  const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { clientId: "spk-sub", clean: false, reconnectPeriod: 100 });
  sub.on("message", (t, p) => {
    const k = p.toString();
    got.set(k, (got.get(k) || 0) + 1);
  });
  await sub.subscribeAsync("spk/r", { qos: 1 });
  const ok = new Set();
  const st = { runs, seed, board, kills: 0, gatewayRestarts: 0, ok: 0, held: 0, lost: [], dups: 0, dupResends: 0, idle: null, errors: [] };
  try {
    for (let run = 0; run <= runs; run++) {
      const last = run == runs;
      const h = runEspruino({ esp, board, code: program(bundle, run, port, n, gap), cwd: dev, timeoutMs: last ? 120000 : 60000 });
      const t0 = Date.now();
      while (!h.lines.some((l) => l.startsWith("@boot")) && Date.now() - t0 < 30000 && !h.lines.some((l) => /Uncaught|OUT OF MEMORY/.test(l))) await sleep(10);
      const tb = Date.now();
      // The gateway restarts (forgetting every client) in about a third of the runs.
      let outage = null;
      if (!last && r() < 0.35) {
        const at = r() * 1500;
        st.gatewayRestarts++;
        outage = (async () => {
          await sleep(at);
          await g.stop();
          g = await startGateway({ bin: gw.bin, brokerPort: b.port, port });
        })();
      }
      if (!last) {
        await sleep(r() * 3000);
        h.kill("SIGKILL");
        st.kills++;
      } else {
        while (!h.lines.some((l) => l.startsWith("@idle")) && Date.now() - tb < 100000 && !h.lines.some((l) => /Uncaught|OUT OF MEMORY/.test(l))) await sleep(50);
        h.kill("SIGKILL");
      }
      await h.done;
      if (outage) await outage;
      for (const l of h.lines) {
        if (l.startsWith("@ok ")) ok.add(l.slice(4));
        if (l.startsWith("@idle ")) st.idle = JSON.parse(l.slice(6));
        if (l.startsWith("@boot ")) st.held += +l.split(" ")[2];
        if (/Uncaught|OUT OF MEMORY|ASSERT/.test(l)) st.errors.push(`run ${run}: ${l}`);
      }
      say(`run ${run}: ${h.lines.filter((l) => l.startsWith("@ok")).length} ok, ${h.lines.find((l) => l.startsWith("@boot")) || "no boot line"}${last ? " (left to finish)" : ""}`);
    }
    const end = Date.now() + 20000;
    while ([...ok].some((k) => !got.has(k)) && Date.now() < end) await sleep(100);
    st.ok = ok.size;
    st.lost = [...ok].filter((k) => !got.has(k));
    st.dups = [...got.values()].reduce((a, v) => a + v - 1, 0);
    // The gateway passes a resend's DUP flag on to the broker.
    st.dupResends = (b.log().match(/Received PUBLISH from spk \(d1/g) || []).length;
    st.arrived = got.size;
  } finally {
    await sub.endAsync(true).catch(() => {});
    await g.stop();
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return st;
}

if (process.argv[1] && resolve(process.argv[1]) == fileURLToPath(import.meta.url)) main();

async function main() {
  const runs = +(process.argv[2] || 50);
  const seed = +(process.argv[3] || 1);
  const board = process.argv[4] || "esp8266";
  const t0 = Date.now();
  const st = await snKillRuns({ runs, seed, board, say: (s) => console.log(s) });
  console.log(JSON.stringify(st, null, 1));
  console.log(`${st.kills} power cuts (${st.gatewayRestarts} with a gateway restart), ${st.ok} readings publish() returned true for, ${st.lost.length} lost, ${st.dups} duplicates at the subscriber, ${st.dupResends} DUP=1 resends at the broker; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.exit(st.lost.length || st.dups > st.dupResends || st.errors.length ? 1 : 0);
}
