// TLS on the real Espruino interpreter (2v29): the device bundle loaded from Storage connects through
// require("tls") to a mosquitto whose TLS listeners and certificates openssl made for the test (a CA, a
// server certificate, a client certificate signed by the CA, and another CA that signed nothing here).
// Certificates are handed to connect() as PEM text, as users have them, or as DER byte Strings.
// Mostly the ESP32 layout; the ESP8266 layout is tried once and what happens is recorded.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import mqtt from "mqtt";
import { readFileSync } from "node:fs";
import { DEVICE } from "./bundle-helpers";
import { startMosquitto } from "./brokers";
import type { Mosquitto } from "./brokers";
import { haveBoards, deviceRun, loadModule, results, deviceErrors, until, sleep } from "./espruino-helpers";
import { connect as nodeConnect } from "../src/node";

const t = suite("espruino: TLS");

// A failed handshake reaches the program as an uncaught InternalError ("mbedtls_ssl_handshake returned
// -0x1") after the socket's close, from the interpreter's event loop: nothing in the transport can
// catch it. Programs here count it with process.on("uncaughtException") and print it.
const UNCAUGHT = `var uncaught = 0;\nprocess.on("uncaughtException", function (e) { uncaught++; out("uncaught" + uncaught, "" + e); });\n`;

/** PEM text of a file as a JS string literal for the device program. */
const pem = (f: string) => JSON.stringify(readFileSync(f, "utf8"));
/** A PEM file as the device's atob() of its body: a DER byte String made on the device. */
const derOnDevice = (f: string) => `atob(${JSON.stringify(readFileSync(f, "utf8").replace(/-----[^-]+-----|\s/g, ""))})`;

/** Runs `body` (ES5; `lib` is the bundle, `P`/`T`/`M` the plain, TLS and client-certificate ports) against a fresh mosquitto. */
async function onDevice(board: string, o: { body: (m: Mosquitto) => string; persistence?: boolean; timeoutMs?: number; watch?: any }, test: (x: { m: Mosquitto; h: any; r: () => Record<string, any>; w: mqtt.MqttClient }) => Promise<void>) {
  const m = await startMosquitto({ tls: true, mtls: true, persistence: o.persistence });
  const w = await mqtt.connectAsync(`mqtt://127.0.0.1:${m.port}`, { clientId: "watch", reconnectPeriod: 200, ...o.watch });
  const h = deviceRun(board, {
    storage: { mqttiny: DEVICE },
    timeoutMs: o.timeoutMs ?? 60000,
    program: `var P = ${m.port}, T = ${m.tlsPort}, M = ${m.mtlsPort};\n` + UNCAUGHT + loadModule("mqttiny", DEVICE, "storage") + o.body(m),
  });
  try {
    await test({ m, h, w, r: () => results(h.lines.join("\n")) });
  } finally {
    h.kill();
    await h.done;
    w.end(true);
    await m.stop();
  }
}

const noErrors = (h: any) => assert.equal(deviceErrors(h.lines.join("\n")), [], h.lines.join("\n"));

