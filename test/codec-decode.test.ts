// Decoder: server-to-client packets from hex vectors, streams split anywhere, and malformed input.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { hex } from "./hex";
import { feedAll, byteString } from "./decode-helpers";
import { createDecoder, decode } from "../src/codec/decode";
import { encodePublish, encodeAck } from "../src/codec/encode";

const vectors = suite("decode vectors");

vectors("CONNACK 3.1.1: session present, accepted", () => {
  assert.equal(feedAll([hex("20 02", "01", "00")]), [{ st: 1, type: 2, sp: 1, rc: 0 }]);
});

vectors("CONNACK 3.1: byte 1 unused, return code 5 = not authorized", () => {
  assert.equal(feedAll([hex("20 02", "00", "05")]), [{ st: 1, type: 2, sp: 0, rc: 5 }]);
});

vectors("PUBLISH QoS 0: topic and payload as offsets, no id", () => {
  assert.equal(feedAll([hex("30 07", "00 03 61 2F 62", "68 69")]), [{ st: 1, type: 3, qos: 0, id: 0, flags: 0, topic: "a/b", payload: "68 69" }]);
});

vectors("PUBLISH QoS 1, DUP and RETAIN", () => {
  assert.equal(feedAll([hex("3B 09", "00 03 61 2F 62", "00 0A", "68 69")]), [{ st: 1, type: 3, qos: 1, id: 10, flags: 11, topic: "a/b", payload: "68 69" }]);
});

vectors("PUBLISH QoS 2 with empty payload", () => {
  assert.equal(feedAll([hex("34 07", "00 03 61 2F 62", "FF FF")]), [{ st: 1, type: 3, qos: 2, id: 65535, flags: 4, topic: "a/b", payload: "" }]);
});

vectors("PUBACK, PUBREC, PUBREL (0010), PUBCOMP, UNSUBACK carry an id", () => {
  assert.equal(feedAll([hex("40 02 12 34", "50 02 00 01", "62 02 00 02", "70 02 00 03", "B0 02 00 04")]), [
    { st: 1, type: 4, id: 0x1234 },
    { st: 1, type: 5, id: 1 },
    { st: 1, type: 6, id: 2 },
    { st: 1, type: 7, id: 3 },
    { st: 1, type: 11, id: 4 },
  ]);
});

vectors("SUBACK: one granted QoS per filter; 0x80 = refused (3.1.1)", () => {
  assert.equal(feedAll([hex("90 05", "00 07", "01 80 02")]), [{ st: 1, type: 9, id: 7, granted: [1, 0x80, 2] }]);
});

vectors("PINGRESP: remaining length 0", () => {
  assert.equal(feedAll([hex("D0 00")]), [{ st: 1, type: 13 }]);
});

const stream = suite("decode streams");
const mixed = hex(
  "20 02 00 00", // CONNACK
  "30 07 00 03 61 2F 62 68 69", // PUBLISH QoS 0
  "D0 00", // PINGRESP
  "32 09 00 03 61 2F 62 00 05 6F 6B", // PUBLISH QoS 1 id 5
  "90 03 00 01 01", // SUBACK
  "40 02 00 09", // PUBACK
);
const whole = feedAll([mixed]);

stream("a chunk of many packets yields each in order", () => {
  assert.is(whole.length, 6);
  assert.equal(whole.map((p) => p.type), [2, 3, 13, 3, 9, 4]);
});

stream("split into two chunks at every possible point gives the same packets", () => {
  for (let k = 1; k < mixed.length; k++) assert.equal(feedAll([mixed.subarray(0, k), mixed.subarray(k)]), whole, "split at " + k);
});

stream("fed byte by byte gives the same packets", () => {
  const chunks: Uint8Array[] = [];
  for (let k = 0; k < mixed.length; k++) chunks.push(mixed.subarray(k, k + 1));
  assert.equal(feedAll(chunks), whole);
});

stream("byte strings (Espruino data events) decode like bytes, split anywhere", () => {
  const s = byteString(mixed);
  assert.equal(feedAll([s]), whole);
  for (let k = 1; k < s.length; k++) assert.equal(feedAll([s.slice(0, k), s.slice(k)]), whole, "split at " + k);
});

stream("a remaining-length field split across chunks", () => {
  const b = new Uint8Array(300);
  const n = encodePublish(b, 0, "t", new Uint8Array(200), 1, false, false, 3);
  const p = b.subarray(0, n);
  assert.is(p[1] & 128, 128, "two length bytes");
  const got = feedAll([p.subarray(0, 2), p.subarray(2, 3), p.subarray(3)], 512);
  assert.is(got.length, 1);
  assert.is(got[0].id, 3);
});

stream("a chunk with one and a half packets, then the rest", () => {
  const a = hex("40 02 00 01", "40 02");
  const b = hex("00 02");
  assert.equal(feedAll([a, b]), [{ st: 1, type: 4, id: 1 }, { st: 1, type: 4, id: 2 }]);
});

