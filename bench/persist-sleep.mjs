// The deep-sleep telemetry mode on the real interpreter (issue 31): device/telemetry-sleep.js (what
// npm run flash uploads for a config with "sleep"), the persist bundle, a stub Wifi module, on the
// ESP8266 layout. Each wake is a new interpreter process on the same ./espruino.flash (the program ends with quit() where a board would
// deep sleep): it takes a reading, connects to mosquitto on loopback, sends what is held and the new
// reading, and sleeps once all are acknowledged or at the deadline. The broker is down for a few wakes
// in the middle: those readings are held in Storage and go out at the next wakes. Prints the radio-on
// time (joining Wi-Fi to the last PUBACK, the device's own "awake" line) per wake and per reading, and
// checks at a subscriber that every reading arrived.
//   node bench/persist-sleep.mjs [WAKES=20] [BOARD=esp8266]      (needs ESPRUINO, mosquitto)
import { mkdtempSync, readFileSync, rmSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { findEspruino, runEspruino } from "../device/interpreter.mjs";
import { broker } from "./persist-kill.mjs";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const WIFI = "exports.connect=function(s,o,cb){setTimeout(function(){cb(null);},10);};";

/** A launcher: the bundle, the program (CONFIG + telemetry.js) and the Wifi stub into Storage once, then the program from there. */
function launcher(bundle, prog) {
  const put = (name, file) => `if (S.read(${JSON.stringify(name)}) === undefined) { f = E.openFile(${JSON.stringify(file)}, "r"); o = 0; while ((d = f.read(1024))) { S.write(${JSON.stringify(name)}, d, o, ${readFileSync(file).length}); o += d.length; } f.close(); }\n`;
  return `var S = require("Storage"), f, o, d;\nif (S.read("Wifi") === undefined) S.write("Wifi", ${JSON.stringify(WIFI)});\n${put("mqttiny", bundle)}${put("prog", prog)}S = f = o = d = undefined;\neval(require("Storage").read("prog"));\n`;
}

export async function sleepRuns({ wakes = 20, board = "esp8266", down = [8, 11] } = {}) {
  const esp = findEspruino();
  if (!esp || !esp.boards[board]) throw new Error("no Espruino build for " + board + " (set ESPRUINO)");
  const dir = mkdtempSync(join(tmpdir(), "persist-sleep-"));
  for (const d of ["b", "d"]) mkdirSync(join(dir, d));
  const b = await broker(join(dir, "b"));
  const got = new Map();
  const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { clientId: "sleep-sub", clean: false, reconnectPeriod: 100 });
  sub.on("message", (t, p) => {
    const j = JSON.parse(p.toString());
    got.set(j.seq, (got.get(j.seq) || 0) + 1);
  });
  await sub.subscribeAsync("tele/sleeper/temp", { qos: 1 });
  const bundle = join(dir, "mqttiny.js");
  copyFileSync(join(root, "build/mqttiny-persist.min.js"), bundle);
  const prog = join(dir, "prog.js");
  const config = { ssid: "test", wifiPassword: "", host: "127.0.0.1", port: b.port, id: "sleeper", topic: "tele", keepalive: 30, sleep: 1, deadline: 2, persist: "tele" };
  const { writeFileSync } = await import("node:fs");
  writeFileSync(prog, "var CONFIG = " + JSON.stringify(config) + ";\n" + readFileSync(join(root, "device/telemetry-sleep.js"), "latin1"));
  const rows = [];
  const errors = [];
  try {
    for (let w = 0; w < wakes; w++) {
      if (w == down[0]) await b.stop();
      if (w == down[1]) await b.start();
      const h = runEspruino({ esp, board, code: launcher(bundle, prog), cwd: join(dir, "d"), timeoutMs: 30000 });
      const r = await h.done;
      const line = h.lines.find((l) => l.includes("awake: radio on"));
      for (const l of h.lines) if (/Uncaught|OUT OF MEMORY/.test(l)) errors.push(`wake ${w}: ${l}`);
      const m = line && /radio on (\d+) ms, ([a-z ]+), (\d+) held/.exec(line);
      rows.push({ wake: w, up: b.up, ms: m ? +m[1] : null, why: m ? m[2] : "no awake line: " + r.output.slice(-200), held: m ? +m[3] : null });
      await sleep(100);
    }
    if (!b.up) await b.start();
    const end = Date.now() + 10000;
    while (got.size < wakes && Date.now() < end) await sleep(100);
  } finally {
    await sub.endAsync(true).catch(() => {});
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const seqs = [...got.keys()].sort((a, b) => a - b);
  return { rows, errors, arrived: seqs, lost: Array.from({ length: wakes }, (_, i) => i).filter((s) => !got.has(s)) };
}

// No top-level await: a test may import this file through a CommonJS loader.
if (process.argv[1] && resolve(process.argv[1]) == fileURLToPath(import.meta.url)) main();

async function main() {
  const wakes = +(process.argv[2] || 20);
  const board = process.argv[3] || "esp8266";
  const st = await sleepRuns({ wakes, board });
  for (const r of st.rows) console.log(`wake ${r.wake}: broker ${r.up ? "up" : "down"}, radio on ${r.ms} ms, ${r.why}, ${r.held} held after`);
  const up = st.rows.filter((r) => r.why == "all acknowledged");
  const ms = up.map((r) => r.ms).sort((a, b) => a - b);
  const total = st.rows.reduce((a, r) => a + (r.ms || 0), 0);
  console.log(`${board}: ${st.arrived.length} of ${wakes} readings arrived (lost: ${JSON.stringify(st.lost)}); radio on per wake with all acknowledged: median ${ms[ms.length >> 1]} ms (${ms[0]}-${ms[ms.length - 1]}); over all wakes ${(total / wakes).toFixed(0)} ms a reading (deadline 2 s while the broker was down); errors: ${st.errors.length}`);
  process.exit(st.lost.length || st.errors.length ? 1 : 0);
}
