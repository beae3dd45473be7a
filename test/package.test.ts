// The package as a user gets it: `npm pack` (here without its prepack build: `npm test` has just built), then `npm install ./mqttiny-0.1.0.tgz` into an empty
// project (offline: the package has no dependencies), then TypeScript consumers compiled under
// moduleResolution node16, nodenext and bundler WITHOUT skipLibCheck, and require/import at run time.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, existsSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const t = suite("package");
const ROOT = resolve(".");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const pkg = JSON.parse(readFileSync("package.json", "utf8"));
let dir = "";
let packed: string[] = [];

function npm(args: string[], cwd: string): string {
  // npm_config_* from an enclosing `npm test` would leak into the child (e.g. a workspace root).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return execFileSync("npm", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
}

t.before(() => {
  dir = mkdtempSync(join(tmpdir(), "mqttiny-consumer-"));
  const info = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", dir], ROOT));
  packed = info[0].files.map((f: { path: string }) => f.path);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  npm(["install", "--offline", "--no-audit", "--no-fund", "./" + info[0].filename], dir);
});
// The project (tarball, node_modules, the tsc consumers under it) serves every test; uvu runs this
// even when before() or a test fails.
t.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

t("npm pack + npm install ./mqttiny-0.1.0.tgz: the package holds LICENSE (MIT), the builds and their types, no sources; engines names the Node it needs", () => {
  for (const f of ["LICENSE", "README.md", "package.json", "build/package.json", "build/node/index.cjs", "build/node/node.d.ts", "build/node/espruino.d.ts", "build/mqttiny.min.js"]) assert.ok(packed.includes(f), f + " packed");
  assert.equal(packed.filter((f) => /^(src|test|device|bench)\//.test(f)), []);
  const license = readFileSync(join(dir, "node_modules/mqttiny/LICENSE"), "utf8");
  assert.ok(license.startsWith("MIT License\n\nCopyright (c) 2026 the mqttiny authors\n"), license.slice(0, 80));
  assert.equal(pkg.license, "MIT");
  assert.equal(pkg.engines, { node: ">=18" });
  assert.ok(Number(process.versions.node.split(".")[0]) >= 18);
});

const CONSUMER = (mod: string) => `
import { connect, createClient, nodeTransport, encodePublish } from "mqttiny";
import type { Client, ClientOptions } from "mqttiny";
import { connect as deviceConnect } from "mqttiny/device";

const c: Client = connect({ host: "127.0.0.1", port: 1883, clientId: "${mod}", keepalive: 30 });
const sent: boolean = c.publish("a/b", "21.5", { qos: 1, retain: true });
c.subscribe("a/#", { qos: 2, onMessage: (topic: string, payload: unknown) => {} });
c.on("connected", () => {}).on("message", () => {});
const held: number = c.queued() + c.dropped + c.attempts + c.state();
const o: Partial<ClientOptions> = { keepalive: 10 };
const c2: Client = createClient({ transport: nodeTransport({ host: "x" }), ...o });
const end: number = encodePublish(new Uint8Array(64), 0, "a", "b", 0, false, false, 0);
const d: Client = deviceConnect({ host: "192.168.1.10" });

// Client is a real type, not any: each of these must be reported.
// @ts-expect-error a number is no topic
c.publish(1);
// @ts-expect-error no such method
c.nosuchmethod();
// @ts-expect-error a Client is not a number
const n: number = c;
// @ts-expect-error unknown option
connect({ hots: "x" });
export { sent, held, c2, end, d, n };
`;

// qos and event names as literal types (src/client.ts): publish { qos: 0 | 1 }, subscribe { qos: 0 | 1 | 2 },
// on("connected" | "message" | "error" | "offline" | "close" | "drain", ...).
const LITERALS = `
import { connect } from "mqttiny";
const c = connect({});
c.publish("a", "x", { qos: 0 });
c.publish("a", "x", { qos: 1 });
// @ts-expect-error publishing at QoS 2 is not supported
c.publish("a", "x", { qos: 2 });
c.subscribe("a", { qos: 0 });
c.subscribe("a", { qos: 1 });
c.subscribe("a", { qos: 2 });
// @ts-expect-error there is no QoS 3
c.subscribe("a", { qos: 3 });
for (const ev of ["connected", "message", "error", "offline", "close", "drain"] as const) c.on(ev, () => {});
// @ts-expect-error the event is "connected"
c.on("connect", () => {});
// @ts-expect-error no such event
c.on("disconnected", () => {});
`;

function tsc(mode: "node16" | "nodenext" | "bundler", files: Record<string, string>) {
  const sub = mkdtempSync(join(dir, mode + "-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(sub, name), text);
  // Consumers live inside the temp project, so "mqttiny" resolves to node_modules/mqttiny from the tarball.
  const compilerOptions = { strict: true, noEmit: true, skipLibCheck: false, types: [], module: mode == "bundler" ? "esnext" : mode, moduleResolution: mode, target: "es2020" };
  writeFileSync(join(sub, "tsconfig.json"), JSON.stringify({ compilerOptions, files: Object.keys(files) }));
  const r = spawnSync(process.execPath, [TSC, "-p", sub], { encoding: "utf8" });
  return { status: r.status, out: (r.stdout + r.stderr).trim() };
}

for (const mode of ["node16", "nodenext", "bundler"] as const) {
  t(`types resolve under moduleResolution ${mode} without skipLibCheck; Client is a real type (deliberate type errors are reported)`, () => {
    const files: Record<string, string> = mode == "bundler" ? { "consumer.ts": CONSUMER(mode) } : { "esm.mts": CONSUMER(mode + "-esm"), "cjs.cts": CONSUMER(mode + "-cjs") };
    const r = tsc(mode, files);
    assert.equal(r.out, "", r.out);
    assert.is(r.status, 0);
  });
}

t("qos and event names are literal types (publish 0|1, subscribe 0|1|2, six event names) under node16, nodenext and bundler", () => {
  for (const mode of ["node16", "nodenext", "bundler"] as const) {
    const r = tsc(mode, mode == "bundler" ? { "literals.ts": LITERALS } : { "literals.mts": LITERALS, "literals.cts": LITERALS });
    assert.equal(r.out, "", mode + ":\n" + r.out);
  }
});

t('at run time: require("mqttiny"), import "mqttiny", and require("mqttiny/device") / import "mqttiny/device" (the Espruino bundle) all load', () => {
  const cjs = `const m = require("mqttiny"); const d = require("mqttiny/device");
    console.log(typeof m.connect, typeof m.createClient, typeof m.encodePublish, typeof d.connect, typeof d.createClient);
    console.log(require.resolve("mqttiny/device"));`;
  const out = execFileSync(process.execPath, ["-e", cjs], { cwd: dir, encoding: "utf8" }).trim().split("\n");
  assert.equal(out[0], "function function function function function");
  assert.ok(realpathSync(out[1]) == realpathSync(join(dir, "node_modules/mqttiny/build/mqttiny.min.js")), out[1]);
  const esm = `import { connect } from "mqttiny"; import * as d from "mqttiny/device"; console.log(typeof connect, typeof d.connect);`;
  assert.is(execFileSync(process.execPath, ["--input-type=module", "-e", esm], { cwd: dir, encoding: "utf8" }).trim(), "function function");
});

t('mqttiny/device\'s connect() on Node fails at once with one line that names the Node entry (it died on the missing E inside the first packet)', () => {
  const js = `try { require("mqttiny/device").connect({ port: 1 }); console.log("connected?"); } catch (e) { console.log(e.code + " " + e.message); }`;
  assert.is(execFileSync(process.execPath, ["-e", js], { cwd: dir, encoding: "utf8" }).trim(), 'platform mqttiny/device is the Espruino bundle; on Node use require("mqttiny")');
});

t("npm install /path/to/checkout also works (a link to the checkout's build)", () => {
  const d2 = mkdtempSync(join(tmpdir(), "mqttiny-linked-"));
  try {
    writeFileSync(join(d2, "package.json"), JSON.stringify({ name: "consumer2", private: true }));
    npm(["install", "--offline", "--no-audit", "--no-fund", ROOT], d2);
    assert.ok(existsSync(join(d2, "node_modules/mqttiny/build/node/index.cjs")));
    const out = execFileSync(process.execPath, ["-e", 'console.log(typeof require("mqttiny").connect, typeof require("mqttiny/device").connect)'], { cwd: d2, encoding: "utf8" });
    assert.is(out.trim(), "function function");
  } finally {
    // node_modules/mqttiny is a symlink to the checkout: rmSync removes the link, not the checkout.
    rmSync(d2, { recursive: true, force: true });
  }
});

t.run();
