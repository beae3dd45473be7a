// The device side: the espruino CLI packages module + program offline; the program runs under duk
// (strict ES5) with a simulated socket and clock; and in the Espruino-like environment against a broker.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import vm from "node:vm";
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import mqtt from "mqtt";
import { es5Problems, runDuk, hasDuk, DEVICE } from "./bundle-helpers";
import { startAedes, until } from "./brokers";
// @ts-ignore: plain ESM module without types
import { runDevice } from "../device/emulator/espruino.mjs";

const t = suite("device");

t("the device bundle loads on a host without timers, and a client made there with a clock of its own runs", () => {
  // A fresh V8 context has no setTimeout at all, as Duktape has none.
  const exports: any = {};
  vm.runInNewContext(readFileSync(DEVICE, "utf8"), { exports, E: {} });
  let started: (() => void) | null = null;
  const clock = { now: () => 0, set: (f: (a: any) => void, ms: number, a: any) => ((started = () => f(a)), 1), clear() {} };
  const opened: string[] = [];
  const c = exports.createClient({ clientId: "n1", clock, transport: () => (opened.push("open"), { write() {}, close() {} }) });
  started!();
  assert.equal([opened, c.state()], [["open"], 1]);
});

t("a board socket that errors and then closes with had_error = true reports the error itself, once", () => {
  // A socket's `close` passes had_error, a boolean; the cause came with `error` before it (no `end` when
  // the link breaks with an error). Handlers get the socket as this, as on Espruino.
  const h: Record<string, Function> = {};
  const sock: any = { on: (e: string, f: Function) => ((h[e] = f), sock), write() {}, end() {} };
  const net = { connect: (_o: unknown, cb: Function) => (setTimeout(() => cb.call(sock), 0), sock) };
  const exports: any = {};
  new Function("exports", "require", "E", readFileSync(DEVICE, "utf8"))(exports, (n: string) => (n == "net" ? net : null), {});
  let fire: (() => void) | null = null;
  const clock = { now: () => 0, set: (f: (a: any) => void, _ms: number, a: any) => ((fire = () => f(a)), 1), clear() {} };
  const c = exports.connect({ clientId: "n1", clock });
  const errors: string[] = [];
  c.on("error", (e: Error) => errors.push(e.message));
  fire!(); // the first attempt opens the socket
  h.error.call(sock, new Error("ECONNRESET"));
  h.close.call(sock, true);
  h.end.call(sock);
  assert.equal(errors, ["connect failed: 127.0.0.1:1883: ECONNRESET"]);
});

t("the telemetry program says a reading is queued (not sent), a full store once, and then how many readings it dropped", () => {
  // The program with stand-ins: a client whose QoS 1 publish() takes, refuses 3 times, takes again.
  const lines: string[] = [];
  const answers = [true, false, false, false, true];
  let readTimer: (() => void) | null = null;
  const client = { on() {}, subscribe() {}, end() {}, queued: () => 8, publish: (topic: string) => (topic.endsWith("/temp") ? answers.shift() : true) };
  const modules: Record<string, unknown> = { mqttiny: { connect: () => client }, Wifi: { connect: (_s: string, _o: unknown, cb: (e: null) => void) => cb(null) } };
  vm.runInNewContext(readFileSync("device/telemetry.js", "utf8"), {
    CONFIG: { id: "n1", topic: "telemetry", interval: 1, verbose: true },
    require: (n: string) => modules[n],
    console: { log: (l: string) => lines.push(l) },
    setInterval: (f: () => void, ms: number) => (ms == 1000 && (readTimer = f), 1),
    clearInterval() {},
    E: {},
    process: { memory: () => ({ free: 1000 }) },
  });
  for (let i = 0; i < 5; i++) readTimer!();
  assert.equal(lines, [
    "[n1] wifi up",
    '[n1] queued telemetry/n1/temp {"seq":1,"t":0.0,"free":1000}',
    "[n1] store full (8 readings held): readings are dropped until the broker acknowledges some",
    "[n1] store has room again: 3 reading(s) dropped while it was full",
    '[n1] queued telemetry/n1/temp {"seq":5,"t":0.0,"free":1000}',
  ]);
});

