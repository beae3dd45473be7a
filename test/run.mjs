// Runs the uvu suites and ends with the plain "N passed, N failed" line CI reads; exits as uvu does.
// Suites that a missing tool (the interpreter, the gateway, mosquitto, duk) leaves out register no
// tests, so uvu's "Skipped:" would say 0: they record themselves (test/skips.ts) and that line counts them.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skippedSuites, withSkippedSuites } from "./skip-summary.mjs";

// uvu's package exports do not list bin.js, so it is addressed by path.
const uvu = fileURLToPath(new URL("../node_modules/uvu/bin.js", import.meta.url));
const onSignal = fileURLToPath(new URL("./exit-on-signal.cjs", import.meta.url));
const skipDir = mkdtempSync(join(tmpdir(), "mqttiny-skips-"));
const skipLog = join(skipDir, "skips.jsonl");
process.on("exit", () => rmSync(skipDir, { recursive: true, force: true }));
// An argument narrows the files, as uvu's pattern does (npm test -- flash).
const pattern = process.argv[2] || "\\.test\\.(ts|mjs)$";
const p = spawn(process.execPath, ["--require", onSignal, uvu, "-r", "tsx", "test", pattern], { stdio: ["inherit", "pipe", "inherit"], env: { ...process.env, MQTTINY_SKIP_LOG: skipLog } });

const readSkips = () => {
  try {
    return skippedSuites(readFileSync(skipLog, "utf8"));
  } catch {
    return skippedSuites("");
  }
};
// uvu's summary (from "Total:" on) is held and its "Skipped:" line extended before it is printed.
const summary = (s) => withSkippedSuites(s, readSkips());

let out = "";
let tail = null;
let hung = false;
let ended = false;
p.stdout.on("data", (d) => {
  const s = d.toString();
  out += s;
  if (tail == null) {
    const i = s.indexOf("Total:");
    if (i < 0) return void process.stdout.write(s);
    process.stdout.write(s.slice(0, i));
    tail = s.slice(i);
  } else tail += s;
  // uvu's summary ends with Duration. A test that failed before it stopped what it started (a broker,
  // a gateway, an interpreter) keeps the process from exiting: a failure now, not a CI run that waits
  // out its time limit.
  if (!ended && /Duration:[^\n]*\n/.test(tail)) {
    ended = true;
    process.stdout.write(summary(tail));
    tail = "";
    setTimeout(() => {
      hung = true;
      console.log("\nThe tests ended, but their process had not exited 60 s later: something a test started is still running.");
      // SIGTERM runs the helpers' exit handlers (exit-on-signal.cjs); SIGKILL if even that hangs.
      p.kill("SIGTERM");
      setTimeout(() => p.kill("SIGKILL"), 10000).unref();
    }, 60000).unref();
  } else if (ended) process.stdout.write(tail), (tail = "");
});
p.on("exit", (code) => {
  if (tail) process.stdout.write(ended ? tail : summary(tail));
  const plain = out.replace(/\x1b\[[0-9;]*m/g, "");
  const total = +(plain.match(/Total:\s+(\d+)/) || [])[1] || 0;
  const passed = +(plain.match(/Passed:\s+(\d+)/) || [])[1] || 0;
  console.log(`\n${passed} passed, ${total - passed + (hung ? 1 : 0)} failed`);
  process.exit(hung ? 1 : code ?? 1);
});
