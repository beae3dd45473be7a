// The main job (`npm start`): telemetry nodes running device/telemetry.js on the real minified bundle,
// publishing to an embedded broker (aedes) or to MQTT_URL, while an independent subscriber (MQTT.js)
// prints what it receives. The nodes run on the real Espruino interpreter when $ESPRUINO names one
// (device/interpreter.mjs), else in the Espruino-like environment of device/emulator/espruino.mjs.
// With --sn the nodes speak MQTT-SN over UDP (build/mqttiny-sn.min.js) to the Eclipse Paho MQTT-SN gateway
// ($MQTTSN_GATEWAY, default ../shared/mqttsn-gateway beside the repository), which bridges to a mosquitto
// started here (or to MQTT_URL); see device/sn-gateway.mjs.
//   npm start -- [--nodes N] [--lossy] [--duration S (0 = until Ctrl-C)] [--interval S] [--drain S] [--board B] [--sn] [--cluster N [--kill-broker]] [--quiet] [--help]
import { existsSync, readFileSync } from "node:fs";
import { execSync } from "node:child_process";
import net from "node:net";
import mqtt from "mqtt";
import { Aedes } from "aedes";
import { runDevice } from "./espruino.mjs";
import { findEspruino, BOARDS } from "../interpreter.mjs";
import { startInterpreterNodes } from "../interpreter-nodes.mjs";
import { findGateway, mosquittoBin, startPlainMosquitto, startGateway } from "../sn-gateway.mjs";
import { fleetCluster } from "./cluster.mjs";

const USAGE = `usage: npm start -- [flags]        (MQTT_URL=mqtt://[user:password@]host[:port] to use your broker)

  --nodes N       telemetry nodes to run (default 1)
  --lossy         the link drops every 2-8 s and data arrives split at random
  --interval S    seconds between readings (default 1)
  --duration S    seconds to run (default 30; 0 = until Ctrl-C)
  --drain S       at the end, seconds to wait for readings still held by the nodes (default 20)
  --quiet         print only connects, drops, errors and the summary
  --sn            MQTT-SN over UDP: the nodes publish through the Eclipse Paho MQTT-SN gateway
                  (MQTTSN_GATEWAY=/path/to/MQTT-SNGateway or its folder; default ../shared/mqttsn-gateway
                  beside the repository) to a mosquitto started here (or MQTT_URL's broker); each node's
                  temp topic has a predefined topic id, status and mem are registered; with --lossy one
                  datagram in 10 is lost each way
  --cluster N     a broker cluster on loopback: redis-server and N aedes nodes sharing state through it
                  (device/emulator/cluster.mjs); each node gets all N as servers, in its own order
  --kill-broker   with --cluster: kill the last broker node (SIGKILL) at a quarter of the run, restart it
                  up to 20 s later; the summary says how many nodes moved and how long they took
  --board B       with ESPRUINO set (a Linux Espruino build, see README): the layout the nodes run on,
                  esp8266 (default), esp32 or linux64; without it the nodes run in the emulator.
                  An ESPRUINO that names no runnable build of that layout is an error (exit 1)
  --help          this text

Exit status: 0 when the subscriber received every reading, 1 when any was lost or the broker could
not be used, 2 for a bad flag.`;

// One line and exit: no stack trace for what a user can fix.
function fail(msg, code = 1) {
  console.error(msg);
  process.exit(code);
}

const FLAGS = { nodes: "count", lossy: "bool", interval: "seconds", duration: "seconds0", drain: "seconds0", quiet: "bool", help: "bool", board: "board", sn: "bool", cluster: "count", "kill-broker": "bool" };
const opts = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
  const kind = m && Object.hasOwn(FLAGS, m[1]) ? FLAGS[m[1]] : null;
  if (!kind) fail(`unknown ${argv[i].startsWith("-") ? "flag" : "argument"} ${argv[i]} (npm start -- --help lists the flags)`, 2);
  if (kind == "bool") {
    if (m[2] != null) fail(`--${m[1]} takes no value`, 2);
    opts[m[1]] = true;
    continue;
  }
  const v = m[2] != null ? m[2] : argv[++i];
  if (kind == "board") {
    if (!BOARDS.includes(v)) fail(`--board ${v == null ? "needs a value" : v}: one of ${BOARDS.join(", ")}`, 2);
    opts.board = v;
    continue;
  }
  const n = v == null || v.trim() === "" ? NaN : Number(v);
  const ok = kind == "count" ? Number.isInteger(n) && n >= 1 && n <= 1000 : kind == "seconds" ? n > 0 && n < 1e6 : n >= 0 && n < 1e6;
  if (!ok) fail(`--${m[1]} ${v == null ? "needs a value" : v}: ${kind == "count" ? "a whole number from 1 to 1000" : kind == "seconds" ? "seconds, more than 0" : "seconds, 0 or more"}`, 2);
  opts[m[1]] = n;
}
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
const nodes = opts.nodes ?? 1;
const lossy = !!opts.lossy;
const duration = opts.duration ?? 30;
const interval = opts.interval ?? 1;
const drain = opts.drain ?? 20;
const quiet = !!opts.quiet;
const board = opts.board ?? "esp8266";
const sn = !!opts.sn;
if (opts["kill-broker"] && !(opts.cluster >= 2)) fail("--kill-broker needs --cluster N with N of 2 or more", 2);
if (opts.cluster && (sn || process.env.MQTT_URL)) fail(`--cluster starts its own brokers: not with ${sn ? "--sn" : "MQTT_URL"}`, 2);

