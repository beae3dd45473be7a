// What persist costs on the real interpreter (issue 31), one build (build/mqttiny-persist.min.js) from
// Storage on the ESP8266 layout against mosquitto on loopback:
// - flash: bytes the log wrote per reading over 1,000 readings, compactions included (its own count, and
//   Espruino's file headers: 32 bytes a new file), the log's compactions and Espruino's own ("Compacting"),
//   and what that means for an ESP8266's flash at one reading a minute;
// - publish() time per QoS 1 reading with and without persist, the same build, the same pace;
// - blocks: with 60 readings held (the broker unreachable), without persist (the RAM store) and with it.
// With "sn": the same for the MQTT-SN client (build/mqttiny-sn-persist.min.js) through the real Paho
// MQTT-SN gateway in front of the mosquitto.
//   node bench/persist-flash.mjs [READINGS=1000] [BOARD=esp8266] [mqtt|sn]   (needs ESPRUINO, mosquitto; MQTTSN_GATEWAY for sn)
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findEspruino, runEspruino } from "../device/interpreter.mjs";
import { broker } from "./persist-kill.mjs";
import { startGateway, findGateway } from "../device/sn-gateway.mjs";

const bundleOf = (sn) => resolve(fileURLToPath(new URL(sn ? "../build/mqttiny-sn-persist.min.js" : "../build/mqttiny-persist.min.js", import.meta.url)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The bundle and the program go into Storage and run from there: on a board's heap the program's text
// held as a RAM string would cost a block per 8 characters.
function launcher(prog, BUNDLE) {
  const put = (name, file) => `f = E.openFile(${JSON.stringify(file)}, "r"); o = 0; while ((d = f.read(1024))) { S.write(${JSON.stringify(name)}, d, o, ${readFileSync(file).length}); o += d.length; } f.close();\n`;
  return `var S = require("Storage"), f, o, d;\n${put("mqttiny", BUNDLE)}${put("prog", prog)}S = f = o = d = undefined;\neval(require("Storage").read("prog"));\n`;
}

// plainHeld: readings held without persist (MQTT-SN holds each in RAM as a record of five fields, about
// 7 blocks, so 40 of them, after the rounds before, run the ESP8266 layout out of memory).
function program(port, n, plainHeld = 60) {
  return `
function out(k, v) { print("@" + k + " " + JSON.stringify(v)); }
var m0 = process.memory().usage;
var lib = require("mqttiny");
out("load", process.memory().usage - m0);
var O = { qos: 1 }, res = {};
function readings(c, n, done) {
  var i = 0, t = 0, no = 0;
  var iv = setInterval(function () {
    var p = (20 + (i % 100) / 10).toFixed(1), t0 = getTime();
    if (!c.publish("sensor/t", p, O)) no++;
    t += getTime() - t0;
    if (++i >= n) {
      clearInterval(iv);
      iv = setInterval(function () { if (!c.queued()) { clearInterval(iv); done(t / n * 1000, no); } }, 20);
    }
  }, 6);
}
function phase(opts, n, done) {
  var c = lib.connect(opts);
  c.on("error", function () {});
  c.on("connected", function () {
    c.on("connected", function () {});
    readings(c, n, function (ms, no) { var r = { ms: ms, refused: no }; if (c.st.p) { r.wb = c.st.p.wb; r.cm = c.st.p.cm; } c.end(); setTimeout(function () { done(r); }, 100); });
  });
}
// Blocks in use with 20, 60 and n readings held, the broker unreachable (a closed port). Counted into a
// typed array made first: a value pushed into an array would itself be blocks more.
function held(opts, n, done) {
  var u = new Int16Array(3), m = process.memory().usage;
  var c = lib.connect(opts);
  c.on("error", function () {});
  var m1 = process.memory().usage;
  for (var i = 1; i <= n; i++) {
    c.publish("sensor/t", (20 + i / 10).toFixed(1), O);
    if (i == 20) u[0] = process.memory().usage - m1;
    if (i == 60) u[1] = process.memory().usage - m1;
    if (i == n) u[2] = process.memory().usage - m1;
  }
  var r = { client: m1 - m, held20: u[0], held60: u[1], heldN: u[2], n: n, queued: c.queued() };
  c.end(true);
  setTimeout(function () { done(r); }, 50);
}
var base = { host: "127.0.0.1", port: ${port}, clientId: "pf", keepalive: 30 };
function ext(a, b) { var r = {}, k; for (k in a) r[k] = a[k]; for (k in b) r[k] = b[k]; return r; }
// In rounds, a pass without persist then one with it, so that a slow stretch of the machine falls on both.
var R = 5, per = ${n} / R, plain = [], pers = [], wb = 0, cm = 0, s0 = require("Storage").getStats();
function med(a) { a = a.slice().sort(function (x, y) { return x - y; }); return a[a.length >> 1]; }
function round(k) {
  if (k == R) return rest();
  phase(base, per, function (a) {
    plain.push(a.ms);
    phase(ext(base, { persist: "pf" }), per, function (b) {
      pers.push(b.ms);
      wb += b.wb;
      cm += b.cm;
      round(k + 1);
    });
  });
}
round(0);
function rest() {
    out("plain", { ms: med(plain), all: plain });
    out("persist", { ms: med(pers), all: pers, wb: wb, cm: cm });
    out("storage", { before: s0, after: require("Storage").getStats() });
    require("Storage").erase("pf"); require("Storage").erase("pf~");
    held(ext(base, { port: 1 }), ${plainHeld}, function (h0) {
      out("held", h0);
      held(ext(base, { port: 1, persist: "ph", persistSize: 8000 }), 200, function (h1) {
        out("heldPersist", h1);
        // The hour's outage is over: a client on the same Storage and the broker's port sends the 60.
        var t0 = getTime(), c = lib.connect(ext(base, { persist: "ph" })), n0 = c.queued();
        c.on("error", function () {});
        var iv = setInterval(function () {
          if (c.queued() && getTime() - t0 < 60) return;
          clearInterval(iv);
          out("outage", { held: n0, left: c.queued(), s: getTime() - t0 });
          c.end();
          out("done", 1);
        }, 20);
      });
    });
}
`;
}

export async function measure({ n = 1000, board = "esp8266", sn = false } = {}) {
  const esp = findEspruino();
  if (!esp || !esp.boards[board]) throw new Error("no Espruino build for " + board + " (set ESPRUINO)");
  const dir = mkdtempSync(join(tmpdir(), "persist-flash-"));
  mkdirSync(join(dir, "b"));
  mkdirSync(join(dir, "d"));
  const b = await broker(join(dir, "b"));
  let g = null;
  try {
    if (sn) {
      const f = findGateway();
      if (f.problem) throw new Error(f.problem);
      g = await startGateway({ bin: f.bin, brokerPort: b.port });
    }
    writeFileSync(join(dir, "prog.js"), program(g ? g.port : b.port, n, sn ? 20 : 60));
    const h = runEspruino({ esp, board, code: launcher(join(dir, "prog.js"), bundleOf(sn)), cwd: join(dir, "d"), timeoutMs: 300000 });
    const t0 = Date.now();
    while (!h.lines.some((l) => l.startsWith("@done")) && Date.now() - t0 < 280000 && !h.lines.some((l) => /Uncaught|OUT OF MEMORY/.test(l))) await sleep(100);
    h.kill("SIGKILL");
    await h.done;
    const r = {};
    for (const l of h.lines) {
      const m = /^@(\w+) (.*)$/.exec(l);
      if (m) r[m[1]] = JSON.parse(m[2]);
    }
    r.espruinoCompactions = h.lines.filter((l) => l.includes("Compacting")).length;
    r.errors = h.lines.filter((l) => /Uncaught|OUT OF MEMORY/.test(l));
    return r;
  } finally {
    if (g) await g.stop();
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// No top-level await: the test imports this file through a CommonJS loader.
if (process.argv[1] && resolve(process.argv[1]) == fileURLToPath(import.meta.url)) main();

async function main() {
  const n = +(process.argv[2] || 1000);
  const board = process.argv[3] || "esp8266";
  const sn = process.argv[4] == "sn";
  const r = await measure({ n, board, sn });
  console.log(new Date().toISOString() + (sn ? " MQTT-SN, build/mqttiny-sn-persist.min.js through the Paho gateway" : " MQTT, build/mqttiny-persist.min.js"));
  console.log(JSON.stringify(r));
  if (!r.persist) process.exit(1);
  // The reading's PUBLISH: fixed header 2, topic "sensor/t" 2 + 8, id 2, payload "21.5" 4.
  const pub = 18;
  // Storage sees one new file (its 32-byte header) per compaction of the log, besides the log's own bytes.
  const flash = r.persist.wb + 32 * r.persist.cm;
  const per = flash / n;
  console.log(`${board}: ${n} QoS 1 readings with persist: ${r.persist.wb} bytes written by the log + ${32 * r.persist.cm} of Storage file headers = ${per.toFixed(1)} bytes a reading (${(per / pub).toFixed(2)}x the ${pub}-byte PUBLISH; target <= 2x); ${r.persist.cm} compactions of the log (${((r.persist.cm * 1000) / n).toFixed(1)} per 1,000 readings), ${r.espruinoCompactions} of Espruino's Storage`);
  console.log(`publish() per QoS 1 reading, same build (${board}), median of 5 rounds of ${n / 5}: ${r.plain.ms.toFixed(3)} ms without persist, ${r.persist.ms.toFixed(3)} ms with it (${(r.persist.ms / r.plain.ms).toFixed(1)}x); rounds ${r.plain.all.map((x) => x.toFixed(2)).join(" ")} / ${r.persist.all.map((x) => x.toFixed(2)).join(" ")}`);
  console.log(`blocks (${board}): bundle loaded from Storage ${r.load}; a client ${r.held.client} without persist, ${r.heldPersist.client} with it; readings held (broker unreachable) 20 / ${r.held.n}: +${r.held.held20} / +${r.held.heldN} in the RAM store (${r.held.queued} held, the rest refused); 20 / 60 / ${r.heldPersist.n}: +${r.heldPersist.held20} / +${r.heldPersist.held60} / +${r.heldPersist.heldN} with persist (${r.heldPersist.queued} held)`);
  console.log(`after the outage: ${r.outage.held} held in Storage, ${r.outage.left} left ${r.outage.s.toFixed(2)} s after a new client on the same Storage connected`);
  // Flash life: each compaction makes one new file of persistSize (2,048 B + 32) in Storage; Espruino
  // erases a page only when Storage is full and it compacts, which erases the pages from the first trash
  // on. So every page of the free Storage F is erased about once per F / 2,080 of the log's compactions.
  const perDay = 1440;
  const cmPerDay = (r.persist.cm / n) * perDay;
  for (const [label, free] of [["ESP8266 512 KB (Storage 4 x 4 KB, ~12 KB free)", 12288], ["ESP8266 4 MB (Storage 48 x 4 KB, ~180 KB free)", 184320]]) {
    const filesPerErase = Math.max(1, Math.floor(free / 2080));
    const erasesPerDay = cmPerDay / filesPerErase;
    console.log(`${label}: ${cmPerDay.toFixed(1)} log compactions a day at one reading a minute -> each Storage page erased ~${erasesPerDay.toFixed(2)} times a day -> 10,000 cycles last ${(10000 / erasesPerDay / 365).toFixed(0)} years (100,000: ${(100000 / erasesPerDay / 365).toFixed(0)})`);
  }
}
