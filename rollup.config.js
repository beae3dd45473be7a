// Builds: the Espruino device bundle (readable and minified ES5, CommonJS `exports.x = ...`),
// the codec alone (minified, to hold its size to a budget), and the Node build (CJS + .d.ts via tsc).
import typescript from "@rollup/plugin-typescript";
import { minify } from "terser";
import { existsSync } from "node:fs";

// Espruino loads modules with Modules.addCached(name, source): no "use strict", no __esModule marker,
// no Object.freeze, plain exports assignments.
const cjs = { format: "cjs", strict: false, esModule: false, freeze: false, exports: "named", generatedCode: "es5", externalLiveBindings: false, interop: "default" };

const terserOptions = {
  ecma: 5,
  toplevel: true,
  compress: { passes: 3, unsafe: true, pure_getters: true, hoist_funs: false, keep_fargs: false },
  // Only `_`-prefixed internal names are mangled; socket and event names (data, close, write, on, E) survive.
  mangle: { properties: { regex: /^_/ } },
  format: { comments: false },
};

function terserPlugin() {
  return {
    name: "terser-es5",
    async renderChunk(code) {
      const out = await minify(code, terserOptions);
      return { code: out.code, map: null };
    },
  };
}

const ts = () => typescript({ tsconfig: "./tsconfig.json", noEmitOnError: true, outputToFilesystem: false, compilerOptions: { declaration: false } });

// Replaces the __RAW__ build constant: true in device bundles (Espruino strings are bytes).
function raw(on) {
  return { name: "raw", transform: (code) => ({ code: code.replace(/\b__RAW__\b/g, String(on)), map: null }) };
}

const builds = [];
function device(input, name, minOnly) {
  if (!existsSync(input)) return;
  if (!minOnly) builds.push({ input, plugins: [ts(), raw(true)], output: { ...cjs, file: `build/${name}.js` } });
  builds.push({ input, plugins: [ts(), raw(true), terserPlugin()], output: { ...cjs, file: `build/${name}.min.js` } });
}

device("src/espruino.ts", "mqttiny");
device("src/codec/index.ts", "mqttiny-codec", true);
if (existsSync("src/node.ts")) builds.push({ input: "src/node.ts", external: ["net", "tls"], plugins: [ts()], output: { ...cjs, file: "build/node/index.cjs" } });

export default builds;