t("the program itself is ES5 without labels or ES2015 globals", () => {
  assert.equal(es5Problems(readFileSync("device/telemetry.js", "utf8")), []);
});

/** What `npm run flash -- --out FILE --board BOARD --save SAVE` writes, read back; its folder removed. */
function flashOut(board: string, save: string): string {
  const out = join(mkdtempSync(join(tmpdir(), "flash-")), "upload.js");
  try {
    execFileSync(process.execPath, ["device/flash.mjs", "--out", out, "--board", board, "--save", save], { encoding: "utf8", timeout: 120_000, stdio: "pipe" });
    return readFileSync(out, "utf8");
  } finally {
    rmSync(dirname(out), { recursive: true, force: true });
  }
}

t("npm run flash -- --out --save ram: the espruino CLI, offline, packages the module and the program; the upload is ES5", () => {
  // ESP32: an ESP8266 gets the lite build, which npm run flash refuses to send from RAM while it does not fit (flash.test.ts).
  const up = flashOut("ESP32", "ram");
  assert.ok(up.includes('Modules.addCached("mqttiny"'), "module embedded");
  assert.ok(up.includes(readFileSync(DEVICE, "utf8").slice(0, 200)), "the minified bundle itself");
  assert.ok(up.includes('var CONFIG = {"ssid"'), "config prepended");
  assert.ok(up.includes("function joinWifi(attempt)"), "program included");
  assert.equal(es5Problems(up), []);
});

t("npm run flash -- --save flash: the upload writes module and program into Storage (.bootcde) in 1 KB chunks, then loads it", () => {
  const up = flashOut("ESP32", "flash");
  const writes = up.split("\n").filter((l) => l.startsWith('require("Storage").write(".bootcde",'));
  assert.ok(writes.length >= 10, writes.length + " chunks");
  assert.ok(up.trimEnd().endsWith('load(".bootcde")'), "loaded after writing");
  // Reassemble the file as the board would and check it holds the module and the program.
  const file = writes.map((l) => JSON.parse(l.slice(l.indexOf(",") + 1, l.lastIndexOf('",') + 1).replace(/\\x([0-9a-f]{2})/gi, "\\u00$1"))).join("");
  assert.ok(file.includes('Modules.addCached("mqttiny"'), "module in the file");
  assert.ok(file.includes(readFileSync(DEVICE, "utf8").slice(0, 200)), "the minified bundle itself");
  assert.ok(file.includes("function joinWifi(attempt)"), "program in the file");
  assert.equal(es5Problems(file), []);
});

