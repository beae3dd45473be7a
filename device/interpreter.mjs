// The real Espruino interpreter (a Linux build of github.com/espruino/Espruino) on the desktop: find it,
// run a program or an upload on it, stream its output lines. Used by the tests (test/espruino-*.test.ts)
// and by `npm start`.
//
//   ESPRUINO=/path/to/folder   a folder holding espruino-esp8266, espruino-esp32 and/or espruino-linux64
//                              (as ../shared/espruino does): each file present is one board layout
//   ESPRUINO=/path/to/espruino a single binary: that one board (named by the file name, else by its ELF
//                              class: 64-bit = linux64, 32-bit = esp8266 if it has 1,700 blocks, else esp32)
//
// 32-bit builds run under qemu-i386 (Debian package qemu-user). The interpreter runs inside a pseudo-
// terminal (util-linux `script`) so its output is line-buffered and streams; its stdin is a pipe held
// open (at stdin EOF the Linux console thread fills its input with garbage). Espruino exits by itself
// when no timer or socket is left, or on quit(). Storage lives in ./espruino.flash of the working
// folder: every run gets a fresh temp folder unless `cwd` is given.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, statSync, openSync, readSync, closeSync, mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, basename, resolve } from "node:path";

export const BOARDS = ["esp8266", "esp32", "linux64"];

function which(cmd) {
  for (const d of (process.env.PATH || "/usr/bin:/bin").split(":")) {
    const p = join(d, cmd);
    if (existsSync(p)) return p;
  }
  return null;
}

function elfClass(file) {
  try {
    const fd = openSync(file, "r");
    const b = Buffer.alloc(5);
    readSync(fd, b, 0, 5, 0);
    closeSync(fd);
    if (b[0] != 0x7f || b.toString("latin1", 1, 4) != "ELF") return 0;
    return b[4] == 2 ? 64 : 32;
  } catch {
    return 0;
  }
}

function boardEntry(bin, qemu) {
  const bits = elfClass(bin);
  if (!bits) return { bin, problem: bin + " is not a Linux executable" };
  if (bits == 32 && process.arch != "ia32") {
    if (!qemu) return { bin, problem: "qemu-i386 not found (Debian package qemu-user) for the 32-bit " + basename(bin) };
    return { bin, cmd: [qemu, bin] };
  }
  return { bin, cmd: [bin] };
}

/**
 * Finds the interpreter named by `spec` (default: $ESPRUINO).
 * Returns null when it is unset, else { from, boards: { esp8266?, esp32?, linux64? }, problems: [] }
 * where each board is { bin, cmd: [argv to run it] }. A board whose build is there but cannot run
 * (no qemu-i386) is left out and named in `problems`.
 */
