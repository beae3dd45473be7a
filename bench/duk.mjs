// The built codec bundle under Duktape, an interpreter standing in for one on a device: encode and
// decode operations per second of a PUBLISH QoS 0 (an absolute figure for this machine).
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
  const f = join(mkdtempSync(join(tmpdir(), "dukb-")), "b.js");
  writeFileSync(f, script);
  return JSON.parse(execFileSync("duk", [f], { encoding: "utf8", timeout: 300000 }));
}
