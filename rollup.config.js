// Builds: the Espruino device bundle (readable and minified ES5, CommonJS `exports.x = ...`),
// the codec alone (minified, to hold its size to a budget), and the Node build (CJS + .d.ts via tsc).
import typescript from "@rollup/plugin-typescript";
import { minify } from "terser";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

// Espruino loads modules with Modules.addCached(name, source): no "use strict", no __esModule marker,
// no Object.freeze, plain exports assignments.
const cjs = { format: "cjs", strict: false, esModule: false, freeze: false, exports: "named", generatedCode: "es5", externalLiveBindings: false, interop: "default" };

// Property names that are internal to a bundle are mangled to one or two letters (on Espruino every
// property name over 4 characters also costs a memory block). Always: `_`-prefixed names. In the device
// bundle also the decoder record's fields, which it never exports; in the codec bundle they are its API.
// Never: option names, socket and event names (data, close, write, end, on), or E.
const INTERNAL = /^_/;
const DEVICE_INTERNAL = /^(_.*|type|flags|plen|size)$/;

function terserPlugin(regex) {
  return {
    name: "terser-es5",
    async renderChunk(code) {
      const out = await minify(code, {
        ecma: 5,
        toplevel: true,
        // reduce_funcs off: terser would otherwise turn single-use functions into IIFEs inside their
        // callers, and Espruino copies a function's source text into RAM each time its definition
        // runs: a 580-byte copy per decoded packet, 250 bytes per QoS 1 publish.
        compress: { passes: 3, unsafe: true, pure_getters: true, hoist_funs: false, hoist_vars: true, inline: false, keep_fargs: false, reduce_funcs: false },
        mangle: { properties: { regex } },
        format: { comments: false },
      });
      return { code: out.code, map: null };
    },
  };
}

const ts = () => typescript({ tsconfig: "./tsconfig.json", noEmitOnError: true, outputToFilesystem: false, compilerOptions: { declaration: false } });

// Replaces the __RAW__ build constant: true in device bundles (Espruino strings are bytes).
function raw(on) {
  return { name: "raw", transform: (code) => ({ code: code.replace(/\b__RAW__\b/g, String(on)), map: null }) };
}

// The device bundles use the String wire and store (native String operations on Espruino) in place of
// the byte ones: same functions, swapped at build time.
function textWire() {
  const swap = { "./wire": "src/wire-text.ts", "./store": "src/store-text.ts" };
  return { name: "text-wire", resolveId: (id, from) => (swap[id] && from && !from.includes("-text") ? resolve(swap[id]) : null) };
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

const builds = [];
function device(input, name, regex, minOnly) {
  if (!existsSync(input)) return;
  if (!minOnly) builds.push({ input, plugins: [textWire(), ts(), raw(true)], output: { ...cjs, file: `build/${name}.js` } });
  builds.push({ input, plugins: [textWire(), ts(), raw(true), terserPlugin(regex)], output: { ...cjs, file: `build/${name}.min.js` } });
}

device("src/espruino.ts", "mqttiny", DEVICE_INTERNAL);
device("src/codec/index.ts", "mqttiny-codec", INTERNAL, true);
if (existsSync("src/node.ts")) builds.push({ input: "src/node.ts", external: ["net", "tls"], plugins: [ts()], output: { ...cjs, file: "build/node/index.cjs" } });

for (const b of builds) b.plugins.push(cjsScope());

export default builds;