export function findEspruino(spec = process.env.ESPRUINO) {
  if (!spec) return null;
  const from = resolve(spec);
  const qemu = which("qemu-i386");
  const found = { from, boards: {}, problems: [] };
  if (!existsSync(from)) {
    found.problems.push("ESPRUINO=" + spec + " does not exist");
    return found;
  }
  const add = (board, bin) => {
    const e = boardEntry(bin, qemu);
    if (e.problem) found.problems.push(e.problem);
    else found.boards[board] = e;
  };
  if (statSync(from).isDirectory()) {
    for (const b of BOARDS) if (existsSync(join(from, "espruino-" + b))) add(b, join(from, "espruino-" + b));
    if (!Object.keys(found.boards).length && !found.problems.length) found.problems.push("no espruino-esp8266, espruino-esp32 or espruino-linux64 in " + from);
    return found;
  }
  const name = basename(from).toLowerCase();
  let board = BOARDS.find((b) => name.includes(b));
  if (!board) {
    const bits = elfClass(from);
    if (bits == 64) board = "linux64";
    else if (bits == 32) {
      const e = boardEntry(from, qemu);
      if (e.problem) {
        found.problems.push(e.problem);
        return found;
      }
      // Which layout: ask the build itself.
      let total = 0;
      const dir = mkdtempSync(join(tmpdir(), "espruino-probe-"));
      try {
        const out = execFileSync(e.cmd[0], [...e.cmd.slice(1), "-e", "print('TOTAL'+process.memory().total)"], { cwd: dir, encoding: "latin1", timeout: 20000, input: "" });
        total = +(out.match(/TOTAL(\d+)/) || [])[1] || 0;
      } catch {
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      board = total && total <= 2000 ? "esp8266" : "esp32";
    } else {
      found.problems.push(from + " is not a Linux executable");
      return found;
    }
  }
  add(board, from);
  return found;
}

// Handle -> the removal of its folders: a process that exits before an interpreter closes would leave them.
const live = new Map();
process.on("exit", () => {
  for (const [h, clean] of live) h.kill("SIGKILL"), clean();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const q = (s) => "'" + String(s).replace(/'/g, "'\\''") + "'";

/**
 * Runs the interpreter for `board`. Give it one of:
 *   code   a program (written to a file in cwd and run as the interpreter's script argument: Espruino
 *          reads it into a RAM string and runs it, so its length counts against the heap)
 *   file   a program file (same)
 *   upload text typed into the console line by line, each line prefixed with \x10 (echo off) as the
 *          Espruino Web IDE and CLI send it over the serial port; the REPL runs each statement as it
 *          completes, so nothing holds the whole text in RAM (as on a board)
 * lineDelayMs / chunkBytes / chunkDelayMs: typing pace for an upload (pause after each line; bytes per write
 * and the pause after each write).
 * args: interpreter options before the script (e.g. ["--telnet"]: the console also on TCP port 2323).
 * cwd (default: a fresh temp folder, removed at the end), timeoutMs (default 60000: SIGKILL after it),
 * onLine(line) for each output line as it comes (banner and prompts stripped), esp (from findEspruino).
 * Returns { done: Promise<{ code, signal, output, timedOut }>, kill(signal = "SIGKILL"), send(text), cwd, lines }.
 */
export function runEspruino({ board = "esp8266", code, file, upload, args = [], cwd, timeoutMs = 60000, onLine, esp = findEspruino(), lineDelayMs = 20, chunkBytes = 16, chunkDelayMs = 4 } = {}) {
  if (!esp || !esp.boards[board]) throw new Error("no Espruino build for board " + board + (esp ? " in " + esp.from : " (set ESPRUINO)"));
  const own = !cwd;
  const dir = cwd || mkdtempSync(join(tmpdir(), "espruino-"));
  const ctl = mkdtempSync(join(tmpdir(), "espruino-ctl-"));
  const pidFile = join(ctl, "pid");
  let script = null;
  if (code != null) {
    script = join(ctl, "program.js");
    writeFileSync(script, code);
  } else if (file) script = resolve(file);
  const argv = [...esp.boards[board].cmd, ...args, ...(script ? [script] : [])];
  // `timeout` is a last guard should this process die without killing the interpreter.
  const guard = Math.ceil(timeoutMs / 1000) + 30;
  const inner = "echo $$ > " + q(pidFile) + "; exec " + argv.map(q).join(" ");
  const line = "exec timeout -s KILL " + guard + " sh -c " + q(inner);
  const child = spawn("script", ["-qefc", line, "/dev/null"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
  child.stdin.on("error", () => {});
  let pid = 0;
  const readPid = () => {
    if (!pid) {
      try {
        pid = +readFileSync(pidFile, "utf8").trim() || 0;
      } catch {}
    }
    return pid;
  };

  const lines = [];
  let buf = "";
  let banner = 0; // 0: start-up text, 1: inside the banner, 2: the program's output
  const emit = (raw) => {
    let l = raw.replace(/\r/g, "").replace(/\x1b\[J/g, "").replace(/^>+/, "");
    if (banner == 0 && !/^ ____ /.test(l) && !/espruino\.com\/Donate/.test(l)) {
      if (/^espruino: |^Interactive mode\.?$|^$/.test(l)) return;
    }
    if (/^ ?____ {4,}/.test(l) || (banner == 0 && /^\|  __\|/.test(l))) banner = 1;
    if (banner == 1) {
      if (/espruino\.com\/Donate/.test(l)) banner = 3;
      return;
    }
    if (banner == 3) {
      banner = 2;
      if (l == "") return;
    }
    banner = 2;
    lines.push(l);
    if (onLine) onLine(l);
  };
  let xoff = false;
  const onData = (d) => {
    let s = d.toString("latin1");
    if (s.includes("\x13") || s.includes("\x11")) {
      xoff = s.lastIndexOf("\x13") > s.lastIndexOf("\x11");
      s = s.replace(/[\x11\x13]/g, "");
    }
    buf += s;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      emit(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);

  let timedOut = false;
  const handle = {
    cwd: dir,
    lines,
    pid: readPid,
    kill(sig = "SIGKILL") {
      const p = readPid();
      try {
        if (p) process.kill(p, sig);
      } catch {}
      if (sig == "SIGKILL" || sig == "SIGTERM") {
        try {
          child.kill("SIGKILL");
        } catch {}
      }
    },
    send(text) {
      child.stdin.write(text);
    },
  };
  const clean = () => {
    try {
      rmSync(ctl, { recursive: true, force: true });
      if (own) rmSync(dir, { recursive: true, force: true });
    } catch {}
  };
  live.set(handle, clean);
  const timer = setTimeout(() => {
    timedOut = true;
    handle.kill("SIGKILL");
  }, timeoutMs);
  handle.done = new Promise((res) => {
    child.on("close", (codeOut, signal) => {
      clearTimeout(timer);
      live.delete(handle);
      if (buf) emit(buf), (buf = "");
      clean();
      res({ code: codeOut, signal, output: lines.join("\n"), timedOut });
    });
  });
  if (upload != null) {
    // Type the upload once the console is up (its first prompt), one line at a time, 16 bytes per write
    // with a pause after each, and hold off while Espruino has sent XOFF (flow control, as the CLI obeys it).
    // Typed faster, the interpreter can take in more than its input event holds at once and stops with
    // "ASSERT(len <= 64) FAILED AT src/jsdevices.c" (seen under load on the 32-bit builds).
    (async () => {
      const t0 = Date.now();
      while (!lines.length && banner != 2 && Date.now() - t0 < 20000 && child.exitCode == null) await sleep(20);
      for (const l of String(upload).split("\n")) {
        const text = Buffer.from("\x10" + l + "\n", "latin1");
        for (let i = 0; i < text.length; i += chunkBytes) {
          while (xoff && child.exitCode == null) await sleep(5);
          if (child.exitCode != null || !child.stdin.writable) return;
          child.stdin.write(text.subarray(i, i + chunkBytes));
          await sleep(chunkDelayMs);
        }
        await sleep(lineDelayMs);
      }
    })();
  }
  return handle;
}

/** Runs a program to its end (or timeoutMs) and resolves with { code, output, timedOut }. */
export function runProgram(opts) {
  return runEspruino(opts).done;
}