// The URL as printed: the password masked.
function shown(u) {
  if (!u.password) return u.href;
  const c = new URL(u.href);
  c.password = "***";
  return c.href.replace("%2A%2A%2A", "***");
}

// Where the nodes run: the real interpreter if $ESPRUINO is set, else the emulator. A set ESPRUINO that
// cannot run the board is an error, never a quiet fallback: a check that asked for the interpreter
// would otherwise pass without it.
const esp = findEspruino();
const onInterpreter = !!esp;
const have = esp ? Object.keys(esp.boards) : [];
if (esp && !esp.boards[board])
  fail(`${esp.problems.length && !have.length ? esp.problems.join("; ") : `ESPRUINO=${process.env.ESPRUINO} has no runnable ${board} build${have.length ? ` (it has ${have.join(", ")}: --board ${have[0]})` : ""}${esp.problems.length ? " (" + esp.problems.join("; ") + ")" : ""}`}; set ESPRUINO to a folder of Espruino's Linux builds (device/build-espruino.sh makes them), or unset it to run the nodes in the emulator`);

// The build device/config.json chooses ("build"), else lite for an ESP8266 (issue 29), as npm run flash.
let chosen = null;
try {
  chosen = JSON.parse(readFileSync("device/config.json", "utf8")).build || null;
} catch {}
// A cluster's nodes get `servers`, which the lite build leaves out: they run the full build.
const build = sn || opts.cluster ? "full" : chosen || (board == "esp8266" ? "lite" : "full");
if (build != "full" && build != "lite") fail(`device/config.json: "build" is "lite" or "full", not ${JSON.stringify(build)}`);
const BUNDLE = sn ? "build/mqttiny-sn.min.js" : build == "lite" ? "build/mqttiny-lite.min.js" : "build/mqttiny.min.js";
// MQTT-SN needs the gateway and a broker for it: say which is missing before anything starts.
let gatewayBin = null;
if (sn) {
  const g = findGateway();
  if (g.problem) fail(`--sn: ${g.problem}; set MQTTSN_GATEWAY to the MQTT-SNGateway binary or its folder (README "MQTT-SN over UDP")`);
  gatewayBin = g.bin;
  if (!process.env.MQTT_URL && !mosquittoBin()) fail("--sn: mosquitto is not installed (Debian package mosquitto): the MQTT-SN gateway needs an MQTT broker to bridge to (or set MQTT_URL)");
}

if (!existsSync(BUNDLE)) {
  console.log("building the bundle first (npm run build)...");
  execSync("npm run build", { stdio: "inherit" });
}

let broker = null;
let server = null;
let mosq = null;
let gateway = null;
let url = process.env.MQTT_URL;
let u;
const cluster = opts.cluster ? await fleetCluster({ nodes: opts.cluster, fleet: nodes, duration, killBroker: opts["kill-broker"] }).catch((e) => fail(`--cluster: ${e.message}`)) : null;
if (cluster) {
  url = cluster.url;
  u = new URL(url);
  console.log(cluster.describe());
} else if (!url && sn) {
  mosq = await startPlainMosquitto();
  url = "mqtt://127.0.0.1:" + mosq.port;
  u = new URL(url);
  console.log(`mosquitto on ${url}`);
} else if (!url) {
  broker = await Aedes.createBroker();
  server = net.createServer(broker.handle);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  url = "mqtt://127.0.0.1:" + server.address().port;
  u = new URL(url);
  console.log(`embedded broker (aedes) on ${url}`);
} else {
  try {
    u = new URL(url);
  } catch {
    fail(`MQTT_URL ${url} is not a URL: use mqtt://[user:password@]host[:port]`);
  }
  if (u.protocol != "mqtt:") fail(`MQTT_URL ${shown(u)}: only mqtt:// (plain TCP) is supported here`);
  console.log(`broker: ${shown(u)}`);
}
const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
const port = Number(u.port || 1883);
// Credentials in the URL go to the nodes as well as to the subscriber.
const username = u.username ? decodeURIComponent(u.username) : undefined;
const password = u.password ? decodeURIComponent(u.password) : undefined;
// A process that ends by fail() or Ctrl-C takes the mosquitto and the gateway it started with it.
process.on("exit", () => {
  if (gateway) gateway.kill();
  if (mosq) mosq.kill();
});

