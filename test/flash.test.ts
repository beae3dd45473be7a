// `npm run flash` as a user meets it: --help, flag checks, --out previewing exactly what --port uploads
// (flash by default for both), one's own program with --program, and the refusals before the espruino
// CLI runs: a missing or placeholder device/config.json, a serial port that is not there. All offline.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync, spawn } from "node:child_process";
import net from "node:net";
import { readFileSync, writeFileSync, mkdtempSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { es5Problems, DEVICE } from "./bundle-helpers";
import { makeCerts } from "./brokers";

const t = suite("flash");
const dir = mkdtempSync(join(tmpdir(), "flash-cli-"));
// Every test writes its configs and uploads here; uvu runs after-hooks even when a test fails.
t.after(() => rmSync(dir, { recursive: true, force: true }));

function flash(...args: string[]) {
  const r = spawnSync(process.execPath, ["device/flash.mjs", ...args], { encoding: "utf8", timeout: 120_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}
/** flash.mjs as `npm run flash` runs it: in the repository, with the caller's folder in INIT_CWD. */
function npmFlash(callerDir: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(process.cwd(), "device/flash.mjs"), ...args], { encoding: "utf8", timeout: 120_000, env: { ...process.env, npm_lifecycle_event: "flash", INIT_CWD: callerDir, ...env } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}
/** The same, without blocking this process (for tests that serve something to it). */
function flashAsync(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; out: string; err: string }> {
  const p = spawn(process.execPath, ["device/flash.mjs", ...args], { env: { ...process.env, ...env } });
  let out = "";
  let err = "";
  p.stdout.on("data", (d) => (out += d));
  p.stderr.on("data", (d) => (err += d));
  const t = setTimeout(() => p.kill("SIGKILL"), 120_000);
  return new Promise((r) => p.on("close", (status) => (clearTimeout(t), r({ status, out, err }))));
}
const noStack = (s: string) => !/\n\s+at |Error:|ENOENT|dbus|Node\.js v/.test(s);

// A config for the refusal tests that is not the example's placeholder.
const goodConfig = join(dir, "config.json");
writeFileSync(goodConfig, JSON.stringify({ ...JSON.parse(readFileSync("device/config.example.json", "utf8")), ssid: "lab", wifiPassword: "pw" }));

// Reassembles the .bootcde file the flash upload writes into Storage, as the board would: each chunk is
// a JS string literal (\xNN, and octal escapes such as \3 for tokens), read as a sloppy-mode literal.
const bootcde = (up: string) =>
  up
    .split("\n")
    .filter((l) => l.startsWith('require("Storage").write(".bootcde",'))
    .map((l) => new Function("return " + l.slice(l.indexOf(",") + 1, l.lastIndexOf('",') + 1))() as string)
    .join("");

t("--help lists every flag and exits 0", () => {
  const r = flash("--help");
  assert.is(r.status, 0);
  for (const f of ["--port", "--out", "--board", "--save flash|ram", "--program", "--config", "--pretokenise", "--emulate", "--seconds", "--no-ble", "the folder you ran npm in", "--help"]) assert.ok(r.out.includes(f), f);
});

t("unknown flags and missing values are refused with one line, exit 2", () => {
  for (const [args, msg] of [
    [["--prot", "/dev/ttyUSB0"], "unknown flag --prot"],
    [["--out"], "--out needs a value"],
    [["--out", "x.js", "--save", "rom"], "--save is flash or ram"],
    [["--out", "x.js", "--board", "ESP99"], "unknown board ESP99"],
    [["upload.js"], "unknown argument upload.js"],
    [["--out", "x.js", "--save", "ram", "--pretokenise"], "--pretokenise needs --save flash"],
  ] as [string[], string][]) {
    const r = flash(...args);
    assert.is(r.status, 2, args.join(" "));
    assert.ok(r.err.includes(msg), r.err);
    assert.is(r.err.trim().split("\n").length, 1, r.err);
  }
});

t("--out writes exactly what --port would upload: flash (.bootcde) by default, as with --save flash; the summary says so", () => {
  const a = join(dir, "default.js");
  const b = join(dir, "flash.js");
  const c = join(dir, "ram.js");
  const ra = flash("--out", a, "--config", goodConfig);
  assert.is(ra.status, 0, ra.err);
  assert.match(ra.out, /to flash \(Storage \.bootcde/);
  assert.match(ra.out, /wrote .*default\.js: the upload into flash \(\.bootcde\), as --port would send it/);
  assert.is(flash("--out", b, "--config", goodConfig, "--save", "flash").status, 0);
  const rc = flash("--out", c, "--config", goodConfig, "--save", "ram");
  assert.match(rc.out, /to RAM/);
  assert.is(readFileSync(a, "utf8"), readFileSync(b, "utf8"));
  assert.is.not(readFileSync(a, "utf8"), readFileSync(c, "utf8"));
  const file = bootcde(readFileSync(a, "utf8"));
  assert.ok(file.includes('Modules.addCached("mqttiny"') && file.includes('var CONFIG = {"ssid":"lab"') && file.includes("function stopMqtt(now)"));
});

// Issue 29: the config's "build" chooses the module, lite by default for an ESP8266.
t('an ESP8266 gets the lite build by default, "build": "full" the full one; the summary names it', () => {
  const lite = join(dir, "esp8266-lite.js");
  const r = flash("--out", lite, "--config", goodConfig, "--board", "ESP8266");
  assert.is(r.status, 0, r.err);
  assert.match(r.out, /module mqttiny = lite build\/mqttiny-lite\.min\.js \(\d+ bytes\)/);
  assert.ok(bootcde(readFileSync(lite, "utf8")).includes(" needs mqttiny (full)"), "the lite bundle is embedded");
  const full = join(dir, "full-cfg.json");
  writeFileSync(full, JSON.stringify({ ...JSON.parse(readFileSync(goodConfig, "utf8")), build: "full" }));
  const f = flash("--out", join(dir, "esp8266-full.js"), "--config", full, "--board", "ESP8266");
  assert.is(f.status, 0, f.err);
  assert.match(f.out, /module mqttiny = build\/mqttiny\.min\.js/);
  const e = flash("--out", join(dir, "esp32.js"), "--config", goodConfig, "--board", "ESP32");
  assert.match(e.out, /module mqttiny = build\/mqttiny\.min\.js/);
});

t('an upload the board cannot load is refused with one line: the full build from a RAM string on an ESP8266', () => {
  const full = join(dir, "full-ram.json");
  writeFileSync(full, JSON.stringify({ ...JSON.parse(readFileSync(goodConfig, "utf8")), build: "full" }));
  const r = flash("--out", join(dir, "no.js"), "--config", full, "--board", "ESP8266", "--save", "ram");
  assert.is(r.status, 1);
  assert.match(r.err, /^cannot upload: build\/mqttiny\.min\.js \(\d+ B\) (does not load on the ESP8266 layout from a RAM string|is over the 6400 B)/);
  assert.is(r.err.trim().split("\n").length, 1, r.err);
  assert.not.ok(existsSync(join(dir, "no.js")), "nothing written");
});

t('"build" other than lite or full, and "tls" with the lite build, are refused with one line', () => {
  for (const [extra, why] of [[{ build: "tiny" }, /"build" is "lite" or "full"/], [{ build: "lite", tls: true }, /"tls" needs "build": "full"/]] as [any, RegExp][]) {
    const c = join(dir, "bad-build.json");
    writeFileSync(c, JSON.stringify({ ...JSON.parse(readFileSync(goodConfig, "utf8")), ...extra }));
    const r = flash("--out", join(dir, "x.js"), "--config", c, "--board", "ESP8266");
    assert.is(r.status, 1);
    assert.match(r.err, why);
    assert.is(r.err.trim().split("\n").length, 1, r.err);
  }
});

t("--pretokenise: .bootcde holds the interpreter's tokens, a tenth smaller and without the keywords' text; the summary says so", () => {
  const plain = join(dir, "plain-flash.js");
  const tok = join(dir, "tok-flash.js");
  assert.is(flash("--out", plain, "--config", goodConfig).status, 0);
  const r = flash("--out", tok, "--config", goodConfig, "--pretokenise");
  assert.is(r.status, 0, r.err);
  assert.match(r.out, /to flash \(Storage \.bootcde[^;]*\); pretokenised;/);
  const a = bootcde(readFileSync(plain, "utf8"));
  const b = bootcde(readFileSync(tok, "utf8"));
  assert.ok(b.length < a.length * 0.9, `${b.length} vs ${a.length} bytes`);
  const count = (s: string, w: string) => s.split(w).length - 1;
  assert.ok(count(b, "function") * 10 < count(a, "function"), `"function" ${count(b, "function")} times vs ${count(a, "function")}: a token byte but in strings`);
  assert.ok(b.startsWith("Modules.addCached("), b.slice(0, 40));
});

t('"protocol": "sn" in the config: the MQTT-SN bundle is embedded as mqttiny and the summary says so; another protocol is refused', () => {
  const cfg = join(dir, "sn.json");
  writeFileSync(cfg, JSON.stringify({ ssid: "lab", wifiPassword: "pw", host: "10.0.0.2", port: 10000, id: "node1", topic: "telemetry", protocol: "sn", predefined: { "telemetry/node1/temp": 1 } }));
  const out = join(dir, "sn-up.js");
  const r = flash("--out", out, "--config", cfg);
  assert.is(r.status, 0, r.err);
  assert.match(r.out, /module mqttiny = MQTT-SN build\/mqttiny-sn\.min\.js \(\d+ bytes\)/);
  const file = bootcde(readFileSync(out, "utf8"));
  assert.ok(file.includes('Modules.addCached("mqttiny"') && file.includes('"protocol":"sn"'), "module and CONFIG in .bootcde");
  assert.ok(file.includes('require("dgram")'), "the MQTT-SN bundle (dgram), not the MQTT one");
  assert.not.ok(file.includes('require(t?"tls":"net")') || file.includes('"tls":"net"'), "no net/tls transport");
  writeFileSync(cfg, JSON.stringify({ ssid: "lab", wifiPassword: "pw", protocol: "udp" }));
  const bad = flash("--out", out, "--config", cfg);
  assert.is(bad.status, 1);
  assert.match(bad.err, /"protocol" is "mqtt" \(default\) or "sn" \(MQTT-SN over UDP\), not "udp"/);
  assert.ok(noStack(bad.err), bad.err);
});

t('"sleep" with "protocol": "sn": the MQTT-SN persist bundle and the MQTT-SN deep-sleep program are embedded; without sn the MQTT ones', () => {
  const cfg = join(dir, "sn-sleep.json");
  const out = join(dir, "sn-sleep-up.js");
  const base = { ssid: "lab", wifiPassword: "pw", host: "10.0.0.2", port: 10000, id: "node1", topic: "telemetry", sleep: 300, board: "ESP32" };
  writeFileSync(cfg, JSON.stringify({ ...base, protocol: "sn" }));
  const r = flash("--out", out, "--config", cfg);
  assert.is(r.status, 0, r.err);
  assert.match(r.out, /telemetry-sleep-sn\.js \+ CONFIG/);
  assert.match(r.out, /module mqttiny = MQTT-SN build\/mqttiny-sn-persist\.min\.js \(\d+ bytes\)/);
  const file = bootcde(readFileSync(out, "utf8"));
  assert.ok(file.includes('require("dgram")') && file.includes('require("Storage")'), "the MQTT-SN bundle with persist (dgram, Storage)");
  assert.ok(file.includes("c.sleep(Math.max(1, Math.min(65535, CONFIG.sleep)))"), "the MQTT-SN deep-sleep program");
  writeFileSync(cfg, JSON.stringify(base));
  const m = flash("--out", out, "--config", cfg);
  assert.is(m.status, 0, m.err);
  assert.match(m.out, /telemetry-sleep\.js \+ CONFIG .* module mqttiny = build\/mqttiny-persist\.min\.js/);
});

t("--program FILE: one's own board program with the module embedded (CONFIG only with --config)", () => {
  const prog = join(dir, "my.js");
  writeFileSync(prog, 'var mqtt = require("mqttiny").connect({ host: "10.0.0.2", clientId: "mine" });\nmqtt.on("connected", function () { mqtt.publish("mine/hello", "hi"); });\n');
  const out = join(dir, "mine.js");
  const r = flash("--program", prog, "--out", out, "--save", "ram");
  assert.is(r.status, 0, r.err);
  assert.is(r.err, "", "no config note: the program does not use CONFIG");
  const up = readFileSync(out, "utf8");
  assert.ok(up.includes('Modules.addCached("mqttiny"'), "module embedded");
  assert.ok(up.includes(readFileSync(DEVICE, "utf8").slice(0, 200)), "the minified bundle itself");
  assert.ok(up.includes('mqtt.publish("mine/hello", "hi")'), "the program");
  assert.not.ok(up.includes("var CONFIG"), "no CONFIG");
  assert.not.ok(up.includes("function joinWifi"), "not the telemetry program");
  assert.equal(es5Problems(up), []);
  // With --config the settings come first; in flash mode the program and module land in .bootcde.
  const out2 = join(dir, "mine-flash.js");
  assert.is(flash("--program", prog, "--config", goodConfig, "--out", out2).status, 0);
  const file = bootcde(readFileSync(out2, "utf8"));
  assert.ok(file.includes('var CONFIG = {"ssid":"lab"') && file.includes('mqtt.publish("mine/hello", "hi")') && file.includes('Modules.addCached("mqttiny"'));
  // A program that never requires the module is told so.
  const plain = join(dir, "plain.js");
  writeFileSync(plain, "console.log(1);\n");
  assert.match(flash("--program", plain, "--out", join(dir, "plain-up.js")).err, /does not call require\("mqttiny"\)/);
  assert.match(flash("--program", join(dir, "nope.js"), "--out", join(dir, "x.js")).err, /no program .*nope\.js/);
});

t("TLS: ca, cert and key in config.json name PEM files (relative to it); their text is embedded in the upload, the key's never printed", () => {
  const cfgDir = join(dir, "tls-cfg");
  mkdirSync(join(cfgDir, "certs"), { recursive: true });
  const c = makeCerts(join(cfgDir, "certs"));
  const cfg = join(cfgDir, "config.json");
  const base = { ...JSON.parse(readFileSync("device/config.example.json", "utf8")), ssid: "lab", wifiPassword: "pw", port: 8883, tls: true };
  writeFileSync(cfg, JSON.stringify({ ...base, ca: "certs/ca.crt", cert: "certs/client.crt", key: "certs/client.key" }));
  const out = join(dir, "tls-up.js");
  const r = flash("--out", out, "--config", cfg);
  assert.is(r.status, 0, r.err);
  const key = readFileSync(c.clientKeyFile, "utf8");
  const file = bootcde(readFileSync(out, "utf8"));
  const config = JSON.parse(/var CONFIG = (.*);\n/.exec(file)![1]);
  assert.is(config.key, key, "the key's text is in the upload");
  assert.is(config.cert, readFileSync(c.clientCertFile, "utf8"));
  assert.is(config.ca, readFileSync(c.caFile, "utf8"));
  assert.ok(file.includes("o.key = CONFIG.key") && file.includes("o.tls = CONFIG.tls"), "the telemetry program passes them to connect");
  assert.match(r.out, /TLS files ca .*ca\.crt, cert .*client\.crt, key .*client\.key/);
  const body = key.split("\n").filter((l) => l && !l.startsWith("-----"));
  for (const s of [r.out, r.err]) for (const l of body) assert.not.ok(s.includes(l), "a line of the key printed: " + s);
  // A missing file is named by its path; a file that is not PEM is refused; neither prints any key text.
  writeFileSync(cfg, JSON.stringify({ ...base, key: "certs/none.key" }));
  const missing = flash("--out", out, "--config", cfg);
  assert.is(missing.status, 1);
  assert.match(missing.err, /"key": cannot read .*certs\/none\.key/);
  writeFileSync(join(cfgDir, "certs/der.key"), "\x30\x82binary");
  writeFileSync(cfg, JSON.stringify({ ...base, key: "certs/der.key" }));
  assert.match(flash("--out", out, "--config", cfg).err, /"key": .*der\.key is not a PEM file/);
  // Invalid JSON around an inline key: the parser's quote of the text is not shown.
  writeFileSync(cfg, '{"tls": true, "key": "' + key.replace(/\n/g, "\\n") + '" oops}');
  const bad = flash("--out", out, "--config", cfg);
  assert.is(bad.status, 1);
  assert.match(bad.err, /is not valid JSON/);
  for (const l of body) assert.not.ok(bad.err.includes(l) || bad.out.includes(l), "a line of the key printed: " + bad.err);
  // Certificate files without "tls": true: a note, since the board would connect in the clear.
  writeFileSync(cfg, JSON.stringify({ ...base, tls: undefined, ca: "certs/ca.crt" }));
  assert.match(flash("--out", out, "--config", cfg).err, /names certificate files but not "tls": true/);
});

t("--port: a missing config, or the example's placeholder Wi-Fi, is refused before anything is sent", () => {
  const missing = flash("--port", "/dev/null", "--config", join(dir, "none.json"));
  assert.is(missing.status, 1);
  assert.match(missing.err, /no .*none\.json: cp device\/config\.example\.json device\/config\.json/);
  const example = flash("--port", "/dev/null", "--config", "device/config.example.json");
  assert.is(example.status, 1);
  assert.match(example.err, /still has the example's placeholder Wi-Fi \(ssid "my-wifi"\)/);
  for (const r of [missing, example]) {
    assert.ok(noStack(r.err), r.err);
    assert.not.match(r.out, /module mqttiny/, "the CLI never ran");
  }
});

t("--port: a serial port that is not there is reported as such (not the CLI's Bluetooth stack trace)", () => {
  const r = flash("--port", "/dev/ttyUSB-mqttiny-none", "--config", goodConfig);
  assert.is(r.status, 1);
  assert.match(r.err, /^cannot upload:\n  no serial port \/dev\/ttyUSB-mqttiny-none: is the board plugged in/);
  assert.ok(noStack(r.err), r.err);
  // A path that exists but is no serial port: the CLI (with --no-ble) says "Unable to connect!" and
  // exits 0; that is reported as the port it could not open.
  const n = flash("--port", "/dev/null", "--config", goodConfig);
  assert.is(n.status, 1);
  assert.match(n.err, /^could not open serial port \/dev\/null: is the board plugged in.*found no serial port by that name/);
  assert.ok(noStack(n.err), n.err);
});

t("--port tcp://HOST:PORT: the CLI uploads to a board's telnet console with --no-ble (no Bluetooth stack, no D-Bus needed)", async () => {
  // A console that answers each line with a prompt, as Espruino's does, and keeps what it was sent.
  let got = "";
  const server = net.createServer((s) => {
    s.on("data", (d) => {
      got += d.toString("latin1");
      if (d.includes(10)) s.write("\r\n>");
    });
    s.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const r = await flashAsync(["--port", `tcp://127.0.0.1:${port}`, "--config", goodConfig]);
    assert.is(r.status, 0, r.err + r.out);
    assert.match(r.out, /uploaded to flash \(\.bootcde\)/);
    assert.ok(got.includes('require("Storage").write(".bootcde","Modules.addCached(\\"mqttiny\\"'), got.slice(0, 300));
    assert.ok(got.includes('load(".bootcde")'), "the upload ends by loading what it wrote");
    assert.ok(noStack(r.err), r.err);
  } finally {
    server.close();
  }
});

t("--port tcp:// --pretokenise: the console gets the token bytes (128-255) as one byte each, exactly the upload --out writes (the CLI's socket alone sent them as UTF-8)", async () => {
  let got = Buffer.alloc(0);
  const server = net.createServer((s) => {
    s.on("data", (d) => {
      got = Buffer.concat([got, d]);
      if (d.includes(10)) s.write("\r\n>");
    });
    s.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const out = join(dir, "tok-tcp.js");
  try {
    const r = await flashAsync(["--port", `tcp://127.0.0.1:${port}`, "--config", goodConfig, "--pretokenise", "--out", out]);
    assert.is(r.status, 0, r.err + r.out);
    const lines = readFileSync(out, "latin1").split("\n").filter((l) => l.startsWith('require("Storage").write(".bootcde"'));
    assert.ok(lines.length > 5 && /[\x80-\xff]/.test(lines[1]), "token bytes in the upload");
    const sent = got.toString("latin1");
    for (const l of lines) assert.ok(sent.includes(l), "a .bootcde chunk arrived changed: " + l.slice(0, 80));
  } finally {
    server.close();
  }
});

t("--port tcp://: a console that refuses the connection exits 1 and says why (the CLI itself exits 0)", () => {
  const r = flash("--port", "tcp://127.0.0.1:1", "--config", goodConfig);
  assert.is(r.status, 1);
  assert.match(r.err, /^could not upload to tcp:\/\/127\.0\.0\.1:1: ECONNREFUSED/);
  assert.not.match(r.out, /uploaded/);
});

t("npm run flash -- --program my.js: a relative path is taken from the folder npm was run in (INIT_CWD)", () => {
  const caller = join(dir, "caller");
  mkdirSync(join(caller, "progs"), { recursive: true });
  writeFileSync(join(caller, "progs/my.js"), 'var m = require("mqttiny");\nprint("mine");\n');
  const r = npmFlash(caller, ["--program", "progs/my.js", "--out", "up.js", "--save", "ram"]);
  assert.is(r.status, 0, r.err);
  assert.ok(existsSync(join(caller, "up.js")), "--out is written in the caller's folder too");
  assert.ok(readFileSync(join(caller, "up.js"), "utf8").includes('print("mine")'));
  assert.match(r.out, /^progs\/my\.js \(/, "named as the caller gave it");
});

t("--program: a program that is not there is named by the full path tried and the folder it was taken from", () => {
  const caller = join(dir, "caller2");
  mkdirSync(caller, { recursive: true });
  const r = npmFlash(caller, ["--program", "none.js", "--out", "x.js"]);
  assert.is(r.status, 1);
  assert.is(r.err.trim(), `no program ${join(caller, "none.js")} (none.js taken from ${caller})`);
});

t("--emulate: flags that do not go with it, and a --seconds without it, are refused (exit 2)", () => {
  for (const [args, msg] of [
    [["--emulate", "--port", "/dev/ttyUSB0"], "--emulate and --port: one board at a time"],
    [["--out", "x.js", "--seconds", "5"], "--seconds goes with --emulate"],
    [["--emulate", "--seconds", "0"], "--seconds 0: seconds, more than 0"],
    [["--emulate", "--seconds", "soon"], "--seconds soon: seconds, more than 0"],
  ] as [string[], string][]) {
    const r = flash(...args);
    assert.is(r.status, 2, args.join(" "));
    assert.ok(r.err.includes(msg), r.err);
  }
});

t("--emulate with a wrong ESPRUINO exits 1 with one line naming it (never runs anything else instead)", () => {
  const bad = spawnSync(process.execPath, ["device/flash.mjs", "--emulate", "--seconds", "1"], { encoding: "utf8", timeout: 60_000, env: { ...process.env, ESPRUINO: join(dir, "no-such-espruino") } });
  assert.is(bad.status, 1, bad.stderr);
  assert.match(bad.stderr, /^no Espruino interpreter: ESPRUINO=.*no-such-espruino does not exist; set ESPRUINO to a folder of Linux builds \(device\/build-espruino\.sh/);
  assert.is(bad.stderr.trim().split("\n").length, 1, bad.stderr);
  assert.not.match(bad.stdout, /broker|uploaded/);
});

t.run();
