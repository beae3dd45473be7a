// device/build-espruino.sh, which makes the board-layout interpreters from an espruino/Espruino source
// tree. It cannot download here and the 32-bit compile needs gcc-multilib, so what is tested is what it
// does before compiling: its argument checks, and the board files it writes, read back the way the
// build reads them (in a fake tree shaped like 2v29's; in a real tree too when ESPRUINO_SRC names one).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skipped } from "./skips";

const t = suite("build-espruino.sh");
const dir = mkdtempSync(join(tmpdir(), "build-espruino-"));
t.after(() => rmSync(dir, { recursive: true, force: true }));

const build = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync("device/build-espruino.sh", args, { encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });
  return { status: r.status, out: r.stdout, err: r.stderr };
};

// boards/LINUX.py as 2v29 has it, in outline: resizable memory, TENSORFLOW, unicode Strings, LINUX=1.
const LINUX_PY = `import pinutils;
info = {
 'name' : "Normal Linux Compile",
 'default_console' : "EV_USBSERIAL",
 'variables' :  0, # 0 = resizable variables, rather than fixed
 'binary_name' : 'espruino',
 'build' : {
   'libraries' : ['NET', 'TENSORFLOW', 'GRAPHICS', 'FILESYSTEM', 'CRYPTO', 'TLS', 'TELNET'],
   'makefile' : [
     'DEFINES+=-DESPR_UNICODE_SUPPORT=1',
     'LINUX=1',
   ]
 }
};
chip = { 'part' : "LINUX", 'family' : "LINUX", 'flash' : 256 };
devices = { 'USB' : {} };
def get_pins():
  return pinutils.generate_pins(0,32)
`;
// Stand-ins for the build's scripts: the board module imported as the build imports it, its settings printed.
const DECLS = `import sys, os, json, importlib
base = os.path.dirname(os.path.realpath(__file__)) + "/../"
sys.path.append(base + "scripts"); sys.path.append(base + "boards")
b = importlib.import_module(sys.argv[1])
print(json.dumps({"variables": b.info["variables"], "libraries": b.info["build"]["libraries"], "makefile": b.info["build"]["makefile"], "pins": len(b.get_pins())}))
`;
const PINUTILS = "def generate_pins(a, b):\n  return list(range(a, b + 1))\n";

function fakeTree(name: string, git = true): string {
  const src = join(dir, name);
  mkdirSync(join(src, "boards"), { recursive: true });
  mkdirSync(join(src, "scripts"), { recursive: true });
  writeFileSync(join(src, "boards/LINUX.py"), LINUX_PY);
  writeFileSync(join(src, "scripts/get_makefile_decls.py"), DECLS);
  writeFileSync(join(src, "scripts/pinutils.py"), PINUTILS);
  writeFileSync(join(src, "Makefile"), "all:\n\tfalse\n");
  if (git) spawnSync("git", ["init", "-q", src]);
  return src;
}

t("no source tree given, or a flag it does not know: the usage, exit 2", () => {
  for (const args of [[], ["--fast"], ["a", "b", "c"]]) {
    const r = build(args);
    assert.is(r.status, 2, args.join(" "));
    assert.match(r.err, /^usage: device\/build-espruino\.sh ESPRUINO_SRC \[OUT_DIR\]/);
  }
});

