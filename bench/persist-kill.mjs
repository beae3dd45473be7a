// Power cuts on the real interpreter (issue 31): the device bundle with persist publishes QoS 1 readings
// to a real mosquitto on loopback and is killed with SIGKILL (a power cut: Storage keeps what reached
// ./espruino.flash) at a seeded random moment, again and again, then started again in the same folder:
// while publishing, while PUBLISHes and PUBACKs cross, while the log compacts (persistSize 512 makes that
// every 20 or so readings), and at times with the broker down. A last run is left to finish. Checked at a
// subscriber: every reading the device printed publish() true for has arrived; a reading that arrived
// twice must be matched by a DUP=1 PUBLISH the broker received (its log).
//   node bench/persist-kill.mjs [RUNS=200] [SEED=1] [BOARD=esp8266]      (needs ESPRUINO, mosquitto)
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync, copyFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import net from "node:net";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { findEspruino, runEspruino } from "../device/interpreter.mjs";
import { rng } from "../test/sim/rng.mjs";

const BUNDLE = resolve(fileURLToPath(new URL("../build/mqttiny-persist.min.js", import.meta.url)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const p = s.address().port;
  await new Promise((r) => s.close(r));
  return p;
}

async function waitPort(port, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((r) => {
      const c = net.connect({ host: "127.0.0.1", port }, () => (c.destroy(), r(true)));
      c.on("error", () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error("mosquitto does not listen on " + port);
    await sleep(30);
  }
}

/** mosquitto with persistence (sessions survive its restarts) and a log of every packet (the DUP flags). */
export async function broker(dir) {
  const bin = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"].find((p) => existsSync(p));
  if (!bin) throw new Error("mosquitto is not installed");
  const port = await freePort();
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(conf, ["user root", `listener ${port} 127.0.0.1`, "allow_anonymous true", "persistence true", `persistence_location ${dir}/`, "autosave_interval 1", `log_dest file ${dir}/mosquitto.log`, "log_type all", ""].join("\n"));
  let proc = null;
  const b = {
    port,
    up: false,
    async start() {
      proc = spawn(bin, ["-c", conf], { stdio: "ignore" });
      await waitPort(port);
      b.up = true;
    },
    async stop() {
      const p = proc;
      proc = null;
      b.up = false;
      if (!p || p.exitCode != null) return;
      const done = new Promise((r) => p.once("exit", r));
      p.kill("SIGTERM");
      await done;
    },
    log: () => (existsSync(join(dir, "mosquitto.log")) ? readFileSync(join(dir, "mosquitto.log"), "latin1") : ""),
  };
  await b.start();
  return b;
}

/**
 * The program of boot `boot`: the client of `connect` (the options' JS text, persist "pk" in 512 bytes
 * added), N readings to `id`/r, one every GAP ms, then it waits for the log to empty.
 */
function program(bundle, boot, id, connect, n, gap) {
  return `
var S = require("Storage");
if (S.read("mqttiny") === undefined) {
  var f = E.openFile(${JSON.stringify(bundle)}, "r"), o = 0, d, z = ${readFileSync(bundle).length};
  while ((d = f.read(1024))) { S.write("mqttiny", d, o, z); o += d.length; }
  f.close();
}
S = f = d = undefined;
var c = require("mqttiny").connect({ clientId: "${id}", clean: false, ${connect}, persist: "pk", persistSize: 512 });
c.on("error", function () {});
print("@boot ${boot} " + c.queued());
var O = { qos: 1 }, i = 0, iv = setInterval(function () {
  var p = "${boot}." + i;
  print((c.publish("${id}/r", p, O) ? "@ok " : "@no ") + p);
  if (++i >= ${n}) {
    clearInterval(iv);
    iv = setInterval(function () { if (!c.queued()) { clearInterval(iv); print("@idle " + JSON.stringify({ wb: c.st.p.wb, cm: c.st.p.cm, free: process.memory().free })); } }, 50);
  }
}, ${gap});
`;
}

/**
 * The kill loop both clients' benches share. `o`: runs, seed, board, n readings a boot, gap ms, the
 * bundle, the client id `id`, `up(b)` (what the device talks to, given the broker: { connect, stop }, the
 * connect options' JS text), `disrupt(r, st, b, u)` (called in each run but the last: a promise of an outage, or null), and
 * `st` (the bench's own counters). Returns `st` with the tally at the subscriber.
 */
export async function killLoop(o) {
  const { runs, board, n, gap, id, say = () => {} } = o;
  const esp = findEspruino();
  if (!esp || !esp.boards[board]) throw new Error("no Espruino build for " + board + " (set ESPRUINO)");
  const dir = mkdtempSync(join(tmpdir(), "persist-kill-"));
  const dev = join(dir, "device");
  const bdir = join(dir, "broker");
  for (const d of [dev, bdir]) mkdirSync(d);
  const r = rng(o.seed);
  // The bundle as it is now: a build during the runs does not reach them.
  const bundle = join(dir, "bundle.min.js");
  copyFileSync(o.bundle, bundle);
  const b = await broker(bdir);
  const u = await o.up(b);
  const got = new Map();
  // Deliveries without DUP: a copy the broker sent again to the subscriber (its own resend after a
  // restart, DUP=1 on that hop) is not the device's doing; one without DUP must come from a device resend.
  const fresh = new Map();
  const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { clientId: id + "-sub", clean: false, reconnectPeriod: 100 });
  sub.on("message", (t, p, pk) => {
    const k = p.toString();
    got.set(k, (got.get(k) || 0) + 1);
    if (!pk.dup) fresh.set(k, (fresh.get(k) || 0) + 1);
  });
  await sub.subscribeAsync(id + "/r", { qos: 1 });
  const ok = new Set();
  const st = { runs, seed: o.seed, board, kills: 0, ...o.st, ok: 0, held: 0, lost: [], dups: 0, freshDups: 0, dupResends: 0, idle: null, errors: [] };
  const dead = (h) => h.lines.some((l) => /Uncaught|OUT OF MEMORY/.test(l));
  try {
    for (let run = 0; run <= runs; run++) {
      const last = run == runs;
      const h = runEspruino({ esp, board, code: program(bundle, run, id, u.connect, n, gap), cwd: dev, timeoutMs: last ? 120000 : 60000 });
      const t0 = Date.now();
      while (!h.lines.some((l) => l.startsWith("@boot")) && Date.now() - t0 < 30000 && !dead(h)) await sleep(10);
      const tb = Date.now();
      const outage = last ? null : o.disrupt(r, st, b, u);
      if (!last) {
        // Before, during or after the readings.
        await sleep(r() * o.killWithin);
        h.kill("SIGKILL");
        st.kills++;
      } else {
        while (!h.lines.some((l) => l.startsWith("@idle")) && Date.now() - tb < 100000 && !dead(h)) await sleep(50);
        h.kill("SIGKILL");
      }
      await h.done;
      if (outage) await outage;
      for (const l of h.lines) {
        if (l.startsWith("@ok ")) ok.add(l.slice(4));
        if (l.startsWith("@idle ")) st.idle = JSON.parse(l.slice(6));
        // Readings found in Storage at boot: what the cut before left held.
        if (l.startsWith("@boot ")) st.held += +l.split(" ")[2];
        if (/Uncaught|OUT OF MEMORY|ASSERT/.test(l)) st.errors.push(`run ${run}: ${l}`);
        // Espruino's own Storage compaction (a run may be cut during one: not ours to protect).
        if (l.includes("Compacting")) st.storageCompactions++;
      }
      say(`run ${run}: ${h.lines.filter((l) => l.startsWith("@ok")).length} ok, ${h.lines.find((l) => l.startsWith("@boot")) || "no boot line"}${last ? " (left to finish)" : ""}`);
    }
    // Every reading that publish() returned true for arrives (the subscriber's session gets the rest).
    const end = Date.now() + 20000;
    while ([...ok].some((k) => !got.has(k)) && Date.now() < end) await sleep(100);
    st.ok = ok.size;
    st.lost = [...ok].filter((k) => !got.has(k));
    st.dups = [...got.values()].reduce((a, v) => a + v - 1, 0);
    st.freshDups = [...fresh.values()].reduce((a, v) => a + Math.max(0, v - 1), 0);
    // A reading that arrived twice without DUP must be matched by a DUP=1 PUBLISH the broker received
    // from the device (the MQTT-SN gateway passes a resend's DUP on).
    st.dupResends = (b.log().match(new RegExp(`Received PUBLISH from ${id} \\(d1`, "g")) || []).length;
    st.arrived = got.size;
  } finally {
    await sub.endAsync(true).catch(() => {});
    await u.stop();
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return st;
}

export function killRuns({ runs = 200, seed = 1, board = "esp8266", n = 120, gap = 20, say } = {}) {
  return killLoop({
    runs, seed, board, n, gap, say, id: "pk", bundle: BUNDLE, killWithin: 4000,
    st: { brokerDowns: 0, storageCompactions: 0 },
    up: (b) => ({ connect: `host: "127.0.0.1", port: ${b.port}, keepalive: 5, reconnectMin: 50, reconnectMax: 400, connectTimeout: 2000`, stop: async () => {} }),
    // The broker goes down for a while in about a third of the runs.
    disrupt(r, st, b) {
      if (r() >= 0.35) return null;
      const at = r() * 1500;
      const len = 200 + r() * 1200;
      st.brokerDowns++;
      return (async () => {
        await sleep(at);
        await b.stop();
        await sleep(len);
        await b.start();
      })();
    },
  });
}

// No top-level await: the test imports this file through a CommonJS loader.
if (process.argv[1] && resolve(process.argv[1]) == fileURLToPath(import.meta.url)) main();

async function main() {
  const runs = +(process.argv[2] || 200);
  const seed = +(process.argv[3] || 1);
  const board = process.argv[4] || "esp8266";
  const t0 = Date.now();
  const st = await killRuns({ runs, seed, board, say: (s) => console.log(s) });
  console.log(JSON.stringify(st, null, 1));
  console.log(`${st.kills} power cuts (${st.brokerDowns} with the broker down for a while; ${st.storageCompactions} of Espruino's Storage compactions seen), ${st.ok} readings publish() returned true for, ${st.lost.length} lost, ${st.dups} duplicates at the subscriber (${st.freshDups} without DUP on the broker-to-subscriber hop), ${st.dupResends} DUP=1 resends from the device at the broker; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.exit(st.lost.length || st.freshDups > st.dupResends || st.errors.length ? 1 : 0);
}
