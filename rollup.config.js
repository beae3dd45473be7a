// Builds: the Espruino device bundle (readable and minified ES5, CommonJS `exports.x = ...`),
// the codec alone (minified, to hold its size to a budget), and the Node build (CJS + .d.ts via tsc).
import typescript from "@rollup/plugin-typescript";
import { minify } from "terser";
import * as acorn from "acorn";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { resolve, dirname } from "node:path";

// Espruino loads modules with Modules.addCached(name, source): no "use strict", no __esModule marker,
// no Object.freeze, plain exports assignments.
const cjs = { format: "cjs", strict: false, esModule: false, freeze: false, exports: "named", generatedCode: "es5", externalLiveBindings: false, interop: "default" };

// Property names that are internal to a bundle are mangled to one or two letters (on Espruino every
// property name over 4 characters also costs a memory block). Always: `_`-prefixed names. In the device
// bundle also the decoder record's fields, which it never exports; in the codec bundle they are its API.
// Never: option names, socket and event names (data, close, write, end, on), or E.
const INTERNAL = /^_/;
const DEVICE_INTERNAL = /^(_.*|type|flags|plen|size)$/;

// Espruino hoists no `var`: a declaration that is not at the top of its function (terser's inlining
// leaves such ones, and its hoist_vars skips a function with a single var statement) becomes part of
// one `var` list at the top of its function, and the declaration itself its assignments.
// test/espruino-lint.test.ts checks the result.
function hoistVars(code) {
  const ast = acorn.parse(code, { ecmaVersion: 5, sourceType: "script" });
  const edits = [];
  const scopes = [];
  function visit(n, parent, scope) {
    if (!n || typeof n.type != "string") return;
    if (n.type == "FunctionDeclaration" || n.type == "FunctionExpression") {
      const s = { fn: n, decls: [], params: new Set(n.params.map((p) => p.name)) };
      scopes.push(s);
      visit(n.body, n, s);
      return;
    }
    if (n.type == "VariableDeclaration" && scope) scope.decls.push({ d: n, parent });
    for (const k of Object.keys(n)) {
      if (k == "type") continue;
      const v = n[k];
      if (Array.isArray(v)) v.forEach((c) => visit(c, n, scope));
      else if (v && typeof v.type == "string") visit(v, n, scope);
    }
  }
  visit(ast, null, null);
  for (const s of scopes) {
    const body = s.fn.body.body;
    // Already fine: every declaration is a leading statement of the function body.
    if (s.decls.every((x) => x.parent === s.fn.body && body.indexOf(x.d) == s.decls.indexOf(x))) continue;
    const names = [];
    for (const { d, parent } of s.decls) {
      for (const v of d.declarations) if (!s.params.has(v.id.name) && !names.includes(v.id.name)) names.push(v.id.name);
      const inits = d.declarations.filter((v) => v.init).map((v) => code.slice(v.start, v.end));
      let text;
      if (parent.type == "ForStatement" && parent.init === d) text = inits.join(",");
      else if (parent.type == "ForInStatement" && parent.left === d) text = d.declarations[0].id.name;
      else text = inits.length ? inits.join(",") + ";" : ";";
      edits.push([d.start, d.end, text]);
    }
    if (names.length) edits.push([s.fn.body.start + 1, s.fn.body.start + 1, "var " + names.join(",") + ";"]);
  }
  edits.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  let out = code;
  for (const [a, b, t] of edits) out = out.slice(0, a) + t + out.slice(b);
  return out;
}

// A build without CHECK: numbers(o, spec) checks the type only, and its spec keeps "name default" of
// each "name default least most" group.
function stripBounds(code) {
  return code.replace(/\bnumbers(\$\d+)?\((\w+), "([^"]*)"\)/g, (m, d, o, spec) => {
    const a = spec.split(" ");
    const out = [];
    for (let k = 0; k < a.length; k += 4) out.push(a[k], a[k + 1]);
    return `numbers${d || ""}(${o}, "${out.join(" ")}")`;
  });
}

// A build without TEXT (features.ts): the words of every fail(msg, code, x) call go, the message is
// then its code (fail() in events.ts). The first argument is replaced by 0, at the calls themselves, so
// no literal of a message is left in the bundle.
function stripMessages(code) {
  const ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: "module" });
  const edits = [];
  (function visit(n) {
    if (!n || typeof n.type != "string") return;
    if (n.type == "CallExpression" && n.callee.type == "Identifier" && /^fail(\$\d+)?$/.test(n.callee.name) && n.arguments.length > 1) edits.push([n.arguments[0].start, n.arguments[0].end, "0"]);
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v.type == "string") visit(v);
    }
  })(ast);
  edits.sort((a, b) => b[0] - a[0]);
  for (const [a, b, t] of edits) code = code.slice(0, a) + t + code.slice(b);
  return code;
}

