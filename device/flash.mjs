// Uploads a board program and the mqttiny module to a board with the `espruino` CLI.
//   npm run flash -- --port /dev/ttyUSB0 [--board ESP32|ESP8266] [--config device/config.json] [--save flash|ram] [--program my.js]
//   npm run flash -- --out upload.js     (no board: write exactly what --port would upload)
//   npm run flash -- --emulate [--program my.js] [--seconds 30]   (the upload flashed to the real interpreter
//                                        on this computer, against a local mosquitto: device/emulate.mjs)
//   npm run flash -- --help
// The CLI fetches modules over HTTP; here it fetches build/mqttiny.min.js from a server on 127.0.0.1
// for the length of the upload, so no internet is needed, and the CLI's own module handling
// (Modules.addCached, as a function so it can run from flash) applies.
import { readFileSync, writeFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { execSync, spawn } from "node:child_process";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, dirname, basename, relative, resolve, isAbsolute } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { emulatorBuilds, emulatorBroker, watchBroker, startEmulatedBoard, cleanLines, boardError, TELNET_PORT } from "./emulate.mjs";
import { cannotLoad } from "./fits.mjs";

const USAGE = `usage: npm run flash -- --port /dev/ttyUSB0 [options]    upload to the board on that serial port
       npm run flash -- --out upload.js [options]         write exactly what --port would upload (no board)
       npm run flash -- --emulate [options]               flash it to the real Espruino interpreter on this
                                                          computer and run it against a local broker

options:
  --port PATH        the board's serial port (/dev/ttyUSB0, /dev/ttyACM0, /dev/cu.usbserial-*, COM3), or
                     tcp://HOST[:PORT] for a board's telnet console (the CLI runs with --no-ble: no Bluetooth
                     stack, no D-Bus needed), or a Bluetooth address aa:bb:cc:dd:ee:ff (needs D-Bus)
  --out FILE         write the upload to FILE instead of sending it (both may be given)
  --board NAME       ESP32 (default) or ESP8266
  --save flash|ram   flash (default): the upload is written into Storage as .bootcde and loaded from
                     there; it runs at once and at every boot, function bodies stay in flash.
                     ram: uploaded into RAM as the Web IDE does (type save() on the board to keep it)
  --program FILE     your own board program instead of device/telemetry.js; it calls require("mqttiny")
                     and the module is embedded. CONFIG is prepended only if --config (or --emulate) is given
  --config FILE      settings prepended as \`var CONFIG = {...}\` (default device/config.json); its "build"
                     chooses the module: "lite" (default for ESP8266: smaller, fewer blocks; no TLS,
                     MQTT 3.1, QoS 2 inbound or binary payloads) or "full" (default for ESP32; and for
                     "protocol": "sn", whose lite build has no will and no subscribe). With --port
                     it must exist and its Wi-Fi must not be the example's placeholder. Its "ca", "cert"
                     and "key" (with "tls": true) name PEM files on this computer, relative to the config
                     file; their contents are embedded in the upload (the key is never printed)
  --pretokenise      with --save flash: store the code as the interpreter's tokens, as the Web IDE's
                     "Pretokenise code before upload" does (firmware 2v25 or later): a 13% smaller
                     module, a QoS 0 publish 2-20% faster on an ESP8266 layout (npm run bench)
  --emulate          the board is the Espruino interpreter's Linux build with the --board's memory layout
                     (ESPRUINO=/path/to/builds, default ../shared/espruino; device/build-espruino.sh makes
                     them). The espruino CLI flashes the upload to its console (tcp://127.0.0.1:2323, one
                     at a time) as it would a board, after a stub Wifi module is put in its Storage. A
                     mosquitto is started on loopback (or MQTT_URL=mqtt://[user:password@]host:port is
                     used); CONFIG's host, port and credentials name it, TLS is off. Prints what the
                     program prints and what reaches the broker ("broker <- topic payload")
  --seconds S        with --emulate: seconds to run after the upload (default 30)
  --help             this text

Relative paths (--program, --config, --out) are taken from the folder you ran npm in.
Exit status: 0 done; 1 the upload failed, or with --emulate the program threw or the interpreter
stopped; 2 a bad flag.`;

