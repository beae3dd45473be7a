// The device bundle as `npm run flash -- --pretokenise` stores it: tokenised by the espruino CLI's own
// pretokenise plugin (node_modules/espruino/plugins/pretokenise.js), given the few parts of the CLI's
// environment it reads. Setting 2, as flash.mjs passes: keywords, operators, Strings and numbers as tokens.
import { createRequire } from "node:module";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, basename } from "node:path";

const require = createRequire(import.meta.url);
let plugin = null;

function load() {
  if (plugin) return plugin;
  // The plugin reads both globals at every call, so they stay (the bench defines no others by these names).
  globalThis.acorn = require("acorn");
  globalThis.Espruino = {
    Core: { Config: { add() {} }, Env: { getBoardData: () => ({ VERSION: "2v29" }) }, Utils: { toJSONishString: JSON.stringify } },
    Config: { PRETOKENISE: 2 },
    Plugins: {},
    addProcessor() {},
  };
  require("espruino/plugins/pretokenise.js");
  return (plugin = globalThis.Espruino.Plugins.Pretokenise);
}

/** Writes `file` tokenised into a temporary file (bytes as latin1) and returns that file's path. */
export function pretokenised(file) {
  const out = load().tokenise(readFileSync(file, "latin1"));
  const dir = mkdtempSync(join(tmpdir(), "mqttiny-tok-"));
  // The caller runs the file later, so its folder goes when the bench process exits.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, basename(file));
  writeFileSync(path, Buffer.from(out, "latin1"));
  return path;
}
