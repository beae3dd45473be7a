// The docs as a user follows them: every `npm run X` they show is a script in package.json, every flag
// shown after `npm start --` or `npm run flash --` is one that script's own parser takes, README.md stays
// under 300 lines, and every relative link names a file (and its #anchor a heading there). The pages are
// README.md and the .md pages it links to, and the pages those link to.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, existsSync, statSync } from "node:fs";
import { spawn } from "node:child_process";
import { join, dirname, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const t = suite("docs");
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const read = (f: string) => readFileSync(join(root, f), "utf8");
const scripts: Record<string, string> = JSON.parse(read("package.json")).scripts;

interface Link {
  page: string;
  line: number;
  target: string;
}

/** Markdown links [text](target) and <a href>, outside code. */
function links(page: string): Link[] {
  const out: Link[] = [];
  let fenced = false;
  read(page)
    .split("\n")
    .forEach((l, i) => {
      if (/^\s*```/.test(l)) fenced = !fenced;
      if (fenced) return;
      const text = l.replace(/`[^`]*`/g, "");
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) out.push({ page, line: i + 1, target: m[1] });
    });
  return out;
}

const external = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** README.md, and the pages reached from it by relative .md links. */
function pages(): string[] {
  const seen = ["README.md"];
  for (let k = 0; k < seen.length; k++)
    for (const l of links(seen[k])) {
      const file = l.target.split("#")[0];
      if (!file || external(l.target) || !file.endsWith(".md")) continue;
      const p = normalize(join(dirname(seen[k]), file));
      if (existsSync(join(root, p)) && !seen.includes(p)) seen.push(p);
    }
  return seen;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");

function anchors(page: string): string[] {
  let fenced = false;
  const out: string[] = [];
  for (const l of read(page).split("\n")) {
    if (/^\s*```/.test(l)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*)$/.exec(l);
    if (m) out.push(slug(m[1]));
  }
  return out;
}

interface Command {
  page: string;
  line: number;
  /** The npm script: "start", "test", "flash", ... */
  script: string;
  /** Flags after the ` -- ` that hands them to the script, without their values. */
  flags: string[];
  text: string;
}

/** Every `npm start`, `npm test` and `npm run X` in code (fenced blocks and `inline` spans). */
function commands(page: string, text = read(page)): Command[] {
  const out: Command[] = [];
  let fenced = false;
  text.split("\n").forEach((l, i) => {
    if (/^\s*```/.test(l)) {
      fenced = !fenced;
      return;
    }
    // In a table cell a | inside code is written \|.
    const code = fenced ? [l.replace(/\s#\s.*$/, "")] : [...l.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\\\|/g, "|"));
    for (const c of code)
      for (const m of c.matchAll(/\bnpm (?:run ([\w:-]+)|(start|test))\b([^;&|)#]*)/g)) {
        const words = m[3].trim().split(/\s+/).filter(Boolean);
        const k = words.indexOf("--");
        const flags = k < 0 ? [] : words.slice(k + 1).filter((w) => /^--[a-z]/.test(w)).map((w) => w.replace(/=.*$/, ""));
        out.push({ page, line: i + 1, script: m[1] || m[2], flags, text: m[0].trim() });
      }
  });
  return out;
}

/** The file a package.json script runs with node (its first .mjs or .js argument). */
function scriptFile(script: string): string | null {
  const m = /\bnode\b[^&]*?\s([\w./-]+\.m?js)\b/.exec(scripts[script] || "");
  return m ? m[1] : null;
}

// Each (script, arguments) is run once for all the tests.
const runs = new Map<string, Promise<{ status: number | null; err: string }>>();
function run(file: string, args: string[]): Promise<{ status: number | null; err: string }> {
  const key = [file, ...args].join(" ");
  if (!runs.has(key)) runs.set(key, spawnRun(file, args));
  return runs.get(key)!;
}

function spawnRun(file: string, args: string[]): Promise<{ status: number | null; err: string }> {
  return new Promise((res) => {
    const env = { ...process.env };
    // Nothing from the environment changes what the parser sees; --help ends the run before any work.
    for (const k of ["ESPRUINO", "MQTTSN_GATEWAY", "MQTT_URL"]) delete env[k];
    const p = spawn(process.execPath, [file, ...args], { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    const kill = setTimeout(() => p.kill("SIGKILL"), 30_000);
    p.on("exit", (status) => (clearTimeout(kill), res({ status, err: err.trim() })));
  });
}

/**
 * The flags of `flags` that the parser of `file` rejects as unknown. The parser is asked itself: each
 * flag is passed before --help (a flag that wants a value gets "--help" and refuses it, which is not
 * "unknown"), and its answer is compared with its answer for a flag that cannot exist.
 */
async function unknownFlags(file: string, flags: string[]): Promise<string[]> {
  const BOGUS = "--zz-no-such-flag";
  const control = await run(file, [BOGUS, "--help"]);
  assert.ok(control.status != 0 && control.err.includes(BOGUS), `${file} ${BOGUS} --help should be refused as unknown: exit ${control.status}, ${control.err}`);
  const answers = await Promise.all(flags.map((f) => run(file, [f, "--help"])));
  return flags.filter((f, k) => answers[k].err == control.err.split(BOGUS).join(f));
}

const all = () => pages().flatMap((p) => commands(p));
const where = (c: Command) => `${c.page}:${c.line} \`${c.text}\``;

async function problems(cs: Command[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of cs) if (!Object.hasOwn(scripts, c.script)) out.push(`${where(c)}: no script "${c.script}" in package.json`);
  // Per script file, each flag once.
  const byFile = new Map<string, Map<string, Command>>();
  for (const c of cs) {
    if (!c.flags.length || !Object.hasOwn(scripts, c.script)) continue;
    const file = scriptFile(c.script);
    if (!file) {
      out.push(`${where(c)}: flags for "${c.script}", which runs no node script`);
      continue;
    }
    if (!byFile.has(file)) byFile.set(file, new Map());
    for (const f of c.flags) if (!byFile.get(file)!.has(f)) byFile.get(file)!.set(f, c);
  }
  for (const [file, flags] of byFile) {
    // npm start and npm run flash refuse unknown flags: their parsers decide. Other scripts (npm run
    // bench) read process.argv and would run on: the flag must at least be in their source.
    const parsed = /start\.mjs$|flash\.mjs$/.test(file);
    const bad = parsed ? await unknownFlags(file, [...flags.keys()]) : [...flags.keys()].filter((f) => !read(file).includes(`"${f}"`));
    for (const f of bad) out.push(`${where(flags.get(f)!)}: ${f} is not a flag of ${file}`);
  }
  return out;
}

t("README.md is under 300 lines", () => {
  const n = read("README.md").trimEnd().split("\n").length;
  assert.ok(n < 300, `README.md has ${n} lines`);
});

t("README.md links the pages: bench/README.md and device/README.md are reached from it", () => {
  const p = pages();
  for (const f of ["bench/README.md", "device/README.md"]) assert.ok(p.includes(f), f + " not linked from README.md");
});

t("every relative link in README.md and its pages names a file, and its #anchor a heading there", () => {
  const bad: string[] = [];
  for (const page of pages())
    for (const l of links(page)) {
      if (external(l.target)) continue;
      const [file, anchor] = l.target.split("#");
      const p = file ? normalize(join(dirname(page), decodeURIComponent(file))) : page;
      if (relative(root, join(root, p)).startsWith("..") || !existsSync(join(root, p))) {
        bad.push(`${page}:${l.line}: ${l.target}: no file ${p}`);
        continue;
      }
      if (anchor && p.endsWith(".md") && statSync(join(root, p)).isFile() && !anchors(p).includes(anchor)) bad.push(`${page}:${l.line}: ${l.target}: no heading #${anchor} in ${p}`);
    }
  assert.equal(bad, []);
});

t("README.md shows the set-up commands CI runs: npm ci && npm start, and npm test", () => {
  const cs = commands("README.md");
  assert.ok(read("README.md").includes("npm ci && npm start"), "npm ci && npm start");
  assert.ok(cs.some((c) => c.script == "test" && !c.flags.length), "npm test");
  assert.match(read(".ci/run"), /\nnpm test\n/);
});

t("every npm script and flag the docs show exists (package.json, the scripts' own parsers)", async () => {
  const cs = all();
  assert.ok(cs.filter((c) => c.flags.length).length >= 5, "the docs show flags to check");
  assert.equal(await problems(cs), []);
});

t("a flag or script that does not exist is reported: npm start -- --lossy --no-such, npm run flash -- --nope, npm run nothing", async () => {
  const doc = "```sh\nnpm start -- --lossy --no-such 3\n```\n`npm run flash -- --board ESP32 --nope` and `npm run nothing`, `npm run bench -- --slow`\n";
  const p = await problems(commands("fake.md", doc));
  assert.equal(p, [
    'fake.md:4 `npm run nothing`: no script "nothing" in package.json',
    "fake.md:2 `npm start -- --lossy --no-such 3`: --no-such is not a flag of device/emulator/start.mjs",
    "fake.md:4 `npm run flash -- --board ESP32 --nope`: --nope is not a flag of device/flash.mjs",
    "fake.md:4 `npm run bench -- --slow`: --slow is not a flag of bench/run.mjs",
  ]);
});

t.run();
