// `npm run mutate [-- --mutate src/topic.ts --concurrency 1]`: runs StrykerJS with bench/stryker.config.mjs.
// Through its Stryker class rather than its CLI: the CLI of @stryker-mutator/core 10 refuses Node < 22,
// while the run itself works on the Node 20 this project supports.
import { Stryker } from "../node_modules/@stryker-mutator/core/dist/src/stryker.js";

const opts = { configFile: "bench/stryker.config.mjs" };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) {
  // --mutate: files or file:lines, comma-separated, in place of the config's scope.
  if (args[i] == "--mutate") opts.mutate = args[i + 1].split(",");
  else if (args[i] == "--concurrency") opts.concurrency = +args[i + 1];
  else {
    console.error(`unknown flag ${args[i]}: npm run mutate [-- --mutate FILE[:LINES],... --concurrency N]`);
    process.exit(2);
  }
}
const t0 = Date.now();
const results = await new Stryker(opts).runMutationTest();
const n = (s) => results.filter((r) => r.status == s).length;
const killed = n("Killed") + n("Timeout");
const valid = killed + n("Survived") + n("NoCoverage");
console.log(`\nmutation score ${((100 * killed) / valid).toFixed(2)}%: ${killed} of ${valid} mutants killed (${n("Timeout")} by timeout), ` +
  `${n("Survived")} survived, ${n("NoCoverage")} not covered, ${n("CompileError") + n("RuntimeError")} invalid; ${((Date.now() - t0) / 60000).toFixed(1)} min`);
