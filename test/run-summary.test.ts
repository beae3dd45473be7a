// test/run.mjs's summary: suites that a missing tool leaves out register no tests, so uvu's own
// "Skipped:" says 0; they record themselves (test/skips.ts) and the summary line counts and names them,
// while the last line stays the plain "N passed, N failed" that CI reads.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
// @ts-ignore: plain ESM module without types
import { skippedSuites, withSkippedSuites } from "./skip-summary.mjs";

const t = suite("test summary");

t("the skip log's suites are counted once a file, with their reasons; uvu's Skipped line gains them", () => {
  const log = ['{"file":"espruino-client.test.ts","why":"ESPRUINO is not set"}', '{"file":"espruino-client.test.ts","why":"ESPRUINO is not set"}', '{"file":"sn-client.test.ts","why":"no gateway"}', ""].join("\n");
  const k = skippedSuites(log);
  assert.is(k.count, 2);
  assert.is(k.text, "espruino-client.test.ts, sn-client.test.ts (ESPRUINO is not set; no gateway)");
  assert.is(withSkippedSuites("  Total:     9\n  Skipped:   0\n  Duration:  1ms\n", k), "  Total:     9\n  Skipped:   0 test(s), 2 suite(s) with tests left out: espruino-client.test.ts, sn-client.test.ts (ESPRUINO is not set; no gateway)\n  Duration:  1ms\n");
  assert.is(withSkippedSuites("  Skipped:   1\n", skippedSuites("")), "  Skipped:   1 test(s), 0 suite(s)\n");
});

t("npm test without the interpreter: the summary names the suites left out, and the last line is still 'N passed, N failed'", () => {
  const r = spawnSync(process.execPath, ["test/run.mjs", "espruino-(codec|load)\\.test"], { encoding: "utf8", timeout: 120_000, env: { ...process.env, ESPRUINO: "", CI: "" } });
  const plain = r.stdout.replace(/\x1b\[[0-9;]*m/g, "");
  assert.is(r.status, 0, plain);
  assert.match(plain, /^\s*Skipped:\s+0 test\(s\), 2 suite\(s\) with tests left out: espruino-codec\.test\.ts, espruino-load\.test\.ts \(ESPRUINO is not set\)$/m);
  assert.is(plain.trim().split("\n").pop(), "0 passed, 0 failed");
});

t("npm test with an ESPRUINO that names nothing: the device suites fail, they are not skipped", () => {
  const r = spawnSync(process.execPath, ["test/run.mjs", "espruino-codec\\.test"], { encoding: "utf8", timeout: 120_000, env: { ...process.env, ESPRUINO: "/nonexistent/espruino", CI: "" } });
  const plain = r.stdout.replace(/\x1b\[[0-9;]*m/g, "");
  assert.is(r.status, 1, plain);
  assert.match(plain, /ESPRUINO names a runnable Espruino interpreter \(esp8266\)/);
  assert.match(plain, /^\s*Skipped:\s+0 test\(s\), 0 suite\(s\)$/m);
  assert.is(plain.trim().split("\n").pop(), "0 passed, 2 failed");
});

t.run();