function fail(msg, code = 1) {
  console.error(msg);
  process.exit(code);
}

const VALUED = ["port", "out", "board", "config", "save", "program", "seconds"];
const opts = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a == "--help" || a == "-h") {
    console.log(USAGE);
    process.exit(0);
  }
  if (a == "--pretokenise" || a == "--emulate") {
    opts[a.slice(2)] = true;
    continue;
  }
  const m = /^--([a-z]+)(?:=(.*))?$/.exec(a);
  if (!m || !VALUED.includes(m[1])) fail(`unknown ${a.startsWith("-") ? "flag" : "argument"} ${a} (npm run flash -- --help lists the flags)`, 2);
  const v = m[2] != null ? m[2] : argv[++i];
  if (v == null || v === "" || (m[2] == null && v.startsWith("--"))) fail(`--${m[1]} needs a value (npm run flash -- --help)`, 2);
  opts[m[1]] = v;
}
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// npm runs scripts in the package's folder; the folder it was run in is INIT_CWD.
const callerDir = (process.env.npm_lifecycle_event == "flash" && process.env.INIT_CWD) || process.cwd();
const fromCaller = (f) => resolve(callerDir, f);
const rel = (f) => {
  const r = relative(callerDir, f);
  return r && !r.startsWith("..") ? r : f;
};
const port = opts.port;
const out = opts.out && fromCaller(opts.out);
const emulate = !!opts.emulate;
if (emulate && port) fail("--emulate and --port: one board at a time (--emulate flashes the interpreter on this computer)", 2);
if (opts.seconds != null && !emulate) fail("--seconds goes with --emulate", 2);
const seconds = opts.seconds == null ? 30 : Number(opts.seconds);
if (!(seconds > 0 && seconds <= 86400)) fail(`--seconds ${opts.seconds}: seconds, more than 0 (at most 86400)`, 2);
const board = opts.board || "ESP32";
const save = opts.save || "flash"; // the same for --port and --out, so --out previews the real upload
if (save != "flash" && save != "ram") fail("--save is flash or ram", 2);
// Tokens include control bytes (a 3 is Ctrl-C): typed into the console they cancel the line; written
// into Storage they are escaped in a String.
if (opts.pretokenise && save != "flash") fail("--pretokenise needs --save flash (typed into the console, tokens such as Ctrl-C cancel the line)", 2);
if (!port && !out && !emulate) fail(USAGE, 2);
const boardJson = join(root, "device/boards", board.toUpperCase() + ".json");
if (!existsSync(boardJson)) fail(`unknown board ${board}: use ESP32 or ESP8266`, 2);