// The independent subscriber: counts distinct readings per node and duplicates. If it cannot connect,
// nothing the nodes do can be checked: say why in one line and stop.
let summarized = false; // after the summary nothing more is printed: it is the last word
const seen = new Map();
const statuses = new Map();
let dups = 0;
const sub = mqtt.connect(url, { clientId: "mqttiny-watch-" + process.pid, reconnectPeriod: 1000, connectTimeout: 5000 });
const why = await new Promise((res) => {
  const timer = setTimeout(() => res("no answer within 6 s"), 6000);
  sub.once("connect", () => (clearTimeout(timer), res(null)));
  sub.once("error", (e) => (clearTimeout(timer), res(e)));
});
if (why) {
  sub.end(true);
  const code = why.code;
  if (code === 4 || code === 5 || code === 135 || code === 134)
    fail(`the broker at ${shown(u)} refused the connection: ${why.message.replace(/^Connection refused: /i, "").toLowerCase()}${username ? " (check the user name and password in MQTT_URL)" : `; it wants a user name and password: MQTT_URL=mqtt://user:password@host:port${sn ? " (with --sn the gateway logs in with them)" : ""}`}`);
  fail(`cannot reach the broker at ${shown(u)}: ${typeof why == "string" ? why : why.message}`);
}
sub.on("error", (e) => console.log(`subscriber: ${e.message}`));
// Each node's temp topic is predefined in the gateway (the same id on every node, the node's own line);
// status and mem are registered by the client at run time.
const SN_TEMP_ID = 1;
if (sn) {
  const predefined = [];
  for (let i = 1; i <= nodes; i++) predefined.push({ client: "node" + i, topic: `telemetry/node${i}/temp`, id: SN_TEMP_ID });
  try {
    // MQTT-SN has no credentials: the gateway logs in to the broker with MQTT_URL's, for every node.
    gateway = await startGateway({ bin: gatewayBin, brokerHost: host, brokerPort: port, predefined, username, password });
  } catch (e) {
    fail(`--sn: ${e.message.split("\n")[0]}`);
  }
  console.log(`MQTT-SN gateway ${gatewayBin} on udp://127.0.0.1:${gateway.port}, bridging to ${shown(u)}`);
}
// What a node connects to, and the settings telemetry.js reads for MQTT-SN.
const nodeHost = sn ? "127.0.0.1" : host;
const nodePort = sn ? gateway.port : port;
// retry: a lost datagram is sent again after 1 s (the client's default, 10 s, is for real radios).
const snConfig = (id) => (sn ? { protocol: "sn", predefined: { [`telemetry/${id}/temp`]: SN_TEMP_ID }, retry: 1000 } : cluster ? { build, ...cluster.config(+id.slice(4)) } : { build });
await sub.subscribeAsync("telemetry/#", { qos: 1 });
sub.on("message", (topic, payload) => {
  const text = payload.toString();
  if (topic.endsWith("/status")) statuses.set(topic.split("/")[1], text);
  if (topic.endsWith("/temp")) {
    const n = topic.split("/")[1];
    const s = JSON.parse(text).seq;
    if (!seen.has(n)) seen.set(n, new Set());
    if (seen.get(n).has(s)) dups++;
    seen.get(n).add(s);
  }
  if (!quiet && !summarized) console.log(`subscriber <- ${topic} ${text}`);
});

let finishing = false;
const show = (line) => !summarized && console.log(line);

// Either way a node offers the same few operations, so finish() treats both alike.
if (onInterpreter) console.log(`nodes run on the real Espruino interpreter: ${esp.boards[board].bin} (${board} layout; the upload of npm run flash --save flash)`);
else console.log(`nodes run in the Espruino-like emulator (device/emulator/espruino.mjs); set ESPRUINO to run them on the real interpreter`);
console.log(`module: ${sn ? "MQTT-SN" : build} (${BUNDLE})`);
const devices = [];
if (onInterpreter) {
  const timeoutMs = duration ? (duration + drain + 120) * 1000 : undefined; // a bound should this process die without stopping them
  const fleet = await startInterpreterNodes({ esp, board, nodes, host: nodeHost, port: nodePort, username, password, interval, quiet, lossy, log: show, timeoutMs, extra: snConfig, udp: sn });
  devices.push(...fleet.nodes);
} else
  for (let i = 1; i <= nodes; i++) {
    const id = "node" + i;
    const config = { ssid: "emulated", wifiPassword: "", host: nodeHost, port: nodePort, username, password, id, topic: "telemetry", interval, keepalive: 10, verbose: !quiet, ...snConfig(id) };
    const dev = runDevice({
      config,
      bundle: BUNDLE,
      link: { lossy, seed: i, log: (m) => console.log(`[${id}] ${m}`) },
      log: (line) => (!quiet || /connected|offline|error|dropped|mqtt/.test(line)) && show(line),
    });
    const c = dev.context;
    devices.push({
      id,
      state: async () => ({ seq: c.seq, queued: c.client ? c.client.queued() : 0, attempts: c.client ? c.client.attempts : 0 }),
      stopReadings: () => c.clearInterval(c.readTimer),
      stop: async () => {
        // The program's own clean stop: a retained "offline" status, then DISCONNECT.
        c.stopMqtt();
        await new Promise((r) => setTimeout(r, 200));
        dev.stop();
      },
    });
  }
const lossyText = sn ? " over a lossy link (one datagram in 10 lost each way)" : " over a lossy link (drops every 2-8 s" + (onInterpreter ? ")" : ", random fragmentation)");
console.log(`${nodes} node(s) publishing a QoS 1 reading every ${interval} s${sn ? " over MQTT-SN" : ""}${lossy ? lossyText : ""}; ${duration ? duration + " s" : "Ctrl-C to stop"}`);

async function finish() {
  if (finishing) return;
  finishing = true;
  // Stop new readings, let every held QoS 1 reading reach the broker, then compare.
  for (const d of devices) d.stopReadings();
  const states = () => Promise.all(devices.map((d) => d.state()));
  const held = (ss) => ss.reduce((n, s) => n + (s ? s.queued : 0), 0);
  const t0 = Date.now();
  let last = -1;
  let lastAt = 0;
  let ss = await states();
  while (Date.now() - t0 < drain * 1000 && held(ss) > 0) {
    const h = held(ss);
    if (h != last || Date.now() - lastAt >= 5000) {
      console.log(`draining: ${h} reading(s) still held by the node(s), waiting up to ${Math.ceil(drain - (Date.now() - t0) / 1000)} s more`);
      last = h;
      lastAt = Date.now();
    }
    await new Promise((r) => setTimeout(r, 200));
    ss = await states();
  }
  await new Promise((r) => setTimeout(r, 500));
  ss = await states();
  // The nodes' clean stop (a retained "offline" status, then DISCONNECT) before the summary, so that
  // what it prints comes above the totals.
  await Promise.all(devices.map((d) => d.stop()));
  const offline = () => devices.every((d) => statuses.get(d.id) == "offline");
  for (const t1 = Date.now() + 2000; !offline() && Date.now() < t1; ) await new Promise((r) => setTimeout(r, 50));
  let sent = 0;
  let got = 0;
  let lostAll = 0;
  devices.forEach((d, i) => {
    const st = ss[i] || { seq: 0, queued: 0, attempts: 0 };
    const n = st.seq;
    const s = seen.get(d.id) || new Set();
    const received = [...s].filter((x) => x <= n).length;
    const lost = n - received;
    sent += n;
    got += received;
    lostAll += lost;
    console.log(`${d.id}: ${n} readings published, ${received} received, ${lost} lost, ${st.attempts} connect(s), ${st.queued} still held`);
  });
  console.log(`total: ${sent} QoS 1 readings, ${got} received by the subscriber, ${lostAll} lost, ${dups} duplicate deliveries`);
  const clusterOk = !cluster || cluster.summary();
  summarized = true;
  sub.end(true);
  if (server) server.close();
  if (broker) broker.close();
  if (gateway) await gateway.stop();
  if (mosq) await mosq.stop();
  if (cluster) await cluster.stop();
  gateway = mosq = null;
  // Exit 1 on any lost reading, whether the event loop empties first or the timer fires.
  process.exitCode = lostAll || sent == 0 || !clusterOk ? 1 : 0;
  if (lostAll) console.error(`${lostAll} reading(s) lost`);
  else if (sent == 0) console.error("no reading was published");
  setTimeout(() => process.exit(), 500).unref();
}

if (duration) setTimeout(finish, duration * 1000);
// A second Ctrl-C while draining gives up at once (exit 1: the readings were not checked).
process.on("SIGINT", () => (finishing ? process.exit(1) : finish()));