// Strict ES5 shims for what the program uses on a board: virtual timers and Date.now, a socket that
// takes Strings only (as Espruino's sends bytes only for Strings), Wifi, E, process.memory.
const DUK_ENV = `
var __t = 1000, __timers = [], __tid = 0, __sock = null, __out = [];
function setTimeout(f, ms, a) { __timers.push({ id: ++__tid, at: __t + (ms || 0), f: f, a: a, every: 0 }); return __tid; }
function setInterval(f, ms) { __timers.push({ id: ++__tid, at: __t + ms, f: f, every: ms }); return __tid; }
function clearTimeout(id) { for (var i = 0; i < __timers.length; i++) if (__timers[i].id == id) { __timers.splice(i, 1); return; } }
var clearInterval = clearTimeout;
Date.now = function () { return __t; };
function __advance(ms) {
  var end = __t + ms;
  for (;;) {
    var k = -1;
    for (var i = 0; i < __timers.length; i++) if (__timers[i].at <= end && (k < 0 || __timers[i].at < __timers[k].at)) k = i;
    if (k < 0) break;
    var x = __timers[k];
    __t = x.at;
    if (x.every) x.at += x.every; else __timers.splice(k, 1);
    x.f(x.a);
  }
  __t = end;
}
var __E = {};
var E = { on: function (e, f) { __E[e] = f; }, toString: function (u) { var s = ""; for (var i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return s; }, getTemperature: function () { return 21.5; } };
var process = { memory: function () { return { free: 1000, usage: 700, total: 1700, blocksize: 12 }; } };
var LED1 = 1, __led = null;
function digitalWrite(p, v) { __led = v; }
var __net = { connect: function (o, cb) {
  __sock = { __h: {}, on: function (e, f) { this.__h[e] = f; return this; }, end: function () {},
    write: function (s) { if (typeof s != "string") throw new Error("Espruino sends bytes only for a String"); __out.push(s); return false; } };
  setTimeout(function () { cb.call(__sock); }, 5); // Espruino calls socket callbacks with the socket as this
  return __sock;
} };
function require(n) {
  if (n == "net") return __net;
  if (n == "Wifi") return { connect: function (s, o, cb) { setTimeout(function () { cb(null); }, 5); } };
  if (n == "mqttiny") return lib;
  throw new Error("Module " + n + " not found");
}
function __hex(s) { var h = []; for (var i = 0; i < s.length; i++) h.push((s.charCodeAt(i) < 16 ? "0" : "") + s.charCodeAt(i).toString(16)); return h.join(" "); }
function __drain() { var o = __out; __out = []; for (var i = 0; i < o.length; i++) print("out " + __hex(o[i].slice(0, 2)) + " " + JSON.stringify(o[i].slice(2).replace(/[^ -~]/g, "."))); }
function __in(s) { __sock.__h.data.call(__sock, s); }
var CONFIG = { ssid: "lab", wifiPassword: "x", host: "10.0.0.2", port: 1883, id: "n1", topic: "tele", interval: 2, keepalive: 30 };
`;

t("written to flash: Espruino's own onInit call at boot starts nothing twice; kill (save, reset) ends the client and the next boot starts afresh", () => {
  if (!hasDuk()) {
    if (process.env.CI) assert.unreachable("duk is required in CI");
    return;
  }
  const out = runDuk(DEVICE, DUK_ENV + readFileSync("device/telemetry.js", "utf8") + `
    onInit(); __advance(20); __drain();
    print("-- connack"); __in("\\x20\\x02\\x00\\x00"); __drain();
    print("-- kill"); __E.kill(); __drain();
    print("client " + client);
    print("-- boot"); onInit(); __advance(20); __drain();
  `);
  assert.equal(out.trim().split("\n").filter((l) => !/^\[n1\] (offline|closed|mqtt)/.test(l)), [
    "[n1] wifi up",
    'out 10 27 "..MQTT.,....n1..tele/n1/status..offline"', // one CONNECT, not two
    "-- connack",
    "[n1] connected",
    'out 82 10 "....tele/n1/cmd."',
    'out 33 18 "..tele/n1/status..online"',
    "-- kill",
    'out 33 19 "..tele/n1/status..offline"', // retained offline, QoS 1: the will is not sent after DISCONNECT
    'out e0 00 ""', // DISCONNECT
    "client null",
    "-- boot",
    "[n1] wifi up",
    'out 10 27 "..MQTT.,....n1..tele/n1/status..offline"',
  ]);
});

t("a clean stop (kill, before save/reset) publishes a retained \"offline\" status at QoS 1, then DISCONNECT; no reading follows", () => {
  if (!hasDuk()) {
    if (process.env.CI) assert.unreachable("duk is required in CI");
    return;
  }
  const out = runDuk(DEVICE, DUK_ENV + readFileSync("device/telemetry.js", "utf8") + `
    __advance(20); __in("\\x20\\x02\\x00\\x00"); __in("\\x90\\x03\\x00\\x02\\x01"); __in("\\x40\\x02\\x00\\x01");
    __advance(2000); __out = [];
    print("-- kill"); __E.kill();
    for (var i = 0; i < __out.length; i++) print("hex " + __hex(__out[i]));
    __out = []; __advance(10000); print("after: " + __out.length + " writes, client " + client);
  `);
  const lines = out.trim().split("\n");
  const k = lines.indexOf("-- kill");
  const topic = Buffer.from("tele/n1/status").toString("hex").replace(/(..)(?!$)/g, "$1 ");
  const offline = Buffer.from("offline").toString("hex").replace(/(..)(?!$)/g, "$1 ");
  const written = lines.slice(k + 1).filter((l) => l.startsWith("hex "));
  assert.is(written.length, 2, written.join("\n"));
  // PUBLISH, QoS 1, RETAIN (0x33), remaining length 25, topic, packet id (any), "offline"
  assert.match(written[0], new RegExp("^hex 33 19 00 0e " + topic + " [0-9a-f]{2} [0-9a-f]{2} " + offline + "$"));
  assert.is(written[1], "hex e0 00"); // DISCONNECT after it
  assert.is(lines[lines.length - 1], "after: 0 writes, client null");
});

