// Checks on the built bundles: they are what Espruino and the desktop emulator actually load.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as acorn from "acorn";

export const DEVICE = "build/mqttiny.min.js";
export const DEVICE_READABLE = "build/mqttiny.js";
/** Issue 29: the lite build (features.ts), for the ESP8266 loading it from a RAM string. */
export const DEVICE_LITE = "build/mqttiny-lite.min.js";
export const DEVICE_LITE_READABLE = "build/mqttiny-lite.js";
export const CODEC = "build/mqttiny-codec.min.js";
export const DEVICE_SN = "build/mqttiny-sn.min.js";
export const DEVICE_SN_READABLE = "build/mqttiny-sn.js";
/** Issue 29: the MQTT-SN lite build. */
export const DEVICE_SN_LITE = "build/mqttiny-sn-lite.min.js";

export const HELPERS = ["__extends", "__assign", "__spreadArray", "__spread", "__values", "__read", "__awaiter", "__generator", "__rest"];
export const ES2015_GLOBALS = ["Map", "Set", "WeakMap", "WeakSet", "Symbol", "Promise", "Proxy", "Reflect", "TextEncoder", "TextDecoder", "setImmediate", "queueMicrotask"];
const ES2015_MEMBERS: Record<string, string[]> = { Object: ["assign", "freeze", "entries", "values"], Array: ["from", "of"], Number: ["isInteger", "isNaN"], Math: ["imul", "trunc", "sign"] };

