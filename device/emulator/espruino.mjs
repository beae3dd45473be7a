// An Espruino-like environment on Node, so device/telemetry.js runs on a desktop through the real
// minified bundle. It reproduces what the Espruino interpreter does (see shared notes), not what
// Node does: socket.write() sends bytes only for a String (anything else goes out as its text,
// "1,2,3"), `data` events carry byte Strings of at most 536 bytes, write() returns false and `drain`
// follows, and a lost link gives `end` then `close` (connecting to a closed port gives the same).
// The program runs in its own vm context per node, with only ES5 globals plus Espruino's.
import vm from "node:vm";
import net from "node:net";
import dgram from "node:dgram";
import { readFileSync } from "node:fs";
import { rng } from "../../test/sim/rng.mjs";

const CHUNK = 536;
// Espruino's dgram cuts an inbound datagram to 528 bytes (its 536-byte buffer less an 8-byte header).
const DGRAM_MAX = 528;

/**
 * Options: { config, bundle (path), link: { lossy, seed, log }, log(line) }. `bundle` is what
 * require("mqttiny") loads (build/mqttiny-sn.min.js for MQTT-SN, as npm run flash embeds it).
 * Returns { context, stop() }.
 */
export function runDevice({ config, program = "device/telemetry.js", bundle = "build/mqttiny.min.js", link = {}, log = console.log }) {
  const timers = new Set();
  const sockets = new Set();
  let rnd = rng(link.seed || 1);
  let written = 0; // bytes held by sockets, not yet flushed: what Espruino would hold as Strings in RAM

  function toBytes(data) {
    // Espruino: only a String is sent as bytes; other values are converted with String(x).
    return Buffer.from(typeof data == "string" ? data : String(data), "latin1");
  }

  function connect(opts, onConnect) {
    const handlers = {};
    // Espruino calls a socket's callbacks with the socket as `this`.
    const emit = (ev, ...a) => handlers[ev] && handlers[ev].apply(sock, a);
    let closed = false;
    const s = net.connect({ host: opts.host, port: opts.port });
    sockets.add(s);
    s.setNoDelay(true);
    let dropTimer = null;
    s.on("connect", () => {
      onConnect && onConnect.call(sock);
      if (link.lossy) {
        // The flaky Wi-Fi: the link dies after a random 2-8 s, without a FIN reaching the broker first.
        dropTimer = setTimeout(() => {
          if (link.log) link.log("link dropped");
          s.resetAndDestroy();
        }, 2000 + rnd() * 6000);
      }
    });
    s.on("data", (buf) => {
      // Byte Strings, at most 536 bytes each; with --lossy also split at random points.
      let i = 0;
      while (i < buf.length) {
        const n = Math.min(buf.length - i, link.lossy ? 1 + Math.floor(rnd() * CHUNK) : CHUNK);
        emit("data", buf.toString("latin1", i, i + n));
        i += n;
      }
    });
    const gone = () => {
      if (closed) return;
      closed = true;
      clearTimeout(dropTimer);
      sockets.delete(s);
      emit("end");
      emit("close");
    };
    s.on("error", gone);
    s.on("close", gone);
    const sock = {
      on(ev, f) {
        handlers[ev] = f;
        return sock;
      },
      write(data) {
        if (closed) return false;
        const b = toBytes(data);
        written += b.length;
        s.write(b, () => {
          written -= b.length;
          if (s.writableLength == 0) setImmediate(() => emit("drain"));
        });
        return false;
      },
      end() {
        if (!closed) s.end();
      },
    };
    return sock;
  }

  // require("dgram") as on Espruino 2v29 (README "UDP on Espruino"): send() takes a String only (anything
  // else stops the real interpreter: here it throws), `message` gives (String, { address, port, size })
  // cut to 528 bytes, send() after close() throws. With --lossy, one datagram in 10 is lost each way.
  function createSocket() {
    const handlers = {};
    // As on Espruino, a handler runs with `this` = the socket.
    const emit = (ev, ...a) => handlers[ev] && handlers[ev].apply(sock, a);
    const u = dgram.createSocket("udp4");
    sockets.add(u);
    let closed = false;
    const lose = () => link.lossy && rnd() < 0.1;
    u.on("message", (buf, r) => {
      if (closed || lose()) return;
      const n = Math.min(buf.length, DGRAM_MAX);
      emit("message", buf.toString("latin1", 0, n), { address: r.address, port: r.port, size: n });
    });
    u.on("error", (e) => emit("error", e));
    const sock = {
      on(ev, f) {
        handlers[ev] = f;
        return sock;
      },
      bind(port, cb) {
        u.bind(port, () => cb && cb(sock));
        return sock;
      },
      send(data, port, host) {
        if (typeof data != "string") throw new Error("dgram send() of a " + typeof data + ": the Espruino interpreter stops here (ASSERT(jsvIsString(buffer)))");
        if (closed) throw new Error("This socket is closed");
        if (lose()) return;
        u.send(Buffer.from(data, "latin1"), port, host);
      },
      close() {
        if (closed) return;
        closed = true;
        sockets.delete(u);
        u.close();
        setImmediate(() => emit("close", false));
      },
    };
    return sock;
  }

  const modules = {
    net: { connect },
    dgram: { createSocket },
    tls: { connect: (o, cb) => connect(o, cb) },
    Wifi: {
      connect(ssid, o, cb) {
        setT(() => cb(null), 50);
      },
    },
  };

  function setT(f, ms, ...args) {
    const t = setTimeout(() => {
      timers.delete(t);
      f(...args);
    }, ms);
    timers.add(t);
    return t;
  }

  // Espruino strings are bytes: E.toString(Uint8Array) gives one char per byte.
  const E = {
    toString: (x) => (typeof x == "string" ? x : Buffer.from(x.buffer ? new Uint8Array(x.buffer, x.byteOffset, x.byteLength) : x).toString("latin1")),
    toUint8Array: (s) => new Uint8Array(Buffer.from(s, "latin1")),
    getTemperature: () => 20 + rnd() * 5,
  };
  // process.memory() in Espruino units: an ESP8266-sized heap of 1,700 blocks of 12 bytes; the emulator
  // counts what the socket holds unsent (a String in RAM on the board) on top of a fixed program baseline.
  const memory = () => {
    const total = 1700;
    const usage = Math.min(total, 900 + Math.ceil(written / 12));
    return { free: total - usage, usage, total, blocksize: 12 };
  };

  const context = vm.createContext({
    console: { log: (...a) => log(a.join(" ")) },
    E,
    process: { memory, env: {} },
    setTimeout: setT,
    clearTimeout: (t) => {
      clearTimeout(t);
      timers.delete(t);
    },
    setInterval: (f, ms) => {
      const t = setInterval(f, ms);
      timers.add(t);
      return t;
    },
    clearInterval: (t) => {
      clearInterval(t);
      timers.delete(t);
    },
    CONFIG: config,
  });
  // The module is loaded the way Espruino's Modules.addCached does: evaluated once, exports cached.
  const cache = {};
  context.require = (name) => {
    if (modules[name]) return modules[name];
    if (name == "mqttiny") {
      if (!cache.mqttiny) {
        const exports = {};
        vm.runInContext("(function (exports, module) {" + readFileSync(bundle, "utf8") + "\n})", context)(exports, { exports });
        cache.mqttiny = exports;
      }
      return cache.mqttiny;
    }
    throw new Error("Module " + name + " not found");
  };
  vm.runInContext(readFileSync(program, "utf8"), context, { filename: program });
  return {
    context,
    stop() {
      for (const t of timers) {
        clearTimeout(t);
        clearInterval(t);
      }
      for (const s of sockets) s.destroy ? s.destroy() : s.close();
    },
  };
}

