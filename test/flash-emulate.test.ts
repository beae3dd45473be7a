// `npm run flash -- --emulate`: the espruino CLI flashes the upload to the real interpreter's telnet console
// (tcp://127.0.0.1:2323) as it would a board, and the program runs there against a broker. Each claim is
// checked by what the interpreter alone can print (its layout's memory) and by an independent subscriber.
// The console's port is fixed by the interpreter build, so these runs go one at a time.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import mqtt from "mqtt";
import { startMosquitto } from "./brokers";
import { haveBoards, ESP } from "./espruino-helpers";

const t = suite("flash --emulate");
const dir = mkdtempSync(join(tmpdir(), "flash-emulate-"));
t.after(() => rmSync(dir, { recursive: true, force: true }));

type Run = { status: number | null; out: string; err: string; ms: number };
/** `npm run flash -- ARGS` run from `caller` (npm's INIT_CWD), with ESPRUINO and `env`. */
function npmFlash(caller: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const t0 = Date.now();
  const p = spawn(process.execPath, [join(process.cwd(), "device/flash.mjs"), ...args], { env: { ...process.env, ESPRUINO: ESP ? ESP.from : "", npm_lifecycle_event: "flash", INIT_CWD: caller, ...env } });
  let out = "";
  let err = "";
  p.stdout.on("data", (d) => (out += d));
  p.stderr.on("data", (d) => (err += d));
  const guard = setTimeout(() => p.kill("SIGKILL"), 180_000);
  return new Promise((r) => p.on("close", (status) => (clearTimeout(guard), r({ status, out, err, ms: Date.now() - t0 }))));
}

const MINE = `var mq = require("mqttiny");
var c = mq.connect({ host: CONFIG.host, port: CONFIG.port, clientId: "mine" });
var n = 0;
c.on("connected", function () {
  console.log("connected; blocks " + process.memory().total);
  setInterval(function () { n++; c.publish("mine/reading", "" + n, { qos: 1 }); }, 500);
});
`;