if (haveBoards(t, ["esp32"])) {
  t("esp32: server-only TLS (ca as PEM text) connects and a QoS 1 publish arrives; blocks used by a connected TLS client printed", async () => {
    // First a plain TCP client, connected and ended, for comparison on the same layout.
    const body = (m: Mosquitto) => `
var p0 = mem().usage, plain = lib.connect({ host: "127.0.0.1", port: P, clientId: "plain1" });
plain.on("connected", function () { out("plain", mem().usage - p0); plain.end(); plain = null; setTimeout(tls, 300); });
var u0, u1, cl;
function tls() {
u0 = mem().usage;
cl = lib.connect({ host: "127.0.0.1", port: T, tls: true, ca: ${pem(m.certs!.caFile)}, clientId: "tls1" });
cl.on("error", function (e) { out("error", e.message); });
u1 = mem().usage;
cl.on("connected", function () {
  var u2 = mem().usage;
  cl.publish("tls/t", "secure", { qos: 1 });
  setTimeout(function () { out("mem", { created: u1 - u0, connected: u2 - u0, afterPuback: mem().usage - u0, queued: cl.queued(), free: process.memory().free, total: process.memory().total, min: __min }); cl.end(); }, 1000);
});
}
`;
    await onDevice("esp32", { body }, async ({ h, w, r }) => {
      const got: string[] = [];
      w.on("message", (_t, p) => got.push(p.toString()));
      await w.subscribeAsync("tls/t", { qos: 1 });
      await until(() => r().mem != null || deviceErrors(h.lines.join("\n")).length > 0, 40000, "connected over TLS", h);
      noErrors(h);
      await until(() => got.length == 1, 5000, "the message at the subscriber");
      const x = r().mem;
      assert.is(got[0], "secure");
      assert.is(x.queued, 0, "PUBACK came back");
      assert.is(r().error, undefined);
      console.log(
        `  esp32: TLS client blocks (14-byte blocks, ${x.total} total): ${x.created} after connect() (the CA as DER held for reconnects), ` +
          `${x.connected} connected, ${x.afterPuback} after a PUBACK (a plain TCP client connected: ${r().plain}); lowest free ${x.min}`,
      );
    });
  });

  t("esp32: mutual TLS: cert + key as PEM text connect to a listener with require_certificate, and publish", async () => {
    const body = (m: Mosquitto) => `
var cl = lib.connect({ host: "127.0.0.1", port: M, tls: true, ca: ${pem(m.certs!.caFile)}, cert: ${pem(m.certs!.clientCertFile)}, key: ${pem(m.certs!.clientKeyFile)}, clientId: "mtls" });
cl.on("error", function (e) { out("error", e.message); });
cl.on("connected", function () { out("connected", mem().free); cl.publish("tls/m", "with a client certificate", { qos: 1 }); setTimeout(function () { out("done", cl.queued()); cl.end(); }, 800); });
`;
    await onDevice("esp32", { body }, async ({ h, w, r }) => {
      const got: string[] = [];
      w.on("message", (_t, p) => got.push(p.toString()));
      await w.subscribeAsync("tls/m", { qos: 1 });
      await until(() => r().done != null || deviceErrors(h.lines.join("\n")).length > 0, 40000, "connected with a client certificate", h);
      noErrors(h);
      await until(() => got.length == 1, 5000, "the message at the subscriber");
      assert.is(r().done, 0);
      assert.is(r().error, undefined);
      assert.is(r().uncaught1, undefined);
      console.log(`  esp32: mutual TLS connected (free ${r().connected}), message arrived: ${got[0]}`);
    });
  });

  t("esp32: mutual TLS without a client certificate: an error event each attempt, backoff (no storm), never connected", async () => {
    const body = () => `
var t0 = Date.now(), errors = [], connected = 0;
var cl = lib.connect({ host: "127.0.0.1", port: M, tls: true, clientId: "nocert" });
cl.on("error", function (e) { errors.push({ at: Date.now() - t0, code: e.code, message: e.message }); });
cl.on("connected", function () { connected++; });
setTimeout(function () { out("result", { errors: errors, connected: connected, uncaught: uncaught }); cl.end(); }, 7000);
`;
    await onDevice("esp32", { body }, async ({ h, r }) => {
      await until(() => r().result != null, 40000, "7 s of attempts", h);
      const x = r().result;
      const at = x.errors.map((e: any) => e.at);
      const gaps = at.slice(1).map((a: number, i: number) => a - at[i]);
      console.log(`  esp32: no client certificate: ${x.errors.length} attempts in 7 s at ${JSON.stringify(at)} ms; error events: ${JSON.stringify([...new Set(x.errors.map((e: any) => e.code + " " + e.message))])}; interpreter: ${r().uncaught1}`);
      assert.is(x.connected, 0);
      assert.ok(x.errors.length >= 2 && x.errors.length <= 5, `2-5 attempts in 7 s with reconnectMin 1000 doubling, got ${x.errors.length}`);
      assert.ok(gaps[gaps.length - 1] >= 900, "the gaps grow: " + JSON.stringify(gaps));
      // Whether the interpreter reported the socket open before the handshake failed varies from run to run.
      for (const e of x.errors) assert.ok(/^(connect failed|closed before CONNACK): (127\.0\.0\.1:\d+: )?(TLS handshake failed|unsent data)$/.test(e.message), JSON.stringify(e));
      assert.match(r().uncaught1, /mbedtls_ssl_handshake returned/);
      // Only the handshake errors are uncaught: nothing else went wrong on the device.
      assert.equal(deviceErrors(h.lines.join("\n").replace(/^@uncaught.*$/gm, "")), []);
    });
  });

  t("esp32: QoS 1 through a broker restart over TLS: every message reaches a persistent subscriber", async () => {
    const N = 60;
    const body = (m: Mosquitto) => `
var cl = lib.connect({ host: "127.0.0.1", port: T, tls: true, ca: ${pem(m.certs!.caFile)}, clientId: "tlsrestart", clean: false, reconnectMin: 200, reconnectMax: 1000 });
var i = 0, conns = 0;
cl.on("error", function (e) { out("error" + conns, e.message); });
cl.on("connected", function () { conns++; out("connected" + conns, Date.now()); if (conns == 1) next(); });
function next() {
  if (i == ${N}) return wait();
  if (cl.publish("tls/r", "m" + i, { qos: 1 })) { i++; if (i == 20) out("sent20", 1); }
  setTimeout(next, 60);
}
function wait() { if (cl.queued()) return setTimeout(wait, 100); out("done", { conns: conns, free: mem().free }); cl.end(); }

`;
    await onDevice("esp32", { body, persistence: true, timeoutMs: 80000, watch: { clientId: "tls-restart-sub", clean: false } }, async ({ m, h, w, r }) => {
      const got = new Set<string>();
      let n = 0;
      w.on("message", (_t, p) => (n++, got.add(p.toString())));
      await w.subscribeAsync("tls/r", { qos: 1 });
      await until(() => r().sent20 != null, 40000, "20 sent", h);
      await m.stop();
      await sleep(500);
      await m.start();
      await until(() => r().done != null, 50000, "all sent and acknowledged", h);
      await until(() => got.size == N, 10000, `all ${N} at the subscriber (${got.size})`);
      const x = r();
      console.log(`  esp32: QoS 1 through a restart over TLS: ${got.size} of ${N} distinct at the subscriber (${n - got.size} duplicates), ${x.done.conns} TLS connects; the last error before reconnecting: ${x.error1}`);
      assert.ok(x.done.conns >= 2, "reconnected after the restart");
      assert.is(got.size, N);
      assert.equal(deviceErrors(h.lines.join("\n")), [], h.lines.join("\n"));
    });
  });

  t("esp32: Espruino 2v29 does NOT verify the broker: with the ca of another CA it still connects (Node refuses the same)", async () => {
    const body = (m: Mosquitto) => `
var cl = lib.connect({ host: "127.0.0.1", port: T, tls: true, ca: ${derOnDevice(m.certs!.otherCaFile)}, clientId: "wrongca" });
cl.on("error", function (e) { out("error", e.message); });
cl.on("connected", function () { out("connected", 1); cl.end(); });
setTimeout(function () { out("timeout", 1); cl.end(); }, 15000);
`;
    await onDevice("esp32", { body }, async ({ m, h, r }) => {
      await until(() => r().connected != null || r().timeout != null, 40000, "connected or the 15 s deadline", h);
      // Node with the same wrong CA: the handshake is refused.
      const c = nodeConnect({ host: "127.0.0.1", port: m.tlsPort, tls: true, ca: readFileSync(m.certs!.otherCaFile), reconnectMin: 5000 });
      let nodeErr: any = null;
      c.on("error", (e: any) => (nodeErr = nodeErr || e));
      await until(() => nodeErr != null, 5000, "Node's refusal");
      c.end(true);
      const x = r();
      console.log(`  esp32: ca of another CA: Espruino 2v29 ${x.connected ? "CONNECTED (the broker's certificate is not checked)" : "refused: " + x.error}; Node: ${nodeErr.message}`);
      assert.is(x.connected, 1, "2v29 accepts a broker certificate the ca did not sign; if this fails, the board now verifies: update the README's TLS section");
      assert.match(nodeErr.message, /certificate/i);
      noErrors(h);
    });
  });
}

