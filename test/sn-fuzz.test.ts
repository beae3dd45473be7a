// Bounded fuzz of the MQTT-SN decoder (and of the client fed the same datagrams): valid messages of every
// type mutated by bit flips, truncation, corrupted length bytes (both forms), splicing and padding, plus
// random bytes. Pass: no exception, a message type or a defined SnErr (-1..-6) for every input, offsets
// inside the datagram, and no read outside it (a bounds-checked pass through a guarding Proxy).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { snDecode, snEncode, snEncap, snMsg } from "../src/sn/codec";
import { createSnClient } from "../src/sn/client";
import { virtualClock } from "./sim/clock";
import { rng } from "./sim/rng.mjs";

const r = rng(4242);
const int = (n: number) => Math.floor(r() * n);

const seeds: Uint8Array[] = [
  snEncode(0x00, null, 1, 900), snEncode(0x01, null, 1), snEncode(0x02, "ab", 1), snEncode(0x04, "client", 0x0c, 60),
  snEncode(0x05, null, 0), snEncode(0x06), snEncode(0x07, "will/t", 0x30), snEncode(0x07), snEncode(0x08), snEncode(0x09, "bye"),
  snEncode(0x0a, "a/b/c", 5, 2), snEncode(0x0b, null, 5, 2, 0), snEncode(0x0c, "payload", 0x20, 5, 9), snEncode(0x0c, "x".repeat(300), 0x62, 0x6162, 0),
  snEncode(0x0d, null, 5, 9, 2), snEncode(0x0e, null, 1), snEncode(0x0f, null, 2), snEncode(0x10, null, 3), snEncode(0x12, "a/#", 0x40, 7),
  snEncode(0x12, Uint8Array.of(0, 100), 0x21, 7), snEncode(0x13, null, 0x20, 5, 7, 0), snEncode(0x14, "ab", 2, 8), snEncode(0x15, null, 8),
  snEncode(0x16, "c1"), snEncode(0x17), snEncode(0x18, null, 300), snEncode(0x18), snEncode(0x1a, "t", 0x10), snEncode(0x1b, null, 3),
  snEncode(0x1c, "m"), snEncode(0x1d, null, 0),
].map((b) => b!);
seeds.push(snEncap(1, Uint8Array.of(0xaa, 0xbb), seeds[24]));

function input(): Uint8Array {
  const k = int(7);
  if (k == 0) return Uint8Array.from({ length: int(40) }, () => int(256));
  let b = Uint8Array.from(seeds[int(seeds.length)]);
  if (k == 1) for (let n = 1 + int(4); n--; ) b[int(b.length)] ^= 1 << int(8);
  if (k == 2) b = b.subarray(0, int(b.length));
  if (k == 3) for (let i = 0; i < Math.min(4, b.length); i++) if (r() < 0.5) b[i] = [0, 1, 2, 3, 255, int(256)][int(6)];
  if (k == 4) {
    const c = seeds[int(seeds.length)];
    const h = int(b.length + 1);
    const x = new Uint8Array(h + c.length);
    x.set(b.subarray(0, h));
    x.set(c.subarray(int(c.length)), h);
    b = x.subarray(0, h + c.length);
  }
  if (k == 5) {
    const x = new Uint8Array(b.length + 1 + int(3));
    x.set(b);
    b = x;
  }
  return b; // k == 6: valid
}

function guarded(u8: Uint8Array): Uint8Array {
  return new Proxy(u8, {
    get(t, p) {
      if (typeof p == "string" && /^-?\d+$/.test(p) && (+p < 0 || +p >= t.length)) throw new Error("read out of range: " + p + " of " + t.length);
      const v = Reflect.get(t, p, t);
      return typeof v == "function" ? v.bind(t) : v;
    },
  });
}

test("20,000 fuzzed datagrams (5,000 bounds-checked): a type or a defined error, offsets inside, never a throw", () => {
  const m = snMsg();
  const stats: Record<string, number> = {};
  for (let i = 0; i < 20000; i++) {
    const b = input();
    let t: number;
    try {
      t = snDecode(m, i < 5000 ? guarded(b) : b);
    } catch (e) {
      assert.unreachable("threw on " + Buffer.from(b).toString("hex") + ": " + e);
      return;
    }
    stats[t < 0 ? "err" + t : "ok"] = (stats[t < 0 ? "err" + t : "ok"] || 0) + 1;
    assert.ok(t >= -6 && t <= 255 && t % 1 == 0, "result " + t);
    if (t >= 0) assert.ok(m.x >= 0 && m.n >= 0 && m.x + m.n <= b.length, "variable part inside the datagram: " + Buffer.from(b).toString("hex") + " " + JSON.stringify([t, m.x, m.n]));
  }
  console.log("  sn fuzz:", JSON.stringify(stats));
  assert.ok(stats.ok > 2000, "valid messages among the mutants");
  for (const e of [-1, -2, -3, -4, -5, -6]) assert.ok(stats["err" + e] > 0, "error " + e + " seen");
});

test("a window of a larger buffer: nothing outside [from, to) is read", () => {
  const m = snMsg();
  for (let i = 0; i < 5000; i++) {
    const b = input();
    const big = new Uint8Array(b.length + 8).fill(0xee);
    big.set(b, 4);
    const g = new Proxy(big, {
      get(t, p) {
        if (typeof p == "string" && /^\d+$/.test(p) && (+p < 4 || +p >= 4 + b.length)) throw new Error("read outside the window: " + p);
        const v = Reflect.get(t, p, t);
        return typeof v == "function" ? v.bind(t) : v;
      },
    });
    const a = snDecode(m, b);
    assert.is(snDecode(m, g, 4, 4 + b.length), a, "same result in a window");
  }
});

test("the client fed 5,000 fuzzed datagrams from its gateway neither throws nor stops answering", () => {
  const clock = virtualClock(0);
  let ev: any;
  const sent: Uint8Array[] = [];
  const c = createSnClient({ transport: (e) => ((ev = e), { send: (d: any) => void sent.push(d), close() {} }), clock, clientId: "fz", retry: 100, keepalive: 5 });
  c.on("error", () => {});
  c.subscribe("f/#", { qos: 2 });
  clock.advance(1);
  ev.message(snEncode(0x05, null, 0)!, "gw", 1);
  for (let i = 0; i < 5000; i++) {
    ev.message(input(), "gw", 1);
    if (i % 50 == 0) clock.advance(20);
  }
  clock.advance(60_000);
  assert.ok(sent.length > 100);
});

test.run();
