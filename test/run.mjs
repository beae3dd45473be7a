// Runs the uvu suites and ends with the plain "N passed, N failed" line CI reads; exits as uvu does.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// uvu's package exports do not list bin.js, so it is addressed by path.
const uvu = fileURLToPath(new URL("../node_modules/uvu/bin.js", import.meta.url));
const onSignal = fileURLToPath(new URL("./exit-on-signal.cjs", import.meta.url));
const p = spawn(process.execPath, ["--require", onSignal, uvu, "-r", "tsx", "test", "\\.test\\.(ts|mjs)$"], { stdio: ["inherit", "pipe", "inherit"] });
let out = "";
let hung = false;
let ended = false;
p.stdout.on("data", (d) => {
  process.stdout.write(d);
  out += d;
  // uvu's summary ends with Duration. A test that failed before it stopped what it started (a broker,
  // a gateway, an interpreter) keeps the process from exiting: a failure now, not a CI run that waits
  // out its time limit.
  if (!ended && /Duration:/.test(out)) {
    ended = true;
    setTimeout(() => {
      hung = true;
      console.log("\nThe tests ended, but their process had not exited 60 s later: something a test started is still running.");
      // SIGTERM runs the helpers' exit handlers (exit-on-signal.cjs); SIGKILL if even that hangs.
      p.kill("SIGTERM");
      setTimeout(() => p.kill("SIGKILL"), 10000).unref();
    }, 60000).unref();
  }
});
p.on("exit", (code) => {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, "");
  const total = +(plain.match(/Total:\s+(\d+)/) || [])[1] || 0;
  const passed = +(plain.match(/Passed:\s+(\d+)/) || [])[1] || 0;
  console.log(`\n${passed} passed, ${total - passed + (hung ? 1 : 0)} failed`);
  process.exit(hung ? 1 : code ?? 1);
});
