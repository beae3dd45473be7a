// What each build-time feature of src/features.ts costs (issue 29): the lite bundle with that one feature
// flipped, against lite itself, in bytes minified and in blocks after loading it from Storage on the
// ESP8266 layout of the interpreter (when $ESPRUINO or ../shared/espruino has it; device/fits.mjs).
//   node bench/features.mjs [--sn]
import { rollup } from "rollup";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FULL, LITE, deviceBuild } from "../rollup.config.js";
import { findEspruino } from "../device/interpreter.mjs";
import { measure } from "../device/fits.mjs";

const dir = mkdtempSync(join(tmpdir(), "mqttiny-features-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const esp = findEspruino() || findEspruino(join(import.meta.dirname, "..", "..", "shared", "espruino"));
const input = process.argv.includes("--sn") ? "src/espruino-sn.ts" : "src/espruino.ts";

async function one(name, f) {
  const file = join(dir, name + ".min.js");
  const o = deviceBuild(input, file, f);
  const b = await rollup({ input: o.input, plugins: o.plugins, onwarn: () => {} });
  await b.write(o.output);
  await b.close();
  const r = esp && esp.boards.esp8266 ? await measure(esp, "esp8266", file, "flash") : {};
  return { bytes: statSync(file).size, blocks: r.blocks };
}

const base = await one("lite", LITE);
const full = await one("full", FULL);
console.log(`lite: ${base.bytes} B, +${base.blocks ?? "?"} blocks from Storage (ESP8266 layout); full: ${full.bytes} B, +${full.blocks ?? "?"} blocks`);
console.log("| feature | bytes | blocks after load from Storage |\n|---|---|---|");
// Each feature flipped from what lite has: the cost of having it is (on - off) either way.
const sign = (n) => (n >= 0 ? "+" : "") + n;
for (const k of Object.keys(LITE)) {
  const x = await one(k, { ...LITE, [k]: !LITE[k] });
  const d = LITE[k] ? -1 : 1;
  console.log(`| ${k}${LITE[k] ? " (lite has it)" : ""} | ${sign(d * (x.bytes - base.bytes))} | ${x.blocks == null ? "?" : sign(d * (x.blocks - base.blocks))} |`);
}
