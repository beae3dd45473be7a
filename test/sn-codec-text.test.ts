// The device bundles' MQTT-SN codec (src/sn/codec-text.ts, byte Strings) against the Node codec
// (src/sn/codec.ts, Uint8Array, checked by the hex vectors in sn-codec.test.ts): the same bytes out for
// every message type, and the same result and fields for every datagram in, valid or malformed.
// Two exceptions, by design: SUBSCRIBE and UNSUBSCRIBE (a gateway never sends them to a client) are not
// checked beyond their layout, and ENCAPSULATED (a forwarder's) is a reserved type on the board.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as bin from "../src/sn/codec";
import * as txt from "../src/sn/codec-text";
import { E } from "./sim/setup";
import { rng } from "./sim/rng.mjs";

(globalThis as any).E = E;
const latin1 = (s: string | null) => (s == null ? null : Uint8Array.from(Buffer.from(s, "latin1")));
const hex = (b: Uint8Array | null) => (b == null ? "null" : Buffer.from(b).toString("hex"));

type Args = [number, (string | Uint8Array | null)?, number?, number?, number?, number?];
const vectors: Args[] = [
  [0x00, null, 1, 900], [0x01, null, 1], [0x02, "ab", 1], [0x02, null, 7], [0x04, "client", 0x0c, 60], [0x05, null, 0],
  [0x06], [0x07, "will/t", 0x30], [0x07], [0x08], [0x09, "bye"], [0x0a, "a/b/c", 5, 2], [0x0b, null, 5, 2, 0],
  [0x0c, "payload", 0x20, 5, 9], [0x0c, "x".repeat(300), 0x62, 0x6162, 0], [0x0c, Uint8Array.of(0, 255, 128), 0x70, 1, 0],
  [0x0c, "x".repeat(249), 0x20, 5, 9], [0x0c, "x".repeat(250), 0x20, 5, 9], [0x0d, null, 5, 9, 2], [0x0e, null, 1],
  [0x0f, null, 2], [0x10, null, 3], [0x12, "a/#", 0x40, 7], [0x12, Uint8Array.of(0, 100), 0x21, 7], [0x13, null, 0x20, 5, 7, 0],
  [0x14, "ab", 2, 8], [0x15, null, 8], [0x16, "c1"], [0x16], [0x17], [0x18, null, 300], [0x18], [0x1a, "t", 0x10], [0x1a],
  [0x1b, null, 3], [0x1c, "m"], [0x1d, null, 0], [0x03], [0x11], [0x19], [0x30], [0x09, new Uint8Array(65531)], [0x09, new Uint8Array(65532)],
];

test("encode: the same bytes as the Node codec for every message type, both length forms, and null for reserved types or over 65,535 bytes", () => {
  for (const a of vectors) assert.is(hex(latin1(txt.snEncode(...a))), hex(bin.snEncode(...a)), "type " + a[0].toString(16) + " " + String(a[1]).slice(0, 20));
});

test("snDup sets DUP on a PUBLISH in the 1-byte and the 3-byte length form, as the Node codec does", () => {
  for (const n of [3, 300]) {
    const a: Args = [0x0c, "p".repeat(n), 0x22, 0x6162, 7];
    assert.is(hex(latin1(txt.snDup(txt.snEncode(...a)!))), hex(bin.snDup(bin.snEncode(...a)!)));
  }
});

test("snId and short names: two bytes, high first", () => {
  assert.is(hex(latin1(txt.snId(0x01ff))), hex(bin.snId(0x01ff)));
  assert.is(txt.shortName(txt.shortId("ab")), "ab");
});

test("decode: 20,000 valid and mutated datagrams give the same type or error code and the same fields", () => {
  const r = rng(99);
  const int = (n: number) => Math.floor(r() * n);
  const seeds = vectors.map((a) => bin.snEncode(...a)).filter((b): b is Uint8Array => !!b && b.length < 400);
  const mb = bin.snMsg();
  const mt = txt.snMsg();
  let same = 0;
  for (let i = 0; i < 20000; i++) {
    let b = Uint8Array.from(seeds[int(seeds.length)]);
    const k = int(5);
    if (k == 0) b = Uint8Array.from({ length: int(30) }, () => int(256));
    if (k == 1) for (let n = 1 + int(3); n--; ) b[int(b.length)] ^= 1 << int(8);
    if (k == 2) b = b.subarray(0, int(b.length + 1));
    if (k == 3) b[int(Math.min(4, b.length))] = [0, 1, 2, 3, 255, int(256)][int(6)];
    const s = Buffer.from(b).toString("latin1");
    const tb = bin.snDecode(mb, b);
    const tt = txt.snDecode(mt, s);
    if ([0x12, 0x14, 0xfe].includes(b[b[0] == 1 ? 3 : 1])) continue;
    assert.is(tt, tb, "result for " + hex(b));
    if (tb >= 0) {
      const fb = [mb.f, mb.q, mb.tt, mb.i, mb.m, mb.c, mb.d, mb.g, mb.x, mb.n];
      const ft = [mt.f, mt.q, mt.tt, mt.i, mt.m, mt.c, mt.d, mt.g, mt.x, mt.n];
      assert.equal(ft, fb, "fields for " + hex(b));
      assert.is(hex(latin1(txt.snStr(mt))), hex(bin.snStr(mb, 1)), "variable part of " + hex(b));
    }
    same++;
  }
  assert.ok(same > 15000, "compared " + same);
});

test("decode takes bytes too (a transport that gives a Uint8Array), and binary payloads come back as bytes", () => {
  const m = txt.snMsg();
  assert.is(txt.snDecode(m, bin.snEncode(0x0c, Uint8Array.of(1, 2, 250), 0x20, 5, 9)!), 0x0c);
  assert.equal([...txt.snStr(m, 1)], [1, 2, 250]);
});

test.run();
