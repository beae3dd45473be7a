// `npm start` on the real Espruino interpreter: each telemetry node is one interpreter process (the board
// layout from --board, default esp8266) that gets exactly what `npm run flash -- --save flash` would send to
// a board, typed into its console, after a stub Wifi module in Storage (its connect calls back with null).
// The console stays open, as a board's serial port does: finish() types into it to stop the readings and to
// read the program's own counters.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";
import dgram from "node:dgram";
import { runEspruino } from "./interpreter.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const WIFI = 'require("Storage").write("Wifi", "exports.connect=function(s,o,cb){setTimeout(function(){cb(null);},50);};");';

/** The upload npm run flash writes for `config`, with the Wifi stub in front. */
export function flashUpload(config, board) {
  const dir = mkdtempSync(join(tmpdir(), "mqttiny-node-"));
  try {
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    const up = join(dir, "upload.js");
    const flashBoard = board == "esp8266" ? "ESP8266" : "ESP32";
    execFileSync(process.execPath, [join(root, "device/flash.mjs"), "--out", up, "--board", flashBoard, "--save", "flash", "--config", join(dir, "config.json")], { cwd: root, stdio: "pipe" });
    return WIFI + "\n" + readFileSync(up, "latin1");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A loopback proxy that resets every link after a random 2-8 s (--lossy): the flaky Wi-Fi. */
async function lossyProxy(host, port, log) {
  const server = net.createServer((a) => {
    const b = net.connect({ host, port });
    a.pipe(b);
    b.pipe(a);
    const t = setTimeout(() => {
      log("link dropped");
      a.resetAndDestroy();
      b.resetAndDestroy();
    }, 2000 + Math.random() * 6000);
    const end = () => (clearTimeout(t), a.destroy(), b.destroy());
    a.on("error", end).on("close", end);
    b.on("error", end).on("close", end);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { port: server.address().port, close: () => server.close() };
}

/** A loopback UDP relay that loses one datagram in 10 each way (--lossy with --sn): the flaky radio. */
async function lossyUdpRelay(host, port, log) {
  const front = dgram.createSocket("udp4");
  const back = dgram.createSocket("udp4");
  let node = null;
  let lost = 0;
  const drop = () => {
    if (Math.random() >= 0.1) return false;
    if (++lost % 10 == 1) log(`datagram lost (${lost} so far)`);
    return true;
  };
  front.on("message", (m, r) => {
    node = r;
    if (!drop()) back.send(m, port, host);
  });
  back.on("message", (m) => node && !drop() && front.send(m, node.port, node.address));
  await new Promise((r) => front.bind(0, "127.0.0.1", r));
  await new Promise((r) => back.bind(0, "127.0.0.1", r));
  return { port: front.address().port, close: () => (front.close(), back.close()) };
}

/**
 * Starts `nodes` interpreter processes. Options: { esp, board, nodes, host, port, username, password, interval, quiet, lossy, log(line),
 * timeoutMs (each process is killed after it, should this process die without stopping them), extra(id) (more
 * config for the node, e.g. { protocol: "sn", predefined }), udp (host:port is an MQTT-SN gateway: --lossy loses datagrams) }.
 * Returns { nodes: [{ id, state() -> Promise<{seq, queued, attempts}>, stopReadings(), stop() }] }.
 */
export async function startInterpreterNodes({ esp, board = "esp8266", nodes = 1, host, port, username, password, interval = 1, quiet = false, lossy = false, log = console.log, timeoutMs = 24 * 3600 * 1000, extra = () => ({}), udp = false }) {
  const out = [];
  for (let i = 1; i <= nodes; i++) {
    const id = "node" + i;
    const proxy = lossy ? await (udp ? lossyUdpRelay : lossyProxy)(host, port, (m) => log(`[${id}] ${m}`)) : null;
    const config = { ssid: "interpreter", wifiPassword: "", host: proxy ? "127.0.0.1" : host, port: proxy ? proxy.port : port, username, password, id, topic: "telemetry", interval, keepalive: 10, verbose: !quiet, ...extra(id) };
    const waiting = [];
    const h = runEspruino({
      esp,
      board,
      upload: flashUpload(config, board),
      timeoutMs,
      onLine: (line) => {
        if (line.startsWith("@state ")) {
          const w = waiting.shift();
          if (w) w(JSON.parse(line.slice(7)));
          return;
        }
        if (!line.trim()) return;
        if (!quiet || /connected|offline|error|dropped|mqtt|Uncaught|MEMORY/.test(line)) log(line.startsWith("[") ? line : `[${id}] ${line}`);
      },
    });
    const ask = () =>
      new Promise((res) => {
        waiting.push(res);
        h.send('\x10print("@state " + JSON.stringify({ seq: seq, queued: client ? client.queued() : 0, attempts: client ? client.attempts : 0 }))\n');
        setTimeout(() => res(null), 5000);
      });
    out.push({
      id,
      state: ask,
      stopReadings: () => h.send("\x10clearInterval(readTimer);\n"),
      stop: async () => {
        // The program's own clean stop: a retained "offline" status, then DISCONNECT.
        h.send("\x10stopMqtt();\n");
        await new Promise((r) => setTimeout(r, 300));
        h.kill();
        await h.done;
        if (proxy) proxy.close();
      },
    });
  }
  return { nodes: out };
}