for (const rl of [127, 128, 16383, 16384, 2097151, 2097152]) {
  stream(`PUBLISH with remaining length ${rl} decodes whole`, () => {
    const b = new Uint8Array(rl + 5);
    const n = encodePublish(b, 0, "t", new Uint8Array(rl - 5).fill(7), 1, false, false, 9);
    const d = createDecoder(rl);
    const i = decode(d, b.subarray(0, n), 0);
    assert.is(i, n);
    assert.is(d.st, 1);
    assert.is(d.size, rl);
    assert.is(d.plen, rl - 5);
    assert.is(d.buf[d.pay + d.plen - 1], 7);
  });
}

stream("remaining length 268,435,455 (FF FF FF 7F) is skipped with its size, then decoding goes on", () => {
  const d = createDecoder(64);
  assert.is(decode(d, hex("30 FF FF FF 7F 00 01 74"), 0), 8);
  assert.is(d.st, 0);
  // The rest of the body arrives in large chunks: counted, never stored.
  const chunk = new Uint8Array(1 << 20);
  let left = 268435455 - 3;
  while (left > 0) {
    const c = left < chunk.length ? chunk.subarray(0, left) : chunk;
    const i = decode(d, c, 0);
    left -= i;
    if (left > 0) assert.is(d.st, 0);
  }
  assert.is(d.st, -8);
  assert.is(d.size, 268435455);
  assert.equal(feedAll([hex("D0 00")], 64, d), [{ st: 1, type: 13 }]);
});

const bad = suite("decode malformed input");

function first(bytes: Uint8Array, size = 64) {
  return feedAll([bytes], size)[0];
}

bad("reserved type 0 is an error (-2)", () => assert.is(first(hex("00 00")).st, -2));
bad("reserved type 15 is an error (-2)", () => assert.is(first(hex("F0 00")).st, -2));
bad("a client-to-server type (SUBSCRIBE) from the server is an error (-2)", () => assert.is(first(hex("82 04 00 01 00 00")).st, -2));
bad("PUBACK with flags 0001 is an error (-3)", () => assert.is(first(hex("41 02 00 01")).st, -3));
bad("PUBREL without its fixed flags 0010 is an error (-3)", () => assert.is(first(hex("60 02 00 01")).st, -3));
bad("a fifth remaining-length byte is an error (-4)", () => assert.is(first(hex("30 FF FF FF FF 01")).st, -4));
bad("PUBACK with remaining length 3 is an error (-4)", () => assert.is(first(hex("40 03 00 01 00")).st, -4));
bad("CONNACK with remaining length 1 is an error (-4)", () => assert.is(first(hex("20 01 00")).st, -4));
bad("PINGRESP with a body is an error (-4)", () => assert.is(first(hex("D0 01 00")).st, -4));
bad("SUBACK without a granted QoS is an error (-4)", () => assert.is(first(hex("90 02 00 01")).st, -4));
bad("PUBLISH QoS 3 is an error (-5)", () => assert.is(first(hex("36 07 00 03 61 2F 62 00 01")).st, -5));
bad("PUBLISH QoS 1 with packet id 0 is an error (-6)", () => assert.is(first(hex("32 07 00 03 61 2F 62 00 00")).st, -6));
bad("PUBACK with packet id 0 is an error (-6)", () => assert.is(first(hex("40 02 00 00")).st, -6));
bad("a topic longer than the packet is an error (-7)", () => assert.is(first(hex("30 04 00 05 61 62")).st, -7));
bad("a PUBLISH too short for its topic length is an error (-7)", () => assert.is(first(hex("30 01 00")).st, -7));
bad("an empty topic is an error (-7)", () => assert.is(first(hex("30 02 00 00")).st, -7));
bad("QoS 1 PUBLISH whose id runs past the packet is an error (-7)", () => assert.is(first(hex("32 04 00 01 61 00")).st, -7));

bad("a packet larger than the buffer is skipped, reported with its size and id, and the next one decodes", () => {
  const b = new Uint8Array(300);
  const n = encodePublish(b, 0, "big", new Uint8Array(200).fill(1), 1, false, false, 77);
  const m = encodeAck(b, n, 4, 5);
  const got = feedAll([b.subarray(0, m)], 32);
  assert.is(got.length, 2);
  assert.is(got[0].st, -8);
  assert.is(got[0].size, n - 3);
  assert.equal(got[1], { st: 1, type: 4, id: 5 });
  const d = createDecoder(32);
  decode(d, b.subarray(0, n), 0);
  assert.is(d.id, 77, "the id of a skipped PUBLISH is known when it fits, so it can be acknowledged");
  assert.is(d.qos, 1);
});

bad("after an error the next packet still decodes", () => {
  assert.equal(feedAll([hex("41 02 00 01", "40 02 00 02")]), [{ st: -3, type: 4 }, { st: 1, type: 4, id: 2 }]);
});

vectors.run();
stream.run();
bad.run();