// The features' constants as literals at every use: rollup leaves `var TLS = true` where a use is not a
// branch it could drop itself, and terser's hoist_vars then keeps it as a variable.
function inlineFeatures(code, f) {
  const ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: "module" });
  const edits = [];
  (function visit(n, p, key) {
    if (!n || typeof n.type != "string") return;
    // A local of a feature's name would be replaced too: refused, rather than a wrong bundle.
    if ((n.type == "FunctionDeclaration" || n.type == "FunctionExpression") && n.params.some((q) => q.name in f)) throw new Error("a parameter is named like a feature of src/features.ts");
    if (n.type == "VariableDeclarator" && n.id.name in f && !(p && p.type == "VariableDeclaration" && ast.body.includes(p))) throw new Error(`a local variable is named like the feature ${n.id.name} of src/features.ts`);
    if (n.type == "Identifier" && n.name in f && !(p && p.type == "MemberExpression" && key == "property" && !p.computed) && !(p && p.type == "Property" && key == "key")) {
      if (p && p.type == "VariableDeclarator" && key == "id") edits.push([p.start, p.end, "_" + n.name + "=0"]);
      else edits.push([n.start, n.end, String(f[n.name])]);
      return;
    }
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (k == "init" && n.type == "VariableDeclarator" && n.id.name in f) continue;
      if (Array.isArray(v)) v.forEach((c) => visit(c, n, k));
      else if (v && typeof v.type == "string") visit(v, n, k);
    }
  })(ast, null, "");
  edits.sort((a, b) => b[0] - a[0]);
  for (const [a, b, t] of edits) code = code.slice(0, a) + t + code.slice(b);
  return code;
}

function terserPlugin(regex, f = FULL) {
  return {
    name: "terser-es5",
    async renderChunk(code) {
      code = inlineFeatures(code, f);
      if (!f.TEXT) code = stripMessages(code);
      if (!f.CHECK) code = stripBounds(code);
      const out = await minify(code, {
        ecma: 5,
        toplevel: true,
        // reduce_funcs off: terser would otherwise turn single-use functions into IIFEs inside their
        // callers, and Espruino copies a function's source text into RAM each time its definition
        // runs: a 580-byte copy per decoded packet, 250 bytes per QoS 1 publish. Inlining small
        // functions is wanted: on Espruino each function costs about 5 blocks plus one per parameter
        // even with its code in flash, and each call re-lexes its text (hoistVars makes it safe).
        compress: { passes: 3, unsafe: true, pure_getters: true, hoist_funs: false, hoist_vars: true, keep_fargs: false, reduce_funcs: false },
        mangle: { properties: { regex } },
        // ascii_only: control characters in String literals (codec tables) as escapes, so a bundle can be
        // embedded in JSON and typed into a console.
        format: { comments: false, ascii_only: true },
      });
      return { code: hoistVars(out.code), map: null };
    },
  };
}

const ts = () => typescript({ tsconfig: "./tsconfig.json", noEmitOnError: true, outputToFilesystem: false, compilerOptions: { declaration: false } });

// Replaces the __RAW__ build constant: true in device bundles (Espruino strings are bytes), false in the
// Node builds, so that the code of each build that the other one runs is left out of it.
function raw(on) {
  return { name: "raw", transform: (code) => ({ code: code.replace(/\b__RAW__\b/g, String(on)), map: null }) };
}

// Replaces __PERSIST__ (src/persist.ts): the QoS 1 store kept in Storage, in the device bundle built with
// it (mqttiny-persist) and on Node; left out of the others, where the client's hooks for it fold away.
function persist(on) {
  return { name: "persist", transform: (code) => ({ code: code.replace(/\b__PERSIST__\b/g, String(on)), map: null }) };
}

// The device bundles use the String wire and store (native String operations on Espruino) in place of
// the byte ones: same functions, swapped at build time.
// src/wire.ts, src/store.ts and src/sn/codec.ts are swapped, by their resolved paths.
function textWire() {
  const swap = { [resolve("src/wire")]: "src/wire-text.ts", [resolve("src/store")]: "src/store-text.ts", [resolve("src/sn/codec")]: "src/sn/codec-text.ts", [resolve("src/persist-io")]: "src/persist-io-text.ts" };
  return { name: "text-wire", resolveId: (id, from) => (from && id.startsWith(".") && swap[resolve(dirname(from), id)] && !from.includes("-text") ? resolve(swap[resolve(dirname(from), id)]) : null) };
}

