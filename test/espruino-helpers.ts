// Shared by the test/espruino-*.test.ts suites: the interpreter named by $ESPRUINO (device/interpreter.mjs),
// the skip rule, program snippets that load a bundle on the device, and small waiting helpers.
import * as assert from "uvu/assert";
import { resolve, join } from "node:path";
import { mkdtempSync, writeFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
// @ts-ignore: plain ESM module without types
import { findEspruino, runEspruino } from "../device/interpreter.mjs";
import { skipped } from "./skips";

export { runEspruino };
export const ESP = findEspruino();
export const CI = process.env.CI == "true" || process.env.CI == "1";
export const ABS = (p: string) => resolve(p);

let told = false;
/**
 * True when `board` can run. Otherwise: outside CI, one line for the whole run saying how to enable
 * these tests, and the caller registers nothing; under CI=true, or when ESPRUINO is set but names no
 * runnable build at all (a wrong path: the run asked for the interpreter), a failing test in `suite`.
 */
export function haveBoards(t: any, boards: string[]): boolean {
  const missing = boards.filter((b) => !ESP || !ESP.boards[b]);
  if (!missing.length) return true;
  const why = !ESP
    ? "ESPRUINO is not set"
    : `no runnable ${missing.join("/")} build in ${ESP.from}${ESP.problems.length ? " (" + ESP.problems.join("; ") + ")" : ""}`;
  if (CI) {
    t(`the real Espruino interpreter is available under CI (${missing.join(", ")})`, () => {
      assert.unreachable(why + ": .ci/run sets ESPRUINO to ../shared/espruino");
    });
    return false;
  }
  if (ESP && !Object.keys(ESP.boards).length) {
    t(`ESPRUINO names a runnable Espruino interpreter (${missing.join(", ")})`, () => {
      assert.unreachable(why + ": set ESPRUINO to a folder of Espruino's Linux builds (device/build-espruino.sh makes them), or unset it");
    });
    return false;
  }
  skipped(why);
  if (!told) {
    told = true;
    console.log(`  espruino-*.test.ts skipped (${why}): ESPRUINO=/path/to/espruino-builds npm test enables them; README "Testing on the real interpreter" says how to get a build`);
  }
  return false;
}

/** ES5 helpers every device program starts with: the lowest free count seen, and a line printer. */
export const PRELUDE = `
var __min = 1e9;
function mem() { var m = process.memory(); if (m.free < __min) __min = m.free; return m; }
function out(k, v) { print("@" + k + " " + (typeof v == "string" ? v : JSON.stringify(v))); }
`;

/**
 * Device code that loads the bundle at `path` as module `name` and prints @load (blocks it took, free
 * after): "ram" = its source as a RAM string (Modules.addCached(name, source), as the Web IDE does);
 * "storage" = require(name) finds it in Storage (pass it in deviceRun's `storage`; bodies stay in flash).
 */
export function loadModule(name: string, path: string, from: "ram" | "storage", as = "lib"): string {
  const add = from == "ram" ? `Modules.addCached(${JSON.stringify(name)}, require("fs").readFileSync(${JSON.stringify(ABS(path))}));\n` : "";
  return `
var __m0 = mem().usage;
${add}var ${as} = require(${JSON.stringify(name)});
out("load", { blocks: mem().usage - __m0, free: process.memory().free });
`;
}

/** The "@key value" lines a device program printed, parsed. */
export function results(output: string): Record<string, any> {
  const r: Record<string, any> = {};
  for (const l of output.split("\n")) {
    const m = /^@(\w+) (.*)$/.exec(l);
    if (!m) continue;
    try {
      r[m[1]] = JSON.parse(m[2]);
    } catch {
      r[m[1]] = m[2];
    }
  }
  return r;
}

/** Resolve when `f()` holds, checking every 20 ms; reject after `ms` with `what` and the device's output. */
export async function until(f: () => boolean, ms: number, what: string, dev?: { lines: string[] }): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) {
      let where = "";
      if (dev) {
        where = join(tmpdir(), `espruino-output-${process.pid}-${Date.now()}.txt`);
        writeFileSync(where, dev.lines.join("\n"));
      }
      throw new Error("timed out waiting for " + what + (dev ? `; device output (all of it in ${where}), last lines:\n` + dev.lines.slice(-15).join("\n") : ""));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A failure a program ran into: an uncaught error, an out-of-memory, or nothing printed. */
export function deviceErrors(output: string): string[] {
  return output.split("\n").filter((l) => /Uncaught|OUT OF MEMORY|LOW_MEMORY|Execution Interrupted|ReferenceError|SyntaxError/.test(l));
}

/**
 * Runs `program` on `board`: a short launcher writes each `storage` entry (module name -> file) and the
 * program (PRELUDE + program) into Storage, then evals the program from there, so the program's own text
 * stays in flash as on a board and does not count against the heap. Returns the runEspruino handle.
 */
export function deviceRun(board: string, o: { program: string; storage?: Record<string, string>; timeoutMs?: number; onLine?: (l: string) => void }) {
  const cwd = mkdtempSync(join(tmpdir(), "espruino-test-"));
  let h;
  try {
    writeFileSync(join(cwd, "prog.js"), PRELUDE + o.program);
    // Written 1 KB at a time (E.openFile), so even a 33 KB file never sits in RAM whole.
    let code = 'var S = require("Storage");\n';
    code += 'function put(n, p, size) { var f = E.openFile(p, "r"), o = 0, d; while ((d = f.read(1024))) { S.write(n, d, o, size); o += d.length; } f.close(); }\n';
    for (const [name, path] of Object.entries({ ...(o.storage || {}), prog: join(cwd, "prog.js") })) code += `put(${JSON.stringify(name)}, ${JSON.stringify(ABS(path))}, ${statSync(path).size});\n`;
    code += 'S = put = undefined;\neval(require("Storage").read("prog"));\n';
    h = runEspruino({ esp: ESP, board, code, cwd, timeoutMs: o.timeoutMs ?? 60000, onLine: o.onLine });
  } catch (e) {
    // No interpreter will run (a missing bundle fails the statSync above): its folder goes now.
    rmSync(cwd, { recursive: true, force: true });
    throw e;
  }
  h.done.then(() => rmSync(cwd, { recursive: true, force: true }));
  return h;
}