let programFile = opts.program ? fromCaller(opts.program) : join(root, "device/telemetry.js");
if (!existsSync(programFile)) fail(`no program ${programFile}${opts.program && !isAbsolute(opts.program) ? ` (${opts.program} taken from ${callerDir})` : ""}`);
let programText = readFileSync(programFile, "utf8");
if (opts.program && !/require\(\s*["']mqttiny["']\s*\)/.test(programText)) console.error(`note: ${opts.program} does not call require("mqttiny"), so the module is not embedded`);

// CONFIG: always for the telemetry program, for one's own program only when --config names a file
// (or with --emulate, where CONFIG names the broker started here).
const useConfig = !opts.program || opts.config != null || emulate;
const configFile = opts.config ? fromCaller(opts.config) : join(root, "device/config.json");
const exampleFile = join(root, "device/config.example.json");
const example = JSON.parse(readFileSync(exampleFile, "utf8"));
const problems = [];
let config = null;
let configFrom = "";
if (useConfig) {
  if (existsSync(configFile)) {
    try {
      config = JSON.parse(readFileSync(configFile, "utf8"));
      configFrom = rel(configFile);
    } catch (e) {
      // Node's message can quote the text around the fault, which may be an inline key: only where.
      fail(`${rel(configFile)} is not valid JSON: ${e.message.replace(/"[\s\S]*"/, "(text not shown)")}`);
    }
    if (port && (!config.ssid || config.ssid == example.ssid))
      problems.push(`${rel(configFile)} still has the example's placeholder Wi-Fi (ssid "${example.ssid}"): set ssid and wifiPassword for your network (and host, port, id)`);
  } else if (port) {
    problems.push(`no ${rel(configFile)}: cp device/config.example.json device/config.json, then set your Wi-Fi (ssid, wifiPassword), broker host and port, and node id`);
  } else {
    if (!emulate || opts.config) console.error(`note: no ${rel(configFile)}, so this upload uses the example's placeholder settings (--port refuses them)`);
    config = example;
    configFrom = rel(exampleFile) + " (placeholders)";
  }
}

// A serial port given as a path must exist. (Otherwise the CLI, finding no serial port by that name,
// falls back to Bluetooth and dies there: "connect ENOENT /var/run/dbus/system_bus_socket".)
function serialPorts() {
  try {
    return readdirSync("/dev").filter((n) => /^(ttyUSB|ttyACM|cu\.)/.test(n) && !/Bluetooth/.test(n)).map((n) => "/dev/" + n);
  } catch {
    return [];
  }
}
const noPort = (p) => {
  const found = serialPorts();
  return `no serial port ${p}: is the board plugged in (a data USB cable, its USB-serial driver loaded)? ${found.length ? "Serial ports here: " + found.join(", ") : "No /dev/ttyUSB* or /dev/ttyACM* here."}`;
};
// TLS files: "ca", "cert", "key" name PEM files relative to the config file; their text replaces the
// path in CONFIG (PEM text given inline is kept). Only the file names are ever printed, never the key.
const secrets = [];
const tlsFiles = [];
if (config && configFrom && existsSync(configFile)) {
  for (const k of ["ca", "cert", "key"]) {
    const v = config[k];
    if (v == null || v === "") continue;
    if (typeof v != "string") {
      problems.push(`${rel(configFile)}: "${k}" must be the path of a PEM file`);
      continue;
    }
    if (v.includes("-----BEGIN")) {
      if (k == "key") secrets.push(v);
      continue;
    }
    const f = resolve(dirname(configFile), v);
    let text = null;
    try {
      text = readFileSync(f, "latin1");
    } catch {
      problems.push(`${rel(configFile)}: "${k}": cannot read ${rel(f)}`);
      continue;
    }
    if (!text.includes("-----BEGIN")) {
      problems.push(`${rel(configFile)}: "${k}": ${rel(f)} is not a PEM file (no -----BEGIN line)`);
      continue;
    }
    config[k] = text;
    if (k == "key") secrets.push(text);
    tlsFiles.push(`${k} ${rel(f)}`);
  }
  if (tlsFiles.length && !config.tls) console.error(`note: ${rel(configFile)} names certificate files but not "tls": true, so the board connects without TLS`);
}
// Any line of the key that a tool echoes is blanked before it reaches the terminal.
const redact = (s) => {
  for (const k of secrets) for (const l of k.split(/\r?\n/)) if (l.length >= 16 && !l.startsWith("-----")) s = s.split(l).join("[key]");
  return s;
};
if (port && port.startsWith("/") && !existsSync(port)) problems.push(noPort(port));
if (problems.length) fail("cannot upload:\n  " + problems.join("\n  "));

// "protocol": "sn" in the config: the MQTT-SN bundle is what require("mqttiny") gives on the board (same
// connect/publish/subscribe API, over UDP through an MQTT-SN gateway).
const sn = !!(config && config.protocol == "sn");
if (config && config.protocol != null && config.protocol != "sn" && config.protocol != "mqtt") fail(`${configFrom}: "protocol" is "mqtt" (default) or "sn" (MQTT-SN over UDP), not ${JSON.stringify(config.protocol)}`);
// "sleep" or "persist" (readings held in Storage across deep sleep and resets, issue 31): the bundle built
// with persist (MQTT or MQTT-SN); with "sleep", the deep-sleep telemetry program (over MQTT-SN its sibling,
// which tells the gateway it sleeps so that the session is kept).
const persist = !!(config && (config.sleep || config.persist));
if (sn && emulate) fail(`${configFrom}: "protocol": "sn" with --emulate: --emulate runs MQTT against a broker; npm start -- --sn runs the telemetry program over MQTT-SN on the interpreter`);
// "build": which client the board gets (issue 29): "lite" for an ESP8266 unless the config says "full";
// persist is a feature of the full client.
const build = (config && config.build) || (sn || persist ? "full" : board.toUpperCase() == "ESP8266" ? "lite" : "full");
if (build != "full" && build != "lite") fail(`${configFrom}: "build" is "lite" or "full", not ${JSON.stringify(build)}`);
if (persist && build == "lite") fail(`${configFrom}: "sleep" and "persist" need "build": "full" (the lite build has no persist)`);
// MQTT-SN lite (no will, no subscribe) takes one's own program only: the telemetry program uses both.
if (sn && build == "lite" && !opts.program) fail(`${configFrom}: "build": "lite" with "protocol": "sn" has no will and no subscribe, which the telemetry program uses: "build": "full", or --program`);
if (build == "lite" && config && config.tls) fail(`${configFrom}: "tls" needs "build": "full" (the lite build has no TLS; an ESP8266 cannot run it either)`);
const bundle = join(root, "build/mqttiny" + (sn ? "-sn" : "") + (persist ? "-persist" : build == "lite" ? "-lite" : "") + ".min.js");
if (!opts.program && config && config.sleep) programText = readFileSync((programFile = join(root, sn ? "device/telemetry-sleep-sn.js" : "device/telemetry-sleep.js")), "utf8");
if (!existsSync(bundle)) execSync("npm run build", { cwd: root, stdio: "inherit" });
// An upload the board cannot load is refused: measured on the interpreter's layout for the board when
// there is one, else against the documented limits of device/fits.mjs.
const why = await cannotLoad(board, bundle, save);
if (why) fail("cannot upload: " + why);

// Ctrl-C (or a SIGTERM) ends the run through the exit handlers, which stop the broker and the
// interpreter; once an emulated board runs, Ctrl-C ends its run early instead.
let onCtrlC = () => process.exit(130);
process.on("SIGINT", () => onCtrlC());
process.on("SIGTERM", () => process.exit(143));
// --emulate: the board is the interpreter on this computer and CONFIG names the broker it reaches.
let broker = null;
let esp = null;
const layout = board.toLowerCase();
if (emulate) {
  const b = emulatorBuilds(root);
  if (b.problem) fail(b.problem);
  esp = b.esp;
  if (!esp.boards[layout]) fail(`no runnable ${layout} build in ${esp.from}${esp.problems.length ? " (" + esp.problems.join("; ") + ")" : ""}: --board ESP32 needs espruino-esp32, ESP8266 espruino-esp8266`);
  try {
    broker = await emulatorBroker();
  } catch (e) {
    fail(e.message);
  }
  process.on("exit", () => broker.kill());
  if (config.tls || config.ca || config.cert || config.key) console.error(`note: TLS is off with --emulate (the broker here is plain MQTT)`);
  configFrom += ", host and port set to the broker here";
  config = { ...config, host: broker.host, port: broker.port, username: broker.username, password: broker.password, tls: false, ca: undefined, cert: undefined, key: undefined };
  if (opts.program && !/\bCONFIG\b/.test(programText)) console.error(`note: ${opts.program} does not read CONFIG, so it connects where it says, not to ${broker.shown}: CONFIG.host and CONFIG.port name the broker`);
}

const dir = mkdtempSync(join(tmpdir(), "mqttiny-flash-"));
// The program written there holds CONFIG (the Wi-Fi password, a TLS key): it goes however the run ends,
// fail() and Ctrl-C included (on SIGINT Node would otherwise exit without an "exit" event).
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const program = join(dir, basename(programFile));
writeFileSync(program, (config ? "var CONFIG = " + JSON.stringify(config) + ";\n" : "") + programText);

const code = readFileSync(bundle);
const server = createServer((req, res) => {
  if (req.url.endsWith("/mqttiny.min.js")) res.end(code);
  else (res.statusCode = 404), res.end();
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const cli = createRequire(import.meta.url).resolve("espruino/bin/espruino-cli.js");
// The CLI mishandles a port in MODULE_URL (it passes "host:port" as the host name), so the module URL
// has none and the CLI's proxy setting routes the request to the server above.
const cliArgs = [cli, "--board", boardJson, "--config", "MODULE_URL=http://mqttiny.local", "--config", "MODULE_EXTENSIONS=.min.js"];
// Keywords and operators become one byte each, spaces and comments go (the program's and the module's).
if (opts.pretokenise) cliArgs.push("--config", "PRETOKENISE=2");
cliArgs.push("--config", "MODULE_PROXY_ENABLED=true", "--config", "MODULE_PROXY_URL=127.0.0.1", "--config", `MODULE_PROXY_PORT=${server.address().port}`);
// --save flash (the default, for --port and --out alike): the CLI writes the upload into Storage as .bootcde in 1 KB
// chunks and loads it from there, so function bodies point into flash instead of being copied into RAM
// (a 10 KB module loaded from a RAM string needs about as many blocks as an ESP8266 has). It also
// survives a reboot. --save ram uploads into RAM as the IDE does by default (keep it with save()).
if (save == "flash") cliArgs.push("--storage", ".bootcde:-");
// --no-ble: the CLI's Bluetooth module crashes the CLI where there is no D-Bus (containers, CI), even for
// a serial or tcp:// port. Only a Bluetooth address (an ESP32's BLE console) needs it.
const cliPort = emulate ? "tcp://127.0.0.1:" + TELNET_PORT : port;
const bluetooth = !!cliPort && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(cliPort);
if (cliPort) cliArgs.push(...(bluetooth ? [] : ["--no-ble"]), "-p", cliPort);
else cliArgs.push("-n");
if (out) cliArgs.push("-o", out);
cliArgs.push(program);
// Over TCP, chars 128-255 are sent as the one byte each that a serial port gets (see the file).
if (cliPort && cliPort.startsWith("tcp://")) cliArgs.unshift("--require", join(root, "device/cli-tcp-bytes.cjs"));
const where = save == "flash" ? "to flash (Storage .bootcde: runs at once and at every boot)" : "to RAM (type save() on the board to keep it)";
const dest = [port && "port " + port, emulate && `the interpreter's ${layout} layout (${cliPort})`, out && "file " + rel(out)].filter(Boolean).join(" and ");
console.log(`${rel(programFile)}${config ? " + CONFIG from " + configFrom : ""}${tlsFiles.length && !emulate ? " + TLS files " + tlsFiles.join(", ") : ""} (${readFileSync(program).length} bytes) and module mqttiny = ${sn ? "MQTT-SN " : build == "lite" ? "lite " : ""}${rel(bundle)} (${code.length} bytes); board ${board}; ${where}${opts.pretokenise ? "; pretokenised" : ""}; -> ${dest}`);

// With --emulate: the broker's subscriber and the interpreter start before the upload; the program's
// lines come through the CLI while it is connected, then from the interpreter's own console.
let emu = null;
let watch = null;
let received = 0;
let threw = false;
const boardLine = (l) => {
  threw = threw || boardError(l);
  console.log(l);
};
if (emulate) {
  console.log(`broker: ${broker.shown}${broker.started ? " (mosquitto started here)" : ""}`);
  try {
    watch = await watchBroker(broker, (topic, text) => {
      received++;
      console.log(`broker <- ${topic} ${text.length > 200 ? text.slice(0, 200) + "..." : text}`);
    });
  } catch (e) {
    fail(e.message);
  }
  try {
    emu = await startEmulatedBoard({ esp, board: layout, onLine: boardLine, timeoutMs: (seconds + 600) * 1000 });
  } catch (e) {
    fail(e.message);
  }
  console.log(`interpreter: ${esp.boards[layout].bin} (${layout} layout), console on tcp://127.0.0.1:${TELNET_PORT}`);
}

const child = spawn(process.execPath, cliArgs, { stdio: [emulate ? "ignore" : "inherit", "pipe", "pipe"] });
let log = "";
let uploaded = null;
const uploadDone = new Promise((r) => (uploaded = r));
const fromCli = cleanLines(boardLine);
let pending = "";
child.stdout.on("data", (d) => {
  log += d;
  if (!emulate) return;
  pending += d;
  let i;
  while ((i = pending.indexOf("\n")) >= 0) {
    const l = pending.slice(0, i);
    pending = pending.slice(i + 1);
    if (l.startsWith("--] ")) fromCli(l.slice(4));
    else if (/^Upload Complete/.test(l)) uploaded();
  }
});
child.stderr.on("data", (d) => (log += d));
const exited = new Promise((r) => child.on("exit", r));
// A program that prints more often than every 0.5 s keeps the CLI connected (it waits for a quiet
// console before it exits): with --emulate the run goes on once the upload is complete.
const rc = await (emulate ? Promise.race([exited, uploadDone.then(() => 0)]) : exited);
server.close();
const missing = /Module mqttiny not found/.test(log);
// The CLI finds no such serial port: "Unable to connect!", exit status 0 (with Bluetooth on, it would
// look for a Bluetooth device of that name instead, and crash without D-Bus).
if (port && !port.startsWith("tcp://") && !bluetooth && /Port "[^"]*" not found|Unable to connect|system_bus_socket|dbus|noble|bluetooth/i.test(log)) fail(`${noPort(port).replace(/^no serial port/, "could not open serial port")} (the espruino CLI found no serial port by that name)`);
// The CLI exits 0 when it cannot connect: only its "Upload Complete" says the upload went.
if (cliPort && !rc && !missing && !/Upload Complete/.test(log)) {
  const why = /"code":"(\w+)"/.exec(log) || /^(Unable to connect.*)$/m.exec(log);
  fail(`could not upload to ${cliPort}${why ? ": " + why[1] : ""}${cliPort.startsWith("tcp://") ? " (is the board's telnet console on that address and port?)" : ""}`);
}
if (rc || missing) {
  console.error(redact(log));
  fail(missing ? "the espruino CLI could not load the mqttiny module" : "espruino CLI failed");
}
if (out) console.log(`wrote ${rel(out)}: the upload ${save == "flash" ? "into flash (.bootcde)" : "into RAM"}, as --port would send it`);
if (port) console.log(save == "flash" ? "uploaded to flash (.bootcde): it runs now and at every boot" : "uploaded to RAM; type save() on the board's console to keep it across reboots");
if (emulate) {
  console.log(`uploaded; running for ${seconds} s (Ctrl-C stops sooner)`);
  let stopped = false;
  const early = emu.done.then(() => !stopped);
  const ctrlC = new Promise((r) => (onCtrlC = () => r(false)));
  const ended = await Promise.race([new Promise((r) => setTimeout(() => r(false), seconds * 1000)), early, ctrlC]);
  stopped = true;
  emu.kill();
  child.kill();
  await emu.done;
  watch.end();
  await broker.stop();
  console.log(`emulated ${board}: ${ended ? "the interpreter stopped by itself" : "stopped"}; ${received} message(s) reached the broker${threw ? "; the program reported an error (above)" : ""}`);
  process.exit(ended || threw ? 1 : 0);
}
