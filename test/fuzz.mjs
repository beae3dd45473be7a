// Decoder fuzzing. `npm run fuzz` = 1,000,000 seeded inputs (and 50,000 bounds-checked); npm test runs
// a smaller count. Inputs: random bytes, and valid server packets mutated by bit flips, truncation,
// corrupted remaining-length bytes and splicing, fed in random chunk sizes as Uint8Array and as byte
// strings, to the Node build and to the minified device codec. Pass: no exception escapes, every call
// makes progress, every reported packet's offsets lie inside the packet and the buffer, no read or
// write outside the chunk or the receive buffer (bounds-checked pass), and memory stays flat.
// Usage: node test/fuzz.mjs [count] [checked-count] [seed]  -> prints a JSON summary; exit 1 on failure.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import mqttPacket from "mqtt-packet";
import { rng } from "./sim/rng.mjs";

const require = createRequire(import.meta.url);
const nodeBuild = require("../build/node/index.cjs");
const deviceCodec = (() => {
  const exports = {};
  new Function("exports", readFileSync(new URL("../build/mqttiny-codec.min.js", import.meta.url), "utf8"))(exports);
  return exports;
})();

const COUNT = Number(process.argv[2] || 20000);
const CHECKED = Number(process.argv[3] || 2000);
const SEED = Number(process.argv[4] || 12345);

const r = rng(SEED);
const int = (n) => Math.floor(r() * n);

// Valid server-to-client packets to mutate.
const seeds = [
  { cmd: "connack", returnCode: 0, sessionPresent: true },
  { cmd: "publish", topic: "sensors/node1/temp", payload: Buffer.from("21.5"), qos: 0 },
  { cmd: "publish", topic: "a/b", payload: Buffer.alloc(300, 7), qos: 1, messageId: 300 },
  { cmd: "publish", topic: "q2", payload: Buffer.from("x"), qos: 2, messageId: 2, dup: true, retain: true },
  { cmd: "puback", messageId: 1 },
  { cmd: "pubrec", messageId: 2 },
  { cmd: "pubrel", messageId: 3 },
  { cmd: "pubcomp", messageId: 4 },
  { cmd: "suback", messageId: 5, granted: [0, 1, 128] },
  { cmd: "unsuback", messageId: 6 },
  { cmd: "pingresp" },
].map((p) => new Uint8Array(mqttPacket.generate(p)));

function input() {
  const k = int(6);
  if (k == 0) return Uint8Array.from({ length: 1 + int(300) }, () => int(256)); // random bytes
  let b = Uint8Array.from(seeds[int(seeds.length)]);
  if (k == 1) for (let n = 1 + int(4); n--; ) b[int(b.length)] ^= 1 << int(8); // bit flips
  if (k == 2) b = b.subarray(0, int(b.length)); // truncation
  if (k == 3) for (let i = 1; i < Math.min(5, b.length); i++) if (r() < 0.6) b[i] = int(256); // length field
  if (k == 4) {
    // splicing: the head of one packet, the tail of another
    const c = seeds[int(seeds.length)];
    const h = int(b.length + 1);
    const tail = c.subarray(int(c.length + 1));
    const x = new Uint8Array(h + tail.length);
    x.set(b.subarray(0, h));
    x.set(tail, h);
    b = x;
  }
  return b; // k == 5: a valid packet, so the stream also holds good ones
}

// A byte string, as Espruino's sockets deliver: one char per byte.
const toStr = (b) => Buffer.from(b).toString("latin1");

// A view that throws on any index outside [0, length): the bounds-checked pass.
function guarded(u8) {
  return new Proxy(u8, {
    get(t, p) {
      if (typeof p == "string" && /^-?\d+$/.test(p) && (+p < 0 || +p >= t.length)) throw new Error("read out of range: " + p + " of " + t.length);
      const v = Reflect.get(t, p, t);
      return typeof v == "function" ? v.bind(t) : v;
    },
    set(t, p, v) {
      if (typeof p == "string" && /^-?\d+$/.test(p) && (+p < 0 || +p >= t.length)) throw new Error("write out of range: " + p + " of " + t.length);
      return Reflect.set(t, p, v, t);
    },
  });
}