/** Every problem an ES5-only interpreter (Espruino, Duktape) would have with `src`, as readable strings. */
export function es5Problems(src: string): string[] {
  const out: string[] = [];
  let ast: any;
  try {
    ast = acorn.parse(src, { ecmaVersion: 5, sourceType: "script", locations: true });
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
  return out.concat(espruinoProblems(ast), mergingOperators(src));
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
  try {
    writeFileSync(path, prelude + "var lib = (function () { var exports = {}, module = { exports: exports };\n" + readFileSync(file, "utf8") + "\nreturn exports; })();\n" + script);
    return execFileSync("duk", [path], { encoding: "utf8", timeout: timeoutMs });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function hasDuk(): boolean {
  try {
    execFileSync("duk", ["-e", "print(1)"], { encoding: "utf8" });
    return true;
  } catch {
    return false;
  }
}

// ---- What only Espruino trips on. acorn, V8 and Duktape accept all of it; the interpreter in
// ../shared/espruino (2v29) does not. Each rule catches the class of bug, not one known instance, and
// reports "line:column" (both from 1) of the offending code.

const pos = (n: any) => `${n.loc.start.line}:${n.loc.start.column + 1}`;
const isFn = (n: any) => n.type == "FunctionDeclaration" || n.type == "FunctionExpression";
// Statement lists: once a statement in one has run, everything after it in the same list runs after it.
const LISTS = ["Program", "BlockStatement", "SwitchCase"];

/** Index of the first unescaped `/` inside a `[...]` class of a regex pattern, or -1. Espruino's lexer
 * ends a regex literal at the first `/` even inside a class: `/[^/]/` is a SyntaxError there. */
export function slashInClass(pattern: string): number {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch == "\\") i++; // `\/` (or any escape) is one unit
    else if (ch == "[") inClass = true;
    else if (ch == "]") inClass = false;
    else if (ch == "/" && inClass) return i;
  }
  return -1;
}

const isLength = (m: any) => m.type == "MemberExpression" && (m.computed ? m.property.type == "Literal" && m.property.value === "length" : m.property.name == "length");

/**
 * The Espruino-only problems in a parsed ES5 program (acorn AST with `locations`):
 * a. a regex literal with `/` inside a character class;
 * b. an assignment to `.length` (`=`, `+=`, `++`, ...): an array's length cannot be assigned on 2v19+;
 * c. a `var` read or written before its declaration statement has run, and
 * d. a function declaration used before its declaration statement has run: Espruino hoists neither, so
 *    there the name is another (outer or global) variable, or not defined at all.
 *
 * The rule for c and d: a use is fine when a declaration of the name in the same function "dominates"
 * it, i.e. the declaration statement sits in a statement list (program, function body, block, switch
 * case) and the use comes after it in that same list, or in the test, update or body of the `for`
 * (`for (var i ...)`, `for (var k in ...)`) whose head declares it, or later in the same `var`
 * statement. A bare `{ }` block is transparent (its declarations dominate what follows the block); an
 * `if`/`else` branch, a loop body, a `try`/`catch` block and another `case` are not: the declaration
 * may not have run. A `var` at the top of the function (terser's `hoist_vars`) dominates everything.
 * Parameters, catch parameters and a function expression's own name exist from the start.
 * A use inside a nested function runs when that function runs: usually later (a callback, a method),
 * which is fine. Two cases run now and are checked at the place they run: an immediately invoked
 * function (`(function(){...})()`, also via `.call`/`.apply`) is checked at its call, and a function
 * declaration is checked at every direct call of it (`f()`, `new f()`), transitively. A function passed
 * as a value (`setTimeout(f)`, `[].forEach(f)`) or stored in a var is treated as running later: right
 * for timers and event handlers, a known gap for callers such as `forEach` that run it at once.
 */
export function espruinoProblems(ast: any): string[] {
  const out: string[] = [];
  walk(ast, (n) => {
    if (n.type == "Literal" && n.regex) {
      const i = slashInClass(n.regex.pattern);
      if (i >= 0) out.push(`regex /${n.regex.pattern}/ at ${pos(n)} has an unescaped / inside [...] (Espruino ends the literal there; write \\/)`);
    }
    if (n.type == "AssignmentExpression" && isLength(n.left)) out.push(`assignment ${n.operator} to .length at ${pos(n)} (Espruino 2v19+ cannot assign an array's length; use splice)`);
    if (n.type == "UpdateExpression" && isLength(n.argument)) out.push(`${n.operator} on .length at ${pos(n)} (Espruino 2v19+ cannot assign an array's length; use splice)`);
  });
  return out.concat(hoistingProblems(ast));
}

/** A binary `+` or `-` followed by a token that starts with the same sign (`"a" + +b`, `a - -b`, `a + ++b`):
 * the pretokeniser of the Web IDE and the espruino CLI (its "Pretokenise code before upload" option) drops
 * the space, and the interpreter reads `++`/`--` there: a SyntaxError at load. */
export function mergingOperators(src: string): string[] {
  const out: string[] = [];
  let prev: any = null;
  for (const t of acorn.tokenizer(src, { ecmaVersion: 5, locations: true })) {
    const v = t.value == null ? "" : String(t.value);
    if (prev && (prev.value == "+" || prev.value == "-") && t.type.label != "string" && v[0] == prev.value && t.start > prev.end)
      out.push(`${prev.value} ${v} at ${prev.loc.start.line}:${prev.loc.start.column + 1} (pretokenised for upload it becomes ${prev.value}${prev.value}; write ${prev.value}(${v}...) or drop the unary ${v[0]})`);
    prev = t;
  }
  return out;
}

interface Decl {
  id: any; // the declared identifier, for the message
  stmt: any; // the VariableDeclaration or FunctionDeclaration that must have run
  after: number; // uses inside `stmt` from this offset on are fine (`var a = 1, b = a`)
}
interface Binding {
  name: string;
  kind: "var" | "function" | "param";
  scope: any; // the Program or function node it belongs to
  decls: Decl[];
  refs: any[];
}
interface Scope {
  node: any;
  parent: Scope | null;
  names: Map<string, Binding>;
}

/** Rules c and d of espruinoProblems. */
function hoistingProblems(ast: any): string[] {
  const parent = new Map<any, any>();
  walk(ast, (n, p) => parent.set(n, p));
  const all: Binding[] = [];
  const declOf = new Map<any, Binding>(); // FunctionDeclaration -> its binding

  const bind = (s: Scope, name: string, kind: Binding["kind"]): Binding => {
    let b = s.names.get(name);
    if (!b) {
      b = { name, kind, scope: s.node, decls: [], refs: [] };
      s.names.set(name, b);
      all.push(b);
    }
    return b;
  };
  // The declarations a function (or the program) owns, without entering nested functions.
  const declare = (n: any, s: Scope): void => {
    if (!n || typeof n.type != "string" || n.type == "FunctionExpression") return;
    if (n.type == "FunctionDeclaration") {
      const b = bind(s, n.id.name, "function");
      b.decls.push({ id: n.id, stmt: n, after: n.end });
      declOf.set(n, b);
      return;
    }
    if (n.type == "VariableDeclarator") bind(s, n.id.name, "var").decls.push({ id: n.id, stmt: parent.get(n), after: n.id.end });
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (Array.isArray(v)) v.forEach((c) => declare(c, s));
      else if (v && typeof v.type == "string") declare(v, s);
    }
  };
  // Is this Identifier a use of a variable (not a property name, a declared name or a label)?
  const isRef = (p: any, key: string): boolean => {
    switch (p && p.type) {
      case "MemberExpression":
        return key != "property" || p.computed;
      case "Property":
        return key != "key";
      case "VariableDeclarator":
        return key != "id";
      case "CatchClause":
        return key != "param";
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "LabeledStatement":
      case "BreakStatement":
      case "ContinueStatement":
        return false;
    }
    return true;
  };
  const visit = (n: any, s: Scope, p: any, key: string): void => {
    if (!n || typeof n.type != "string") return;
    if (n.type == "Identifier") {
      if (isRef(p, key))
        for (let x: Scope | null = s; x; x = x.parent) {
          const b = x.names.get(n.name);
          if (b) {
            b.refs.push(n);
            break;
          }
        }
      return;
    }
    if (n.type == "Program" || isFn(n)) {
      s = { node: n, parent: n.type == "Program" ? null : s, names: new Map() };
      if (n.type == "FunctionExpression" && n.id) bind(s, n.id.name, "param");
      for (const q of n.params || []) bind(s, q.name, "param");
      declare(n.type == "Program" ? n : n.body, s);
    } else if (n.type == "CatchClause") {
      s = { node: n, parent: s, names: new Map() };
      bind(s, n.param.name, "param");
    }
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (Array.isArray(v)) v.forEach((c) => visit(c, s, n, k));
      else if (v && typeof v.type == "string") visit(v, s, n, k);
    }
  };
  visit(ast, null as any, null, "");

  const within = (n: any, outer: any) => n.start >= outer.start && n.end <= outer.end;
  const fnOf = (n: any) => {
    let x = parent.get(n);
    while (x && x.type != "Program" && !isFn(x)) x = parent.get(x);
    return x;
  };
  const called = (r: any) => {
    const p = parent.get(r);
    return (p.type == "CallExpression" || p.type == "NewExpression") && p.callee === r;
  };
  // The places in `scope`'s own code (not inside a nested function) where `n` may run right away.
  const runsAt = (n: any, scope: any, seen: Set<any>): any[] => {
    const f = fnOf(n);
    if (f === scope) return [n];
    if (!f || seen.has(f)) return [];
    seen.add(f);
    let callee = f;
    let p = parent.get(f);
    if (p.type == "MemberExpression" && p.object === f && !p.computed && (p.property.name == "call" || p.property.name == "apply")) {
      callee = p;
      p = parent.get(p);
    }
    if ((p.type == "CallExpression" || p.type == "NewExpression") && p.callee === callee) return runsAt(p, scope, seen);
    if (f.type == "FunctionDeclaration") return declOf.get(f)!.refs.filter(called).flatMap((r) => runsAt(r, scope, seen));
    return [];
  };
  // Has `d` certainly run when the code at `site` runs?
  const dominates = (d: Decl, site: any): boolean => {
    if (within(site, d.stmt) && site.start >= d.after) return true;
    for (let a = d.stmt; ; ) {
      const p = parent.get(a);
      if (!p) return false;
      const head = (p.type == "ForStatement" && p.init === a) || (p.type == "ForInStatement" && p.left === a);
      if ((head || LISTS.includes(p.type)) && within(site, p) && site.start >= a.end) return true;
      if (head || (p.type == "BlockStatement" && LISTS.includes(parent.get(p)?.type))) a = p;
      else return false;
    }
  };

  const out: string[] = [];
  for (const b of all) {
    if (b.kind == "param") continue;
    for (const r of b.refs) {
      const site = runsAt(r, b.scope, new Set()).find((s) => !b.decls.some((d) => dominates(d, s)));
      if (!site) continue;
      const via = site === r ? "" : ` (run by the call at ${pos(site)})`;
      const d = b.decls[0].id;
      if (b.kind == "var") out.push(`var ${b.name} used at ${pos(r)}${via} where its declaration at ${pos(d)} may not have run (Espruino does not hoist var)`);
      else out.push(`function ${b.name} used at ${pos(r)}${via} where its declaration at ${pos(d)} may not have run (Espruino does not hoist functions)`);
    }
  }
  return out;
}
