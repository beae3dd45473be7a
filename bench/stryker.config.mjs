// `npm run mutate`: StrykerJS over the client's src/, each mutant run against the fast simulator and codec
// tests (about 5 s a run), not the whole suite. Not part of `npm test`. One file or a line range:
// `npm run mutate -- --mutate src/topic.ts` or `--mutate 'src/client.ts:200-320'`. Reports: .tmp/mutation/.
//
// Only the TypeScript source is tested (MQTTINY_IMPLS=src): a mutant in src/ reaches the device bundle only
// after a rebuild (8 s each). So src/wire-text.ts and src/store-text.ts, which only the device bundle runs,
// are not in the default scope; `storeAcks`, the one function the source client takes from store-text.ts,
// is covered through the client.
import { fileURLToPath } from "node:url";

// By its path: the sandbox Stryker copies the project into has no node_modules link when node_modules
// is itself a link (as in a worktree); packages still resolve by walking up from the sandbox.
const uvu = fileURLToPath(new URL("../node_modules/uvu/bin.js", import.meta.url));
const tests = "^(client-(api|connect|errors|inbound|keepalive|publish)|session-rules|faults|publish-paths|wire-lengths|codec-(decode|encode|crosscheck)|topic|model|mutants)\\.test\\.ts$";

export default {
  testRunner: "command",
  // -b: the first failing test ends the run, so a killed mutant costs less than a full run.
  commandRunner: { command: `MQTTINY_IMPLS=src MODEL_SEEDS=4 node ${uvu} -r tsx test '${tests}' --bail` },
  mutate: ["src/client.ts", "src/store.ts", "src/wire.ts", "src/codec/*.ts", "src/topic.ts", "src/events.ts"],
  // The command runner cannot see coverage: every mutant runs the whole subset.
  coverageAnalysis: "off",
  // A mutant that loops (a retry with no bound) is killed by time and counted as a timeout: the normal
  // run's time x 1.5 + 10 s. uvu has no per-test limit; the command is the one test Stryker sees.
  timeoutFactor: 1.5,
  timeoutMS: 10000,
  // Two cores, shared.
  concurrency: 2,
  tempDirName: ".tmp/stryker",
  ignorePatterns: ["device", "bench", ".ci"],
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: ".tmp/mutation/index.html" },
  jsonReporter: { fileName: ".tmp/mutation/mutation.json" },
  incrementalFile: ".tmp/mutation/incremental.json",
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
};