const failures = [];
const stats = { inputs: 0, packets: 0, errors: {}, calls: 0 };

function check(lib, d, chunk, label) {
  let i = 0;
  while (i < chunk.length) {
    stats.calls++;
    const j = lib.decode(d, chunk, i);
    if (!(j > i && j <= chunk.length)) throw new Error(`no progress: ${i} -> ${j} of ${chunk.length}`);
    i = j;
    if (d.st == 1) {
      stats.packets++;
      const held = Math.min(d.size, d.buf.length);
      if (d.type == 3 && !(d.topic == 2 && d.tlen >= 1 && d.pay == 2 + d.tlen + (d.qos ? 2 : 0) && d.pay + d.plen == d.size && d.pay <= held)) throw new Error("PUBLISH offsets outside the packet");
      if (d.type == 9 && !(d.plen >= 1 && d.pay + d.plen <= held)) throw new Error("SUBACK list outside the packet");
      if ([2, 3, 4, 5, 6, 7, 9, 11, 13].indexOf(d.type) < 0) throw new Error("reported type " + d.type);
    } else if (d.st < 0) {
      stats.errors[d.st] = (stats.errors[d.st] || 0) + 1;
      if (d.st == -8 && !(d.size > d.buf.length)) throw new Error("BIG for a packet that fits");
      if (r() < 0.5) lib.resetDecoder(d); // as the client does when it drops the link
    }
  }
}

function run(n, checked) {
  const libs = [["node", nodeBuild], ["device", deviceCodec]];
  const decs = libs.map(([, lib]) => lib.createDecoder(checked ? 64 : 128 + int(512)));
  if (checked) for (const d of decs) d.buf = guarded(d.buf);
  for (let k = 0; k < n; k++) {
    const which = k & 1;
    const [label, lib] = libs[which];
    const d = decs[which];
    const b = input();
    stats.inputs++;
    // Mostly a fresh stream per input (as after a reconnect); sometimes the stream runs on, so a
    // truncated or oversize packet swallows the next input's bytes as it would on a real link.
    if (r() < 0.8) lib.resetDecoder(d);
    // Random chunking; the checked pass keeps chunks at 32 bytes or less so every copy stays in JS.
    for (let i = 0; i < b.length; ) {
      const n = Math.min(b.length - i, 1 + int(checked ? 32 : 600));
      let chunk = b.subarray(i, i + n);
      if (r() < 0.5 || label == "device") chunk = r() < 0.5 ? toStr(chunk) : chunk;
      if (checked && typeof chunk != "string") chunk = guarded(Uint8Array.from(chunk));
      try {
        check(lib, d, chunk, label);
      } catch (e) {
        failures.push({ lib: label, input: Buffer.from(b).toString("hex"), at: i, error: e.message });
        lib.resetDecoder(d);
        if (failures.length > 20) return;
      }
      i += n;
    }
  }
}

const heap = () => (globalThis.gc && globalThis.gc(), process.memoryUsage().heapUsed);
const t0 = Date.now();
run(Math.min(COUNT, 10000), false); // warm up, and count towards the total
const h0 = heap();
run(COUNT - Math.min(COUNT, 10000), false);
const h1 = heap();
run(CHECKED, true);
const summary = { inputs: stats.inputs, checked: CHECKED, packets: stats.packets, decodeCalls: stats.calls, errorCodes: stats.errors, seconds: (Date.now() - t0) / 1000, heapGrowthBytes: h1 - h0, failures: failures.length };
console.log(JSON.stringify(summary));
for (const f of failures.slice(0, 10)) console.log("FAIL", JSON.stringify(f));
const flat = !globalThis.gc || h1 - h0 < 2 * 1024 * 1024;
if (!flat) console.log("FAIL heap grew by " + (h1 - h0) + " bytes");
process.exit(failures.length || !flat ? 1 : 0);
