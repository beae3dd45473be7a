// The built codec bundle under Duktape, an interpreter standing in for one on a device: encode and
// decode operations per second of a PUBLISH QoS 0 (an absolute figure for this machine).
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs `script` under duk from a file in a temporary folder, removed however duk ends; its printed JSON. */
function duk(prefix, script) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const f = join(dir, "run.js");
    writeFileSync(f, script);
    return JSON.parse(execFileSync("duk", [f], { encoding: "utf8", timeout: 300000 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function dukRates(quick) {
  const n = quick ? 20000 : 100000;
  const script = `var lib = (function () { var exports = {};\n${readFileSync("build/mqttiny-codec.min.js", "utf8")}\nreturn exports; })();
var b = new Uint8Array(64), d = lib.createDecoder(64), i, t0, len;
t0 = Date.now(); for (i = 0; i < ${n}; i++) len = lib.encodePublish(b, 0, "sensors/node1/temp", "21.5", 0, false, false, 0);
var enc = ${n} * 1000 / Math.max(1, Date.now() - t0);
var pkt = b.subarray(0, len);
t0 = Date.now(); for (i = 0; i < ${n}; i++) lib.decode(d, pkt, 0);
var dec = ${n} * 1000 / Math.max(1, Date.now() - t0);
var s = ""; for (i = 0; i < len; i++) s += String.fromCharCode(b[i]);
t0 = Date.now(); for (i = 0; i < ${n}; i++) lib.decode(d, s, 0);
var decs = ${n} * 1000 / Math.max(1, Date.now() - t0);
print(JSON.stringify({ enc: enc, dec: dec, decString: decs, ok: d.st == 1 }));`;
  const codec = duk("dukb-", script);
  // The whole device bundle: client publishes (QoS 0, and QoS 1 with its PUBACK fed back) through a
  // sink transport, i.e. the per-packet JS work a board's interpreter would do.
  const m = quick ? 5000 : 20000;
  const client = `var lib = (function () { var exports = {};\n${readFileSync("build/mqttiny.min.js", "utf8")}\nreturn exports; })();
var start = null, ev = null, written = 0;
var c = lib.createClient({ clientId: "duk", keepalive: 0, storeSize: 4096,
  clock: { now: function () { return 0; }, set: function (f, ms, a) { if (!start) start = function () { f(a); }; return 1; }, clear: function () {} },
  transport: function (h) { ev = h; return { write: function (b, a, z) { written += z - a; }, close: function () {}, hw: 1e12 }; } });
start(); ev.open(); ev.data("\x20\x02\x00\x00"); // the device bundle takes byte Strings, as an Espruino socket gives
var o0 = { qos: 0 }, o1 = { qos: 1 }, i, t0;
t0 = Date.now(); for (i = 0; i < ${m}; i++) c.publish("sensors/node1/temp", "21.5", o0);
var q0 = ${m} * 1000 / Math.max(1, Date.now() - t0);
t0 = Date.now(); for (i = 1; i <= ${m}; i++) { c.publish("sensors/node1/temp", "21.5", o1); ev.data("\x40\x02" + String.fromCharCode(i >> 8, i & 255)); }
var q1 = ${m} * 1000 / Math.max(1, Date.now() - t0);
print(JSON.stringify({ q0: q0, q1: q1, queued: c.queued() }));`;
  const cl = duk("dukc-", client);
  if (cl.queued !== 0) throw new Error("duk client left messages unacknowledged");
  return { ...codec, q0: cl.q0, q1: cl.q1 };
}
