// `npm run mutate [-- --mutate src/topic.ts --concurrency 1]`: runs StrykerJS with bench/stryker.config.mjs.
// Through its Stryker class rather than its CLI: the CLI of @stryker-mutator/core 10 refuses Node < 22,
// while the run itself works on the Node 20 this project supports. Options as the CLI spells them.
import { Stryker } from "../node_modules/@stryker-mutator/core/dist/src/stryker.js";

const opts = { configFile: "bench/stryker.config.mjs" };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) {
  const k = args[i].replace(/^--/, "");
  const v = args[i + 1];
  opts[k] = k == "mutate" ? v.split(",") : /^\d+$/.test(v) ? +v : v == "true" ? true : v == "false" ? false : v;
}
const t0 = Date.now();
const results = await new Stryker(opts).runMutationTest();
const n = (s) => results.filter((r) => r.status == s).length;
const killed = n("Killed") + n("Timeout");
const valid = killed + n("Survived") + n("NoCoverage");
console.log(`\nmutation score ${((100 * killed) / valid).toFixed(2)}%: ${killed} of ${valid} mutants killed (${n("Timeout")} by timeout), ` +
  `${n("Survived")} survived, ${n("NoCoverage")} not covered, ${n("CompileError") + n("RuntimeError")} invalid; ${((Date.now() - t0) / 60000).toFixed(1)} min`);
