// Tests that a missing tool leaves out register nothing, so uvu counts them nowhere ("Skipped: 0").
// Each such suite says so here: test/run.mjs names the file in MQTTINY_SKIP_LOG and prints the count in
// its summary. Without that variable (uvu run directly) this does nothing.
import { appendFileSync } from "node:fs";

/** Records that the calling test file left tests out, and why. */
export function skipped(why: string): void {
  const log = process.env.MQTTINY_SKIP_LOG;
  if (!log) return;
  // The test file is the first frame under test/ that is not a helper.
  const frame = (new Error().stack || "").split("\n").find((l) => /[\\/]test[\\/][\w.-]+\.test\.(ts|mjs)/.test(l)) || "";
  const file = (/([\w.-]+\.test\.(ts|mjs))/.exec(frame) || [])[1] || "?";
  appendFileSync(log, JSON.stringify({ file, why }) + "\n");
}