t("a source tree that is not there, not Espruino's, or not a git work tree: one line saying which, exit 1", () => {
  const none = build([join(dir, "none")]);
  assert.is(none.status, 1);
  assert.is(none.err.trim(), `build-espruino: ESPRUINO_SRC ${join(dir, "none")} does not exist: clone it with git clone https://github.com/espruino/Espruino`);
  const other = join(dir, "other");
  mkdirSync(other, { recursive: true });
  const r = build([other]);
  assert.is(r.status, 1);
  assert.match(r.err, /is not an Espruino source tree \(no boards\/LINUX\.py and Makefile\)/);
  const archive = build([fakeTree("archive", false)]);
  assert.is(archive.status, 1);
  assert.match(archive.err, /is not a git work tree: Espruino's build reads git log, so a source archive fails/);
  assert.not.ok(existsSync(join(dir, "archive/boards/LINUX_ESP8266.py")), "nothing written");
});

t("the board files, read as the build reads them: LINUX.py with 1,700 / 16,383 fixed variables, no TENSORFLOW, byte Strings, 32-bit static; the ESP8266 defines on the ESP8266 layout only", () => {
  const src = fakeTree("tree");
  const r = build(["--boards-only", src]);
  assert.is(r.status, 0, r.err);
  assert.match(r.out, /wrote boards\/LINUX_ESP8266\.py\nwrote boards\/LINUX_ESP32\.py\nwrote boards\/LINUX_STATIC64\.py/);
  const read = (b: string) => JSON.parse(spawnSync("python3", ["scripts/get_makefile_decls.py", b], { cwd: src, encoding: "utf8" }).stdout);
  const esp8266 = read("LINUX_ESP8266");
  const esp32 = read("LINUX_ESP32");
  const linux64 = read("LINUX_STATIC64");
  const m32 = ["CFLAGS+=-m32", "LDFLAGS+=-m32", "DEFINES+=-DUSE_CALLFUNCTION_HACK", "LDFLAGS+=-static", "OPENWRT_UCLIBC=1"];
  const esp8266Defines = "DEFINES+=-DSAVE_ON_FLASH_MATH -DESPR_NO_LINE_NUMBERS -DESPR_LIMIT_DATE_RANGE -DESPR_NO_REGEX_OPTIMISE";
  assert.equal([esp8266.variables, esp32.variables, linux64.variables], [1700, 16383, 0]);
  for (const b of [esp8266, esp32]) {
    assert.equal(b.libraries, ["NET", "GRAPHICS", "FILESYSTEM", "CRYPTO", "TLS", "TELNET"]);
    assert.not.ok(b.makefile.some((m: string) => m.includes("ESPR_UNICODE_SUPPORT")));
    for (const m of m32) assert.ok(b.makefile.includes(m), m);
    assert.is(b.pins, 33, "LINUX.py's own definitions (get_pins) come along");
  }
  assert.equal(esp8266.makefile, ["LINUX=1", ...m32, esp8266Defines]);
  assert.equal(esp32.makefile, ["LINUX=1", ...m32]);
  // The 64-bit build is the stock one, static.
  assert.equal(linux64.libraries, ["NET", "TENSORFLOW", "GRAPHICS", "FILESYSTEM", "CRYPTO", "TLS", "TELNET"]);
  assert.equal(linux64.makefile, ["DEFINES+=-DESPR_UNICODE_SUPPORT=1", "LINUX=1", "LDFLAGS+=-static"]);
});

t("LAYOUTS naming an unknown layout is refused before anything is compiled", () => {
  const r = build([fakeTree("layouts"), join(dir, "out")], { LAYOUTS: "esp8266 esp99" });
  assert.is(r.status, 1);
  assert.match(r.err, /LAYOUTS: esp99 is not esp8266, esp32 or linux64/);
});

// An espruino/Espruino work tree (ESPRUINO_SRC): the build's own scripts read the board files.
const SRC = process.env.ESPRUINO_SRC;
if (SRC && existsSync(join(SRC, "boards/LINUX.py"))) {
  t("in Espruino's own source tree (ESPRUINO_SRC): its scripts/get_makefile_decls.py reads each board file, with the layout's settings", () => {
    const r = build(["--boards-only", SRC]);
    assert.is(r.status, 0, r.err);
    const decls = (b: string) => spawnSync("python3", ["scripts/get_makefile_decls.py", b], { cwd: SRC, encoding: "utf8" }).stdout;
    const a = decls("LINUX_ESP8266");
    assert.match(a, /^BOARD=LINUX_ESP8266$/m);
    assert.match(a, /^PROJ_NAME=\$\(BINDIR\)\/espruino$/m);
    assert.match(a, /^CFLAGS\+=-m32$/m);
    assert.match(a, /^DEFINES\+=-DSAVE_ON_FLASH_MATH /m);
    assert.not.match(a, /USE_TENSORFLOW|ESPR_UNICODE_SUPPORT/);
    assert.not.match(decls("LINUX_ESP32"), /SAVE_ON_FLASH_MATH|USE_TENSORFLOW|ESPR_UNICODE_SUPPORT/);
  });
} else skipped("ESPRUINO_SRC is not set");

t.run();
