// Prints the exact byte size of each built bundle (raw and gzipped) against its budget.
// Imported by the size test as well, so the budgets live in one place.
import { readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

export const budgets = { "build/mqttiny.min.js": 3000, "build/mqttiny-codec.min.js": 3700 };

export function sizes() {
  const out = [];
  for (const [file, budget] of Object.entries(budgets)) {
    if (!existsSync(file)) continue;
    const src = readFileSync(file);
    out.push({ file, bytes: src.length, gzip: gzipSync(src, { level: 9 }).length, budget });
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const s of sizes()) console.log(`${s.file}: ${s.bytes} bytes minified (${s.gzip} gzipped), budget ${s.budget}${s.bytes > s.budget ? " OVER BUDGET" : ""}`);
}
