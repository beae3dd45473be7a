// Checks on the built bundles: they are what Espruino and the desktop emulator actually load.
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as acorn from "acorn";

export const DEVICE = "build/mqttiny.min.js";
export const DEVICE_READABLE = "build/mqttiny.js";
export const CODEC = "build/mqttiny-codec.min.js";

export const HELPERS = ["__extends", "__assign", "__spreadArray", "__spread", "__values", "__read", "__awaiter", "__generator", "__rest"];
export const ES2015_GLOBALS = ["Map", "Set", "WeakMap", "WeakSet", "Symbol", "Promise", "Proxy", "Reflect", "TextEncoder", "TextDecoder", "setImmediate", "queueMicrotask"];
const ES2015_MEMBERS: Record<string, string[]> = { Object: ["assign", "freeze", "entries", "values"], Array: ["from", "of"], Number: ["isInteger", "isNaN"], Math: ["imul", "trunc", "sign"] };

/** Every problem an ES5-only interpreter (Espruino, Duktape) would have with `src`, as readable strings. */
export function es5Problems(src: string): string[] {
  const out: string[] = [];
  let ast: any;
  try {
    ast = acorn.parse(src, { ecmaVersion: 5, sourceType: "script" });
  } catch (e: any) {
    return ["not ES5: " + e.message];
  }
  if (/["']use strict["']/.test(src)) out.push('"use strict"');
  if (src.includes("__esModule")) out.push("__esModule marker");
  walk(ast, (n, parent) => {
    if (n.type == "LabeledStatement") out.push("label " + n.label.name + " (Espruino has no labels)");
    if (n.type == "Identifier" && !(parent && parent.type == "MemberExpression" && parent.property === n && !parent.computed) && !(parent && parent.type == "Property" && parent.key === n)) {
      if (HELPERS.includes(n.name)) out.push("TypeScript helper " + n.name);
      if (ES2015_GLOBALS.includes(n.name)) out.push("ES2015+ global " + n.name);
    }
    if (n.type == "MemberExpression" && n.object.type == "Identifier" && !n.computed && ES2015_MEMBERS[n.object.name]?.includes(n.property.name)) out.push(`${n.object.name}.${n.property.name}`);
  });
  return out;
}

/** Calls `visit` on every node of an acorn AST, with its parent. */
export function walk(n: any, visit: (n: any, parent: any) => void, parent: any = null): void {
  if (!n || typeof n.type != "string") return;
  visit(n, parent);
  for (const k of Object.keys(n)) {
    const v = n[k];
    if (Array.isArray(v)) v.forEach((c) => walk(c, visit, n));
    else if (v && typeof v.type == "string") walk(v, visit, n);
  }
}

/** Run `script` under Duktape with the bundle at `file` loaded as a CommonJS module named `lib`; returns stdout. */
export function runDuk(file: string, script: string, timeoutMs = 60000): string {
  const dir = mkdtempSync(join(tmpdir(), "duk-"));
  const path = join(dir, "run.js");
  const prelude = "var console = { log: function () { print(Array.prototype.join.call(arguments, ' ')); } };\n";
  writeFileSync(path, prelude + "var lib = (function () { var exports = {}, module = { exports: exports };\n" + readFileSync(file, "utf8") + "\nreturn exports; })();\n" + script);
  return execFileSync("duk", [path], { encoding: "utf8", timeout: timeoutMs });
}

export function hasDuk(): boolean {
  try {
    execFileSync("duk", ["-e", "print(1)"], { encoding: "utf8" });
    return true;
  } catch {
    return false;
  }
}
