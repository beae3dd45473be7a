// The decoder fuzzer at a smaller count (npm run fuzz runs 1,000,000 inputs).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";

test("20,000 fuzzed inputs (2,000 bounds-checked): no exception, progress, offsets in range, memory flat", () => {
  let out: string;
  try {
    out = execFileSync(process.execPath, ["--expose-gc", "test/fuzz.mjs", "20000", "2000", "777"], { encoding: "utf8", timeout: 120_000 });
  } catch (e: any) {
    assert.unreachable("fuzz failed:\n" + e.stdout);
    return;
  }
  const s = JSON.parse(out.split("\n")[0]);
  console.log("  fuzz:", out.split("\n")[0]);
  assert.is(s.failures, 0);
  assert.is(s.inputs, 22000);
  assert.ok(s.packets > 1000, "valid packets decoded among the mutants");
});

test.run();