if (haveBoards(t, ["esp32"])) {
  t("your own program, flashed by the CLI to the ESP32 layout: it runs there (16,383 blocks) and its readings reach an independent subscriber", async () => {
    const caller = join(dir, "mine");
    mkdirSync(caller, { recursive: true });
    writeFileSync(join(caller, "my.js"), MINE);
    const m = await startMosquitto();
    const sub = mqtt.connect(`mqtt://127.0.0.1:${m.port}`, { clientId: "watch-emulate" });
    const got: string[] = [];
    sub.on("message", (topic, p) => got.push(topic + " " + p));
    try {
      await sub.subscribeAsync("mine/#", { qos: 1 });
      const r = await npmFlash(caller, ["--emulate", "--program", "my.js", "--seconds", "3"], { MQTT_URL: `mqtt://127.0.0.1:${m.port}` });
      assert.is(r.status, 0, r.err + r.out);
      assert.match(r.out, /-> the interpreter's esp32 layout \(tcp:\/\/127\.0\.0\.1:2323\)/);
      assert.match(r.out, /^connected; blocks 16383$/m, "printed by the program on the ESP32 layout: " + r.out);
      assert.ok(got.includes("mine/reading 1") && got.includes("mine/reading 2"), "subscriber got: " + got.join(", "));
      assert.match(r.out, /^broker <- mine\/reading 1$/m);
      assert.match(r.out, /emulated ESP32: stopped; \d+ message\(s\) reached the broker/);
      assert.ok(r.ms < 60_000, `bounded: ${r.ms} ms`);
      console.log(`  esp32: my.js flashed and run 3 s in ${r.ms} ms; subscriber got ${got.length} readings`);
    } finally {
      sub.end(true);
      await m.stop();
    }
  });

  t("a program that throws on the interpreter: its error is printed and the run exits 1", async () => {
    writeFileSync(join(dir, "bad.js"), 'var mq = require("mqttiny");\nsetTimeout(function () { undefinedFunction(); }, 100);\n');
    const r = await npmFlash(dir, ["--emulate", "--program", "bad.js", "--seconds", "2"]);
    assert.is(r.status, 1, r.out);
    assert.match(r.out, /Uncaught ReferenceError: "undefinedFunction" is not defined|Uncaught ReferenceError.*undefinedFunction/);
    assert.match(r.out, /the program reported an error/);
  });

  t("MQTT_URL naming no broker, or not mqtt://: one line naming it, exit 1, nothing uploaded", async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    srv.close();
    const [none, tls] = await Promise.all([npmFlash(dir, ["--emulate", "--seconds", "1"], { MQTT_URL: `mqtt://127.0.0.1:${port}` }), npmFlash(dir, ["--emulate", "--seconds", "1"], { MQTT_URL: "mqtts://127.0.0.1:8883" })]);
    assert.is(none.status, 1);
    assert.is(none.err.trim(), `cannot use the broker at mqtt://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
    assert.is(tls.status, 1);
    assert.is(tls.err.trim(), "MQTT_URL: only mqtt:// (plain TCP) is supported with --emulate");
    assert.not.match(none.out + tls.out, /interpreter:|uploaded/);
  });

  t("the console's fixed port already taken: exit 1 naming it, nothing uploaded", async () => {
    const s = net.createServer();
    const free = await new Promise<boolean>((r) => (s.once("error", () => r(false)), s.listen(2323, "127.0.0.1", () => r(true))));
    if (!free) return; // something else holds it: the check is then what every other test here would meet
    try {
      const r = await npmFlash(dir, ["--emulate", "--program", "bad.js", "--seconds", "1"]);
      assert.is(r.status, 1);
      assert.match(r.err, /^port 2323 on 127\.0\.0\.1 is in use: the interpreter's console has that fixed port, so one emulated board runs at a time/m);
      assert.not.match(r.out, /uploaded/);
    } finally {
      s.close();
    }
  });
}

if (haveBoards(t, ["esp8266"])) {
  t("the telemetry program on the ESP8266 layout, against the mosquitto the tool starts: queued readings reach the broker, free blocks under 1,700", async () => {
    const cfg = join(dir, "config.json");
    writeFileSync(cfg, JSON.stringify({ ssid: "x", wifiPassword: "", host: "192.0.2.1", port: 1, id: "node7", topic: "telemetry", interval: 1, keepalive: 10, verbose: true }));
    const r = await npmFlash(dir, ["--emulate", "--board", "ESP8266", "--config", "config.json", "--seconds", "4"], { MQTT_URL: "" });
    assert.is(r.status, 0, r.err + r.out);
    assert.match(r.out, /^broker: mqtt:\/\/127\.0\.0\.1:\d+ \(mosquitto started here\)$/m);
    assert.match(r.out, /^\[node7\] queued telemetry\/node7\/temp \{"seq":1,/m);
    const reading = /^broker <- telemetry\/node7\/temp (\{.*\})$/m.exec(r.out);
    assert.ok(reading, r.out);
    const free = JSON.parse(reading![1]).free;
    assert.ok(free > 0 && free < 1700, `free ${free}: the ESP8266 layout has 1,700 blocks`);
    assert.match(r.out, /^broker <- telemetry\/node7\/status online$/m);
    console.log(`  esp8266: telemetry flashed and run 4 s in ${r.ms} ms; a reading says free ${free} blocks`);
  });

  t("--pretokenise on the ESP8266 layout: the tokens reach Storage intact over the console's TCP link, and readings reach the broker", async () => {
    const cfg = join(dir, "config-tok.json");
    writeFileSync(cfg, JSON.stringify({ ssid: "x", wifiPassword: "", host: "h", port: 1, id: "node8", topic: "telemetry", interval: 1, keepalive: 10, verbose: true }));
    const r = await npmFlash(dir, ["--emulate", "--board", "ESP8266", "--config", "config-tok.json", "--pretokenise", "--seconds", "3"]);
    assert.is(r.status, 0, r.err + r.out);
    assert.match(r.out, /; pretokenised;/);
    assert.not.match(r.out, /File already written with different data|Uncaught/);
    assert.match(r.out, /^broker <- telemetry\/node8\/temp \{"seq":1,/m);
  });
}

t.run();
