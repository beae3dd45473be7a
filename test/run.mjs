// Runs the uvu suites and ends with the plain "N passed, N failed" line CI reads; exits as uvu does.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// uvu's package exports do not list bin.js, so it is addressed by path.
const uvu = fileURLToPath(new URL("../node_modules/uvu/bin.js", import.meta.url));
const p = spawn(process.execPath, [uvu, "-r", "tsx", "test", "\\.test\\.(ts|mjs)$"], { stdio: ["inherit", "pipe", "inherit"] });
let out = "";
p.stdout.on("data", (d) => {
  process.stdout.write(d);
  out += d;
});
p.on("exit", (code) => {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, "");
  const total = +(plain.match(/Total:\s+(\d+)/) || [])[1] || 0;
  const passed = +(plain.match(/Passed:\s+(\d+)/) || [])[1] || 0;
  console.log(`\n${passed} passed, ${total - passed} failed`);
  process.exit(code ?? 1);
});
