// The main job (`npm start`): telemetry nodes running device/telemetry.js on the real minified bundle,
// publishing to an embedded broker (aedes) or to MQTT_URL, while an independent subscriber (MQTT.js) prints
// what it receives. The nodes run on the real Espruino interpreter when $ESPRUINO names one (see
// device/interpreter.mjs; --board esp8266|esp32|linux64, default esp8266), else in the Espruino-like
// environment of device/emulator/espruino.mjs.
//   npm start -- [--nodes N] [--lossy] [--duration S (0 = until Ctrl-C)] [--interval S] [--board B]
import { existsSync } from "node:fs";
import { execSync } from "node:child_process";
import net from "node:net";
import mqtt from "mqtt";
import { Aedes } from "aedes";
import { runDevice } from "./espruino.mjs";
import { findEspruino } from "../interpreter.mjs";
import { startInterpreterNodes } from "../interpreter-nodes.mjs";

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf("--" + name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  return v == null || v.startsWith("--") ? true : v;
};
const nodes = Number(flag("nodes", 1));
const lossy = !!flag("lossy", false);
const duration = Number(flag("duration", 30));
const interval = Number(flag("interval", 1));
const quiet = !!flag("quiet", false);
const board = String(flag("board", "esp8266"));

if (!existsSync("build/mqttiny.min.js")) {
  console.log("building the bundle first (npm run build)...");
  execSync("npm run build", { stdio: "inherit" });
}

let broker = null;
let server = null;
let url = process.env.MQTT_URL;
if (!url) {
  broker = await Aedes.createBroker();
  server = net.createServer(broker.handle);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  url = "mqtt://127.0.0.1:" + server.address().port;
  console.log(`embedded broker (aedes) on ${url}`);
} else console.log(`broker: ${url}`);
const u = new URL(url);
const host = u.hostname;
const port = Number(u.port || 1883);

// The independent subscriber: counts distinct readings per node and duplicates.
const seen = new Map();
let dups = 0;
const sub = mqtt.connect(url, { clientId: "mqttiny-watch-" + process.pid, reconnectPeriod: 1000 });
await new Promise((res, rej) => {
  sub.once("connect", res);
  sub.once("error", rej);
});
await sub.subscribeAsync("telemetry/#", { qos: 1 });
sub.on("message", (topic, payload) => {
  const text = payload.toString();
  if (topic.endsWith("/temp")) {
    const n = topic.split("/")[1];
    const s = JSON.parse(text).seq;
    if (!seen.has(n)) seen.set(n, new Set());
    if (seen.get(n).has(s)) dups++;
    seen.get(n).add(s);
  }
  if (!quiet) console.log(`subscriber <- ${topic} ${text}`);
});

// Where the nodes run: the real interpreter if $ESPRUINO names one with this board, else the emulator.
const esp = findEspruino();
const onInterpreter = !!(esp && esp.boards[board]);
if (onInterpreter) console.log(`nodes run on the real Espruino interpreter: ${esp.boards[board].bin} (${board} layout; the upload of npm run flash --save flash)`);
else console.log(`nodes run in the Espruino-like emulator (device/emulator/espruino.mjs)${esp ? `: no runnable ${board} build in ${esp.from}${esp.problems.length ? " (" + esp.problems.join("; ") + ")" : ""}` : "; set ESPRUINO to run them on the real interpreter"}`);

const devices = [];
if (onInterpreter) {
  const timeoutMs = duration ? (duration + 120) * 1000 : undefined; // a bound should this process die without stopping them
  const fleet = await startInterpreterNodes({ esp, board, nodes, host, port, interval, quiet, lossy, log: (l) => console.log(l), timeoutMs });
  for (const n of fleet.nodes) devices.push({ id: n.id, node: n });
} else
  for (let i = 1; i <= nodes; i++) {
    const id = "node" + i;
    const config = { ssid: "emulated", wifiPassword: "", host, port, id, topic: "telemetry", interval, keepalive: 10, verbose: !quiet };
    const dev = runDevice({
      config,
      link: { lossy, seed: i, log: (m) => console.log(`[${id}] ${m}`) },
      log: (line) => (!quiet || /connected|offline|error|dropped|mqtt/.test(line)) && console.log(line),
    });
    // The same few operations as an interpreter node, so finish() treats both alike.
    const c = dev.context;
    const node = {
      id,
      state: async () => ({ seq: c.seq, queued: c.client ? c.client.queued() : 0, attempts: c.client ? c.client.attempts : 0 }),
      stopReadings: () => c.clearInterval(c.readTimer),
      stop: async () => {
        if (c.client) c.client.end();
        dev.stop();
      },
    };
    devices.push({ id, node });
  }
console.log(`${nodes} node(s) publishing a QoS 1 reading every ${interval} s${lossy ? " over a lossy link (drops every 2-8 s" + (onInterpreter ? ")" : ", random fragmentation)") : ""}; ${duration ? duration + " s" : "Ctrl-C to stop"}`);

let finishing = false;
async function finish() {
  if (finishing) return;
  finishing = true;
  // Stop new readings, let every held QoS 1 reading reach the broker, then compare.
  for (const d of devices) d.node.stopReadings();
  const t0 = Date.now();
  let states = await Promise.all(devices.map((d) => d.node.state()));
  while (Date.now() - t0 < 20000 && states.some((s) => s && s.queued > 0)) {
    await new Promise((r) => setTimeout(r, 200));
    states = await Promise.all(devices.map((d) => d.node.state()));
  }
  await new Promise((r) => setTimeout(r, 500));
  let sent = 0;
  let got = 0;
  devices.forEach((d, i) => {
    const st = states[i] || { seq: 0, queued: 0, attempts: 0 };
    const n = st.seq;
    const s = seen.get(d.id) || new Set();
    const lost = n - [...s].filter((x) => x <= n).length;
    sent += n;
    got += s.size;
    console.log(`${d.id}: ${n} readings published, ${s.size} received, ${lost} lost, ${st.attempts} connect(s), ${st.queued} still held`);
  });
  console.log(`total: ${sent} QoS 1 readings, ${got} received by the subscriber, ${sent - got} lost, ${dups} duplicate deliveries`);
  await Promise.all(devices.map((d) => d.node.stop()));
  sub.end(true);
  if (server) server.close();
  if (broker) broker.close();
  setTimeout(() => process.exit(sent == got ? 0 : 1), 200).unref();
}

if (duration) setTimeout(finish, duration * 1000);
process.on("SIGINT", finish);
