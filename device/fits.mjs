// Can a board load a module the way an upload sends it (issue 29)? `npm run flash` refuses an upload
// that it cannot, with a one-line reason. Measured on the real interpreter's layout for the board when
// one is at hand ($ESPRUINO, else ../shared/espruino): the module loaded from a RAM string
// (Modules.addCached, as --save ram and the Web IDE send it) or from Storage (--save flash), and the
// blocks left after it. Otherwise the documented limits below.
import { existsSync, mkdtempSync, rmSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { findEspruino, runEspruino } from "./interpreter.mjs";

/** Blocks a connected client with default options needs beyond the module (ESP8266 layout, 2026-12-05: 261-275) and the program's own. */
export const CLIENT_BLOCKS = 300;

/**
 * Without an interpreter: the largest module each board loads, in bytes, measured on the interpreter
 * layouts on 2026-12-05. From a RAM string the source String takes a block per 7.9 characters on the
 * ESP8266 layout (1,618 blocks free at start) while its functions' texts are copied out of it: the first
 * 34 functions of the lite bundle (6,442 B) loaded at +805 blocks, 36 (6,659 B) ran out of memory; the
 * Espruino MQTT module's 6,139 B loads at +717. From Storage the text stays in flash: about 5.5 blocks a
 * function, so size is not the limit there.
 */
export const LIMITS = {
  ESP8266: { ram: 6400, flash: 40000 },
  ESP32: { ram: 60000, flash: 200000 },
};

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function espruino() {
  const own = join(root, "..", "shared", "espruino");
  return findEspruino() || (existsSync(own) ? findEspruino(own) : null);
}

/**
 * null when `board` (ESP8266 or ESP32) can load `bundle` sent with `save` ("ram" or "flash") and still
 * hold a connected client; else the one-line reason.
 */
export async function cannotLoad(board, bundle, save) {
  const layout = board.toLowerCase();
  const esp = espruino();
  const size = statSync(bundle).size;
  const name = bundle.replace(root + "/", "");
  if (!esp || !esp.boards[layout]) {
    const max = LIMITS[board.toUpperCase()] && LIMITS[board.toUpperCase()][save];
    if (max && size > max) return `${name} (${size} B) is over the ${max} B an ${board} loads ${save == "ram" ? "from a RAM string" : "from flash"} (device/fits.mjs; no interpreter layout to measure with)`;
    return null;
  }
  const r = await measure(esp, layout, bundle, save);
  const how = save == "ram" ? "from a RAM string (--save ram)" : "from Storage (--save flash)";
  if (r.oom || r.free == null) return `${name} (${size} B) does not load on the ${board} layout ${how}: out of memory${save == "ram" ? " while parsing; use --save flash" : ""}`;
  if (r.free < CLIENT_BLOCKS) return `${name} (${size} B) loads on the ${board} layout ${how} with ${r.free} blocks left, under the ${CLIENT_BLOCKS} a connected client needs`;
  return null;
}

/** Loads `bundle` on the interpreter's `layout` as `save` sends it: { blocks, free, oom }. */
export async function measure(esp, layout, bundle, save) {
  const cwd = mkdtempSync(join(tmpdir(), "mqttiny-fits-"));
  try {
    const path = resolve(bundle);
    let code = "";
    if (save == "flash") {
      // Into Storage 1 KB at a time, as the upload writes .bootcde; then out of RAM again.
      code += 'var S = require("Storage"); var f = E.openFile(' + JSON.stringify(path) + ', "r"), o = 0, d;\n';
      code += "while ((d = f.read(1024))) { S.write(\"mqttiny\", d, o, " + statSync(path).size + "); o += d.length; } f.close(); S = f = d = undefined;\n";
    }
    code += "var m0 = process.memory().usage;\n";
    if (save == "ram") code += 'Modules.addCached("mqttiny", require("fs").readFileSync(' + JSON.stringify(path) + "));\n";
    code += 'var lib = require("mqttiny");\nprint("@fits " + JSON.stringify({ blocks: process.memory().usage - m0, free: process.memory().free }));\n';
    const h = runEspruino({ esp, board: layout, code, cwd, timeoutMs: 30000 });
    const r = await h.done;
    const out = r.output || h.lines.join("\n");
    const m = /@fits (\{.*\})/.exec(out);
    const v = m ? JSON.parse(m[1]) : {};
    return { blocks: v.blocks, free: v.free, oom: /OUT OF MEMORY|LOW_MEMORY/.test(out) };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