// Everything in build/ is CommonJS (the device bundles assign to `exports`, the Node build is index.cjs),
// while the package itself is "type": "module". build/package.json says so, for Node (require of
// mqttiny/device) and for TypeScript (the .d.ts files in build/node describe CommonJS modules, so they
// resolve under moduleResolution node16/nodenext as well as bundler).
function cjsScope() {
  return {
    name: "cjs-scope",
    writeBundle() {
      mkdirSync("build", { recursive: true });
      writeFileSync("build/package.json", JSON.stringify({ type: "commonjs" }) + "\n");
    },
  };
}

// The build-time features of src/features.ts (what each is, and costs, is written there): every
// `__NAME__` is replaced by true or false, after TypeScript, and terser drops the code switched off.
export const FULL = { V31: true, QOS2: true, BIN: true, TLS: true, CHECK: true, TEXT: true, FAST: true, CB: true, PUB: true, ACKS: true, SUB: true, WILL: true, URL: true, SRV: true };
export const LITE = { V31: false, QOS2: false, BIN: false, TLS: false, CHECK: false, TEXT: false, FAST: false, CB: false, PUB: true, ACKS: true, SUB: true, WILL: true, URL: false, SRV: false };
// MQTT-SN lite (issue 29): QoS -1/0/1 publish, keepalive, sleep and wake; no will, no subscribe.
export const SN_LITE = { ...LITE, SUB: false, WILL: false };
function features(f) {
  return { name: "features", transform: (code) => ({ code: code.replace(/\b__(V31|QOS2|BIN|TLS|CHECK|TEXT|FAST|CB|PUB|ACKS|SUB|WILL|URL|SRV)__\b/g, (m, k) => String(f[k])), map: null }) };
}

const builds = [];
function device(input, name, regex, minOnly, f = FULL, withPersist = false) {
  if (!existsSync(input)) return;
  if (!minOnly) builds.push({ input, plugins: [textWire(), ts(), raw(true), persist(withPersist), features(f)], output: { ...cjs, file: `build/${name}.js` } });
  builds.push({ input, plugins: [textWire(), ts(), raw(true), persist(withPersist), features(f), terserPlugin(regex, f)], output: { ...cjs, file: `build/${name}.min.js` } });
}

/** The minified device bundle of `input` with features `f`, written to `file` (bench/features.mjs measures each feature so). */
export function deviceBuild(input, file, f) {
  return { input, plugins: [textWire(), ts(), raw(true), persist(false), features(f), terserPlugin(DEVICE_INTERNAL, f)], output: { ...cjs, file } };
}

device("src/espruino.ts", "mqttiny", DEVICE_INTERNAL);
// The same client with persist (issue 31): held QoS 1 messages kept in Storage.
device("src/espruino.ts", "mqttiny-persist", DEVICE_INTERNAL, false, FULL, true);
// Issue 29: the lite client, for an ESP8266 that loads it from a RAM string (the Web IDE's way): the same
// source with the features of LITE left out. build/mqttiny-lite.js is the readable copy.
device("src/espruino.ts", "mqttiny-lite", DEVICE_INTERNAL, false, LITE);
// MQTT-SN over UDP (issue 13): build/mqttiny-sn.js and build/mqttiny-sn.min.js, the same pipeline.
device("src/espruino-sn.ts", "mqttiny-sn", DEVICE_INTERNAL);
device("src/espruino-sn.ts", "mqttiny-sn-lite", DEVICE_INTERNAL, false, SN_LITE);
// The MQTT-SN client with persist (issue 31): held QoS 1 messages kept in Storage, in the same log.
device("src/espruino-sn.ts", "mqttiny-sn-persist", DEVICE_INTERNAL, false, FULL, true);
device("src/codec/index.ts", "mqttiny-codec", INTERNAL, true);
if (existsSync("src/node.ts")) builds.push({ input: "src/node.ts", external: ["net", "tls"], plugins: [ts(), raw(false), persist(true), features(FULL)], output: { ...cjs, file: "build/node/index.cjs" } });
// The MQTT-SN client for Node (issue #13): `mqttiny/sn`.
if (existsSync("src/node-sn.ts")) builds.push({ input: "src/node-sn.ts", external: ["dgram"], plugins: [ts(), raw(false), features(FULL)], output: { ...cjs, file: "build/node/sn.cjs" } });

for (const b of builds) b.plugins.push(cjsScope());

export default builds;
