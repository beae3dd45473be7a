// `npm run flash -- --emulate`: the board is the real Espruino interpreter (a Linux build with the board's
// memory layout, device/interpreter.mjs) and the serial port is the interpreter's telnet console, so the
// espruino CLI uploads to it exactly as it flashes a board (its module handling, Save on Send, reset()).
// What the desktop adds, written into the interpreter's Storage before the upload:
//   Wifi       a stub module: the Linux builds have no Wifi, and the programs begin with Wifi.connect();
//   .bootrst   a timer that does nothing: Linux Espruino exits when no timer is left, and the CLI's
//              reset() before an upload clears every timer (Storage keeps .bootrst, which reset() runs).
// The console's port is fixed by the build (2323, on all interfaces): one emulated board at a time.
import net from "node:net";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { findEspruino, runEspruino } from "./interpreter.mjs";
import { startPlainMosquitto, mosquittoBin } from "./sn-gateway.mjs";

export const TELNET_PORT = 2323;

const WIFI = [
  'var ip={ip:"127.0.0.1",netmask:"255.0.0.0",gw:"127.0.0.1",mac:"02:00:00:00:00:01"};',
  'exports.connect=function(s,o,cb){setTimeout(function(){if(cb)cb(null);exports.emit("connected",ip);},50);};',
  "exports.disconnect=function(cb){if(cb)setTimeout(cb,0);};",
  "exports.getIP=function(cb){if(cb)cb(null,ip);return ip;};",
  "exports.setHostname=exports.stopAP=exports.save=function(){};",
].join("");
const BOOT = [
  `require("Storage").write("Wifi",${JSON.stringify(WIFI)});`,
  'require("Storage").write(".bootrst","setInterval(function(){},60000);");',
  "setInterval(function(){},60000);",
].join("\n");

/** The interpreter builds: $ESPRUINO, else ../shared/espruino beside the repository. { esp } or { problem }. */
export function emulatorBuilds(root, spec = process.env.ESPRUINO) {
  const dflt = resolve(root, "..", "shared", "espruino");
  const esp = findEspruino(spec || dflt);
  if (!esp || (esp.problems.length && !Object.keys(esp.boards).length)) {
    const why = !spec && !existsSync(dflt) ? `no ESPRUINO, and the default ${dflt} does not exist` : esp.problems.join("; ");
    return { problem: `no Espruino interpreter: ${why}; set ESPRUINO to a folder of Linux builds (device/build-espruino.sh makes them from Espruino's source)` };
  }
  return { esp };
}

const portOpen = (port) =>
  new Promise((r) => {
    const c = net.connect({ host: "127.0.0.1", port }, () => (c.destroy(), r(true)));
    c.on("error", () => r(false));
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A broker for the emulated board: MQTT_URL's, else a mosquitto started on a free loopback port. */
export async function emulatorBroker(url = process.env.MQTT_URL) {
  if (url) {
    let u;
    try {
      u = new URL(url);
    } catch {
      throw new Error(`MQTT_URL ${url} is not a URL: use mqtt://[user:password@]host[:port]`);
    }
    if (u.protocol != "mqtt:") throw new Error(`MQTT_URL: only mqtt:// (plain TCP) is supported with --emulate`);
    const shown = u.password ? url.replace(/:[^:@/]*@/, ":***@") : url;
    return { url, shown, host: u.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(u.port || 1883), username: u.username ? decodeURIComponent(u.username) : undefined, password: u.password ? decodeURIComponent(u.password) : undefined, stop: async () => {}, kill: () => {} };
  }
  if (!mosquittoBin()) throw new Error("mosquitto is not installed (Debian package mosquitto): --emulate starts one on loopback, or set MQTT_URL to a broker");
  const m = await startPlainMosquitto();
  const u = "mqtt://127.0.0.1:" + m.port;
  return { url: u, shown: u, host: "127.0.0.1", port: m.port, stop: m.stop, kill: m.kill, started: true };
}

/** A subscriber to every topic on the broker: onMessage(topic, text) for each message. Resolves { end() }. */
export async function watchBroker(broker, onMessage) {
  const { default: mqtt } = await import("mqtt");
  const c = mqtt.connect(broker.url, { clientId: "mqttiny-emulate-" + process.pid, reconnectPeriod: 1000, connectTimeout: 5000 });
  const why = await new Promise((res) => {
    const t = setTimeout(() => res("no answer within 6 s"), 6000);
    c.once("connect", () => (clearTimeout(t), res(null)));
    c.once("error", (e) => (clearTimeout(t), res(e.message)));
  });
  if (why) {
    c.end(true);
    throw new Error(`cannot use the broker at ${broker.shown}: ${why}`);
  }
  c.on("message", (topic, payload) => onMessage(topic, payload.toString("latin1")));
  await c.subscribeAsync("#", { qos: 1 });
  return { end: () => c.end(true) };
}

/** True for a line in which the interpreter reports that the program failed. */
export const boardError = (line) => /^Uncaught |^ERROR|Module \S+ not found|OUT OF MEMORY/.test(line);

/**
 * Starts the interpreter for `board` (esp8266 | esp32 | linux64) with its console on TCP, the stubs in
 * its Storage. Resolves when the console accepts connections: { port, done, kill(), lines, cwd }.
 * onLine gets the interpreter's own output (what the program prints once the CLI has disconnected).
 */
export async function startEmulatedBoard({ esp, board, onLine, timeoutMs }) {
  if (await portOpen(TELNET_PORT)) throw new Error(`port ${TELNET_PORT} on 127.0.0.1 is in use: the interpreter's console has that fixed port, so one emulated board runs at a time (is another --emulate running?)`);
  const cwd = mkdtempSync(join(tmpdir(), "mqttiny-emulate-"));
  // The console says where it goes ("-> Telnet" while the CLI is connected, "<- Telnet" after).
  const h = runEspruino({ esp, board, code: BOOT, args: ["--telnet"], cwd, timeoutMs, onLine: cleanLines(onLine) });
  let exited = false;
  h.done.then(() => ((exited = true), rmSync(cwd, { recursive: true, force: true })));
  const end = Date.now() + 30000;
  while (!(await portOpen(TELNET_PORT))) {
    if (exited || Date.now() > end) {
      h.kill();
      const r = await h.done;
      throw new Error(`the ${board} interpreter's console did not open on port ${TELNET_PORT}${r.output ? ": " + r.output.slice(-300) : ""}`);
    }
    await sleep(100);
  }
  return { port: TELNET_PORT, done: h.done, kill: h.kill, lines: h.lines, cwd };
}

/** A line handler that drops the banner reset() prints, prompts and blank lines, then calls `f`. */
export function cleanLines(f) {
  let banner = false;
  return (raw) => {
    const l = raw.replace(/\r/g, "").replace(/\x1b\[J/g, "").replace(/^>+/, "");
    if (/^ ?____ {4,}/.test(l)) banner = true;
    if (banner) {
      if (/espruino\.com\/Donate/.test(l)) banner = false;
      return;
    }
    if (l.trim() && !/^(<-|->) Telnet$/.test(l.trim())) f(l);
  };
}