if (haveBoards(t, ["esp8266"])) {
  t("esp8266: a TLS connection does not fit the 1,700-block layout (recorded: what the interpreter does)", async () => {
    const body = (m: Mosquitto) => `
var cl = lib.connect({ host: "127.0.0.1", port: T, tls: true, ca: ${pem(m.certs!.caFile)}, clientId: "tls8266", storeSize: 256 });
out("created", mem().free);
cl.on("error", function (e) { out("error", e.message); });
cl.on("connected", function () { out("connected", mem().free); cl.end(); });
setTimeout(function () { out("timeout", mem().free); cl.end(); }, 15000);
`;
    await onDevice("esp8266", { body, timeoutMs: 30000 }, async ({ h, r }) => {
      let exited = false;
      h.done.then(() => (exited = true));
      await until(() => r().connected != null || r().timeout != null || exited || /ASSERT|OUT OF MEMORY|EXITING/.test(h.lines.join("\n")), 30000, "an outcome", h);
      await sleep(300);
      const out = h.lines.join("\n");
      const what = (out.match(/ASSERT\([^\n]*|OUT OF MEMORY|Uncaught[^\n]*|@error[^\n]*/) || ["(nothing)"])[0];
      console.log(`  esp8266: bundle loaded (free ${r().load && r().load.free}, ${r().created} after connect()); TLS: ${r().connected != null ? "connected" : "not connected: " + what}`);
      assert.is(r().connected, undefined, "TLS connected on the ESP8266 layout: update the README's TLS section");
    });
  });
}

t.run();
