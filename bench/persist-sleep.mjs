// The deep-sleep telemetry mode on the real interpreter (issue 31), over MQTT and over MQTT-SN:
// device/telemetry-sleep.js with the persist bundle against mosquitto, or device/telemetry-sleep-sn.js
// with the MQTT-SN persist bundle through the real Paho MQTT-SN gateway (what npm run flash uploads for a
// config with "sleep", and "protocol": "sn"), a stub Wifi module, on the ESP8266 layout. Each wake is a
// new interpreter process on the same ./espruino.flash (the program ends with quit() where a board would
// deep sleep): it takes a reading, connects, sends what is held and the new reading, and sleeps once all
// are acknowledged or at the deadline. The broker (MQTT) or the gateway (MQTT-SN) is down for a few wakes
// in the middle: those readings are held in Storage and go out at the next wakes. Prints the radio-on
// time (joining Wi-Fi to the last PUBACK, the device's own "awake" line) per wake and per reading, and the
// packets (MQTT, from mosquitto's log) or datagrams (MQTT-SN, through a UDP relay) each wake sent and got;
// checks at a subscriber that every reading arrived.
//   node bench/persist-sleep.mjs [WAKES=20] [BOARD=esp8266] [mqtt|sn|sn-predefined|both]   (needs ESPRUINO, mosquitto; MQTTSN_GATEWAY for sn)
import { mkdtempSync, readFileSync, rmSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { findEspruino, runEspruino } from "../device/interpreter.mjs";
import dgram from "node:dgram";
import net from "node:net";
import { broker } from "./persist-kill.mjs";
import { startGateway, findGateway } from "../device/sn-gateway.mjs";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const WIFI = "exports.connect=function(s,o,cb){setTimeout(function(){cb(null);},10);};";

/** A launcher: the bundle, the program (CONFIG + telemetry.js) and the Wifi stub into Storage once, then the program from there. */
function launcher(bundle, prog) {
  const put = (name, file) => `if (S.read(${JSON.stringify(name)}) === undefined) { f = E.openFile(${JSON.stringify(file)}, "r"); o = 0; while ((d = f.read(1024))) { S.write(${JSON.stringify(name)}, d, o, ${readFileSync(file).length}); o += d.length; } f.close(); }\n`;
  return `var S = require("Storage"), f, o, d;\nif (S.read("Wifi") === undefined) S.write("Wifi", ${JSON.stringify(WIFI)});\n${put("mqttiny", bundle)}${put("prog", prog)}S = f = o = d = undefined;\neval(require("Storage").read("prog"));\n`;
}

/** A UDP relay on loopback in front of `to`: counts the datagrams each way (reset per wake by the caller). */
async function relay(to) {
  const dev = dgram.createSocket("udp4");
  const gw = dgram.createSocket("udp4");
  await Promise.all([dev, gw].map((s) => new Promise((r) => s.bind(0, "127.0.0.1", r))));
  const x = { port: dev.address().port, up: [], down: [], bytes: 0, close: () => (dev.close(), gw.close()) };
  let from = null;
  dev.on("message", (d, ri) => {
    from = ri;
    x.up.push(d[0] == 1 ? d[3] : d[1]);
    x.bytes += d.length;
    gw.send(d, to, "127.0.0.1");
  });
  gw.on("message", (d) => {
    x.down.push(d[0] == 1 ? d[3] : d[1]);
    x.bytes += d.length;
    if (from) dev.send(d, from.port, from.address);
  });
  return x;
}

/** A TCP relay on loopback in front of `to`: counts the bytes both ways (MQTT's, without TCP's own). */
async function tcpRelay(to) {
  const x = { port: 0, bytes: 0, close: () => srv.close() };
  const srv = net.createServer((a) => {
    const b = net.connect(to, "127.0.0.1");
    a.on("data", (d) => ((x.bytes += d.length), b.write(d)));
    b.on("data", (d) => ((x.bytes += d.length), a.write(d)));
    a.on("error", () => b.destroy());
    b.on("error", () => a.destroy());
    a.on("close", () => b.end());
    b.on("close", () => a.end());
  });
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  x.port = srv.address().port;
  return x;
}

const SN_NAMES = { 4: "CONNECT", 5: "CONNACK", 10: "REGISTER", 11: "REGACK", 12: "PUBLISH", 13: "PUBACK", 24: "DISCONNECT", 22: "PINGREQ", 23: "PINGRESP" };

/**
 * `wakes` wakes of the sleep program on `board`: over MQTT (`sn` false), or over MQTT-SN (`sn` true; with
 * `topicId`, the topic is predefined at the gateway and no wake registers it). The broker or gateway is
 * down for wakes [down[0], down[1]).
 */
export async function sleepRuns({ wakes = 20, board = "esp8266", down = [8, 11], sn = false, topicId = 0 } = {}) {
  const esp = findEspruino();
  if (!esp || !esp.boards[board]) throw new Error("no Espruino build for " + board + " (set ESPRUINO)");
  const dir = mkdtempSync(join(tmpdir(), "persist-sleep-"));
  for (const d of ["b", "d"]) mkdirSync(join(dir, d));
  const b = await broker(join(dir, "b"));
  let gwBin = null;
  if (sn) {
    const f = findGateway();
    if (f.problem) throw new Error(f.problem);
    gwBin = f.bin;
  }
  const pre = topicId ? [{ client: "*", topic: "tele/sleeper/temp", id: topicId }] : [];
  let g = sn ? await startGateway({ bin: gwBin, brokerPort: b.port, predefined: pre }) : null;
  const gport = g ? g.port : 0;
  const rl = sn ? await relay(gport) : await tcpRelay(b.port);
  // The link that goes down for a while: the broker (MQTT) or the gateway (MQTT-SN).
  const link = sn
    ? { up: true, stop: async () => (await g.stop(), (link.up = false)), start: async () => ((g = await startGateway({ bin: gwBin, brokerPort: b.port, port: gport, predefined: pre })), (link.up = true)) }
    : { get up() { return b.up; }, stop: () => b.stop(), start: () => b.start() };
  const got = new Map();
  const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { clientId: "sleep-sub", clean: false, reconnectPeriod: 100 });
  sub.on("message", (t, p) => {
    const j = JSON.parse(p.toString());
    got.set(j.seq, (got.get(j.seq) || 0) + 1);
  });
  await sub.subscribeAsync("tele/sleeper/temp", { qos: 1 });
  const bundle = join(dir, "mqttiny.js");
  copyFileSync(join(root, sn ? "build/mqttiny-sn-persist.min.js" : "build/mqttiny-persist.min.js"), bundle);
  const prog = join(dir, "prog.js");
  const config = { ssid: "test", wifiPassword: "", host: "127.0.0.1", port: rl.port, id: "sleeper", topic: "tele", keepalive: 30, sleep: 1, deadline: 2, persist: "tele", retry: 500, ...(topicId ? { topicId } : {}) };
  const { writeFileSync } = await import("node:fs");
  writeFileSync(prog, "var CONFIG = " + JSON.stringify(config) + ";\n" + readFileSync(join(root, sn ? "device/telemetry-sleep-sn.js" : "device/telemetry-sleep.js"), "latin1"));
  const rows = [];
  const errors = [];
  try {
    for (let w = 0; w < wakes; w++) {
      if (w == down[0]) await link.stop();
      if (w == down[1]) await link.start();
      const log0 = b.log().length;
      const before = got.size;
      rl.up = [];
      rl.down = [];
      rl.bytes = 0;
      const h = runEspruino({ esp, board, code: launcher(bundle, prog), cwd: join(dir, "d"), timeoutMs: 30000 });
      const r = await h.done;
      const line = h.lines.find((l) => l.includes("awake: radio on"));
      for (const l of h.lines) if (/Uncaught|OUT OF MEMORY/.test(l)) errors.push(`wake ${w}: ${l}`);
      const m = line && /radio on (\d+) ms, ([a-z ]+), (\d+) held/.exec(line);
      await sleep(100);
      // What the wake sent and got: MQTT packets from mosquitto's log, MQTT-SN datagrams at the relay.
      let up, dn;
      if (sn) {
        up = rl.up.map((t) => SN_NAMES[t] || t);
        dn = rl.down.map((t) => SN_NAMES[t] || t);
      } else {
        const lg = b.log().slice(log0);
        up = [...lg.matchAll(/Received (\w+) from sleeper|New client connected from \S+ as sleeper/g)].map((x) => x[1] || "CONNECT");
        dn = [...lg.matchAll(/Sending (\w+) to sleeper/g)].map((x) => x[1]);
      }
      rows.push({ wake: w, up: link.up, ms: m ? +m[1] : null, why: m ? m[2] : "no awake line: " + r.output.slice(-200), held: m ? +m[3] : null, sent: up, got: dn, bytes: rl.bytes, delivered: got.size - before });
    }
    if (!link.up) await link.start();
    const end = Date.now() + 10000;
    while (got.size < wakes && Date.now() < end) await sleep(100);
  } finally {
    await sub.endAsync(true).catch(() => {});
    rl.close();
    if (g) await g.stop();
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const seqs = [...got.keys()].sort((a, b) => a - b);
  return { rows, errors, arrived: seqs, lost: Array.from({ length: wakes }, (_, i) => i).filter((s) => !got.has(s)) };
}

// No top-level await: a test may import this file through a CommonJS loader.
if (process.argv[1] && resolve(process.argv[1]) == fileURLToPath(import.meta.url)) main();

/** One line per mode: radio on per wake and per reading, packets or datagrams per wake. */
export function summary(name, st, wakes) {
  const up = st.rows.filter((r) => r.why == "all acknowledged");
  const ms = up.map((r) => r.ms).sort((a, b) => a - b);
  const total = st.rows.reduce((a, r) => a + (r.ms || 0), 0);
  // A plain wake: the link up, one reading, nothing held before.
  const plain = st.rows.filter((r) => r.why == "all acknowledged" && r.wake > 0 && r.wake < (st.down || [8])[0]);
  const per = plain.length ? plain[plain.length - 1] : null;
  const rd = up.reduce((a, r) => a + r.ms, 0) / Math.max(1, up.reduce((a, r) => a + Math.max(1, r.delivered), 0));
  return `${name}: ${st.arrived.length} of ${wakes} readings arrived (lost: ${JSON.stringify(st.lost)}); radio on per wake with all acknowledged: median ${ms[ms.length >> 1]} ms (${ms[0]}-${ms[ms.length - 1]}), ${rd.toFixed(0)} ms a reading delivered; over all wakes ${(total / wakes).toFixed(0)} ms a wake (deadline 2 s while the link was down); a plain wake: ${per ? per.sent.length + " sent (" + per.sent.join(" ") + "), " + per.got.length + " got (" + per.got.join(" ") + "), " + per.bytes + " bytes" : "none"}; errors: ${st.errors.length}`;
}

async function main() {
  const wakes = +(process.argv[2] || 20);
  const board = process.argv[3] || "esp8266";
  const mode = process.argv[4] || "both";
  const modes = mode == "both" ? ["mqtt", "sn", "sn-predefined"] : [mode];
  let bad = 0;
  const lines = [];
  for (const md of modes) {
    const st = await sleepRuns({ wakes, board, sn: md != "mqtt", topicId: md == "sn-predefined" ? 7 : 0 });
    for (const r of st.rows) console.log(`${md} wake ${r.wake}: link ${r.up ? "up" : "down"}, radio on ${r.ms} ms, ${r.why}, ${r.held} held after, ${r.delivered} delivered, ${r.bytes} bytes; sent ${r.sent.join(" ")}; got ${r.got.join(" ")}`);
    lines.push(summary(`${board} ${md}`, st, wakes));
    bad += st.lost.length + st.errors.length;
  }
  console.log(new Date().toISOString());
  for (const l of lines) console.log(l);
  process.exit(bad ? 1 : 0);
}