t("the program runs under duk: CONNECT, status, subscription, QoS 1 readings, commands, PUBACKs", () => {
  if (!hasDuk()) {
    if (process.env.CI) assert.unreachable("duk is required in CI");
    return;
  }
  const out = runDuk(DEVICE, DUK_ENV + readFileSync("device/telemetry.js", "utf8") + `
    __advance(20); __drain();
    print("-- connack"); __in("\\x20\\x02\\x00\\x00"); __drain();
    print("-- suback, puback 1"); __in("\\x90\\x03\\x00\\x02\\x01"); __in("\\x40\\x02\\x00\\x01");
    __advance(2000); __drain();
    print("-- command: interval 5, led off");
    __in("\\x32\\x19\\x00\\x0b" + "tele/n1/cmd" + "\\x00\\x07" + "interval 5");
    __in("\\x30\\x14\\x00\\x0b" + "tele/n1/cmd" + "led off");
    __advance(5000); __drain();
    print("led " + __led + " queued " + client.queued());
  `);
  // Each packet written to the socket: first two bytes in hex, the rest as text with non-printables as ".".
  assert.equal(out.trim().split("\n"), [
    "[n1] wifi up",
    'out 10 27 "..MQTT.,....n1..tele/n1/status..offline"', // CONNECT 3.1.1, will retain QoS 1, keepalive 30
    "-- connack",
    "[n1] connected",
    'out 82 10 "....tele/n1/cmd."', // SUBSCRIBE id 2 to the command topic, QoS 1
    'out 33 18 "..tele/n1/status..online"', // PUBLISH QoS 1 RETAIN: the online status
    "-- suback, puback 1",
    'out 32 2e "..tele/n1/temp..{\\"seq\\":1,\\"t\\":21.5,\\"free\\":1000}"', // the first QoS 1 reading after 2 s
    "-- command: interval 5, led off",
    "[n1] command: interval 5",
    "[n1] command: led off",
    'out 40 02 ".."', // PUBACK for the QoS 1 command
    'out 32 2e "..tele/n1/temp..{\\"seq\\":2,\\"t\\":21.5,\\"free\\":1000}"', // one reading in the next 5 s
    "led false queued 2", // LED off; two readings held until their PUBACK
  ]);
});

t("in the Espruino-like environment, the program publishes through the minified bundle to a real broker and obeys commands", async () => {
  const b = await startAedes();
  const w = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`);
  const got: [string, string][] = [];
  w.on("message", (topic, p) => got.push([topic, p.toString()]));
  await w.subscribeAsync("tele/#", { qos: 1 });
  const logs: string[] = [];
  const dev = runDevice({ config: { ssid: "x", host: "127.0.0.1", port: b.port, id: "e1", topic: "tele", interval: 0.2, keepalive: 5 }, log: (l: string) => logs.push(l) });
  await until(() => got.filter(([t]) => t == "tele/e1/temp").length >= 3, 5000, "readings");
  assert.ok(got.some(([t, p]) => t == "tele/e1/status" && p == "online"));
  const r = JSON.parse(got.find(([t]) => t == "tele/e1/temp")![1]);
  assert.equal(Object.keys(r), ["seq", "t", "free"]);
  await w.publishAsync("tele/e1/cmd", "led on", { qos: 1 });
  await until(() => logs.includes("[e1] command: led on"), 3000, "command");
  dev.context.client.end();
  dev.stop();
  await w.endAsync();
  await b.stop();
});

t.run();
