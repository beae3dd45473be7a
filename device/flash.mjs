// Uploads the telemetry program and the mqttiny module to a board with the `espruino` CLI.
//   npm run flash -- --port /dev/ttyUSB0 [--board ESP32|ESP8266] [--config device/config.json] [--save flash|ram]
//   npm run flash -- --out upload.js     (no board: write what would be sent, for a check or a later upload)
// The CLI fetches modules over HTTP; here it fetches build/mqttiny.min.js from a server on 127.0.0.1
// for the length of the upload, so no internet is needed, and the CLI's own module handling
// (Modules.addCached, as a function so it can run from flash) applies.
import { readFileSync, writeFileSync, existsSync, mkdtempSync } from "node:fs";
import { execSync, spawn } from "node:child_process";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf("--" + n);
  return i < 0 ? d : args[i + 1];
};
const port = opt("port");
const out = opt("out");
const board = opt("board", "ESP32");
const configFile = opt("config", join(root, "device/config.json"));
const save = opt("save", port ? "flash" : "ram");
if (save != "flash" && save != "ram") {
  console.error("--save is flash or ram");
  process.exit(2);
}

if (!port && !out) {
  console.error("usage: npm run flash -- --port /dev/ttyUSB0 [--board ESP32|ESP8266] [--config file] [--save flash|ram]\n       npm run flash -- --out upload.js [--board ...] [--save flash|ram]");
  process.exit(2);
}
const bundle = join(root, "build/mqttiny.min.js");
if (!existsSync(bundle)) execSync("npm run build", { cwd: root, stdio: "inherit" });

let config;
if (existsSync(configFile)) config = JSON.parse(readFileSync(configFile, "utf8"));
else {
  console.error(`no ${configFile}: using device/config.example.json (copy it to device/config.json and edit)`);
  config = JSON.parse(readFileSync(join(root, "device/config.example.json"), "utf8"));
}
const boardJson = join(root, "device/boards", board.toUpperCase() + ".json");
if (!existsSync(boardJson)) {
  console.error("unknown board " + board + ": use ESP32 or ESP8266");
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), "mqttiny-flash-"));
const program = join(dir, "telemetry.js");
writeFileSync(program, "var CONFIG = " + JSON.stringify(config) + ";\n" + readFileSync(join(root, "device/telemetry.js"), "utf8"));

const code = readFileSync(bundle);
const server = createServer((req, res) => {
  if (req.url.endsWith("/mqttiny.min.js")) res.end(code);
  else (res.statusCode = 404), res.end();
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const cli = createRequire(import.meta.url).resolve("espruino/bin/espruino-cli.js");
// The CLI mishandles a port in MODULE_URL (it passes "host:port" as the host name), so the module URL
// has none and the CLI's proxy setting routes the request to the server above.
const cliArgs = [cli, "--board", boardJson, "--config", "MODULE_URL=http://mqttiny.local", "--config", "MODULE_EXTENSIONS=.min.js"];
cliArgs.push("--config", "MODULE_PROXY_ENABLED=true", "--config", "MODULE_PROXY_URL=127.0.0.1", "--config", `MODULE_PROXY_PORT=${server.address().port}`);
// --save flash (the default with --port): the CLI writes the upload into Storage as .bootcde in 1 KB
// chunks and loads it from there, so function bodies point into flash instead of being copied into RAM
// (a 10 KB module loaded from a RAM string needs about as many blocks as an ESP8266 has). It also
// survives a reboot. --save ram uploads into RAM as the IDE does by default (keep it with save()).
if (save == "flash") cliArgs.push("--storage", ".bootcde:-");
if (port) cliArgs.push("-p", port);
else cliArgs.push("-n");
if (out) cliArgs.push("-o", out);
cliArgs.push(program);
console.log(`module ${code.length} bytes, program ${readFileSync(program).length} bytes; board ${board}${port ? ", port " + port : ", no board (-n)"}; to ${save}`);
const child = spawn(process.execPath, cliArgs, { stdio: ["inherit", "pipe", "pipe"] });
let log = "";
child.stdout.on("data", (d) => (log += d));
child.stderr.on("data", (d) => (log += d));
const rc = await new Promise((r) => child.on("exit", r));
server.close();
const missing = /Module mqttiny not found/.test(log);
if (rc || missing) {
  console.error(log);
  console.error(missing ? "the espruino CLI could not load the mqttiny module" : "espruino CLI failed");
  process.exit(1);
}
console.log(out ? `wrote ${out}` : save == "flash" ? "uploaded to flash (.bootcde): it runs now and at every boot" : "uploaded to RAM; type save() on the board's console to keep it across reboots");
