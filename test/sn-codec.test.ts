// MQTT-SN v1.2 codec: one hex vector per message type (layouts of spec section 5.4), decoded and
// encoded byte for byte; the 3-byte length form; malformed datagrams give a defined SnErr, never a throw.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { hex, toHex } from "./hex";
import { snDecode, snEncode, snEncap, snMsg, snStr, shortId, shortName } from "../src/sn/codec";

const E = { SHORT: -1, LENGTH: -2, LONG: -3, TYPE: -4, FIELD: -5, VALUE: -6 };

/** Decode `b` and return the fields that are set, plus the variable part as text. */
function dec(b: Uint8Array) {
  const m = snMsg();
  const t = snDecode(m, b);
  if (t < 0) return { err: t };
  const r: any = { t };
  for (const k of ["f", "q", "tt", "i", "m", "c", "g"] as const) if (m[k]) r[k] = m[k];
  if (m.d >= 0) r.d = m.d;
  if (m.n) r.x = snStr(m);
  return r;
}

const enc = (t: number, x?: string | Uint8Array | null, a?: number, b?: number, c?: number, d?: number) => toHex(snEncode(t, x, a, b, c, d)!);

const v = suite("sn vectors");

v("ADVERTISE: gateway id 1, duration 900 s", () => {
  assert.equal(dec(hex("05 00", "01", "03 84")), { t: 0, g: 1, d: 900 });
  assert.is(enc(0x00, null, 1, 900), "05 00 01 03 84");
});

v("SEARCHGW: radius 2", () => {
  assert.equal(dec(hex("03 01 02")), { t: 1, g: 2 });
  assert.is(enc(0x01, null, 2), "03 01 02");
});

v("GWINFO from a gateway: gateway id, no address", () => {
  assert.equal(dec(hex("03 02 07")), { t: 2, g: 7 });
  assert.is(enc(0x02, null, 7), "03 02 07");
});

v("GWINFO from a client: gateway id and address", () => {
  assert.equal(dec(hex("05 02 01 0A 0B")), { t: 2, g: 1, x: "\n\x0b" });
  assert.is(enc(0x02, hex("0A 0B"), 1), "05 02 01 0A 0B");
});

v("CONNECT: will + clean flags, protocol id 1, duration 60, client id", () => {
  assert.equal(dec(hex("08 04", "0C", "01", "00 3C", "63 31")), { t: 4, f: 0x0c, d: 60, x: "c1" });
  assert.is(enc(0x04, "c1", 0x0c, 60), "08 04 0C 01 00 3C 63 31");
});

v("CONNACK: accepted and congestion", () => {
  assert.equal(dec(hex("03 05 00")), { t: 5 });
  assert.equal(dec(hex("03 05 01")), { t: 5, c: 1 });
  assert.is(enc(0x05, null, 1), "03 05 01");
});

v("WILLTOPICREQ and WILLMSGREQ: type only", () => {
  assert.equal(dec(hex("02 06")), { t: 6 });
  assert.equal(dec(hex("02 08")), { t: 8 });
  assert.is(enc(0x06), "02 06");
  assert.is(enc(0x08), "02 08");
});

v("WILLTOPIC: QoS 1 + retain flags and the topic", () => {
  assert.equal(dec(hex("05 07", "30", "61 2F")), { t: 7, f: 0x30, q: 1, x: "a/" });
  assert.is(enc(0x07, "a/", 0x30), "05 07 30 61 2F");
});

v("WILLTOPIC empty (delete the will): no flags byte", () => {
  assert.equal(dec(hex("02 07")), { t: 7 });
  assert.is(enc(0x07, "", 0x30), "02 07");
});

v("WILLMSG: the message", () => {
  assert.equal(dec(hex("05 09 62 79 65")), { t: 9, x: "bye" });
  assert.is(enc(0x09, "bye"), "05 09 62 79 65");
});

v("REGISTER: topic id, message id, topic name", () => {
  assert.equal(dec(hex("09 0A", "00 05", "00 02", "61 2F 62")), { t: 10, i: 5, m: 2, x: "a/b" });
  assert.is(enc(0x0a, "a/b", 0, 2), "09 0A 00 00 00 02 61 2F 62");
});

v("REGACK: topic id, message id, return code", () => {
  assert.equal(dec(hex("07 0B", "00 05", "00 02", "00")), { t: 11, i: 5, m: 2 });
  assert.is(enc(0x0b, null, 5, 2, 0), "07 0B 00 05 00 02 00");
});

v("PUBLISH QoS 1 retained, normal topic id", () => {
  assert.equal(dec(hex("09 0C", "30", "00 05", "12 34", "68 69")), { t: 12, f: 0x30, q: 1, i: 5, m: 0x1234, x: "hi" });
  assert.is(enc(0x0c, "hi", 0x30, 5, 0x1234), "09 0C 30 00 05 12 34 68 69");
});

v("PUBLISH QoS -1 with a predefined topic id", () => {
  assert.equal(dec(hex("08 0C", "61", "00 64", "00 00", "78")), { t: 12, f: 0x61, q: -1, tt: 1, i: 100, x: "x" });
});

v("PUBLISH QoS 2 DUP to a short topic name", () => {
  const m = snMsg();
  assert.is(snDecode(m, hex("07 0C", "C2", "61 62", "00 09")), 12);
  assert.equal([m.q, m.tt, m.f & 0x80, shortName(m.i), m.m, m.n], [2, 2, 0x80, "ab", 9, 0]);
  assert.is(shortId("ab"), 0x6162);
});

v("PUBACK: topic id, message id, return code", () => {
  assert.equal(dec(hex("07 0D 00 05 00 02 02")), { t: 13, i: 5, m: 2, c: 2 });
  assert.is(enc(0x0d, null, 5, 2, 2), "07 0D 00 05 00 02 02");
});

v("PUBCOMP, PUBREC, PUBREL: message id", () => {
  assert.equal(dec(hex("04 0E 00 01")), { t: 14, m: 1 });
  assert.equal(dec(hex("04 0F 00 02")), { t: 15, m: 2 });
  assert.equal(dec(hex("04 10 00 03")), { t: 16, m: 3 });
  assert.is(enc(0x10, null, 3), "04 10 00 03");
});

v("SUBSCRIBE with a topic filter, QoS 2", () => {
  assert.equal(dec(hex("08 12", "40", "00 07", "61 2F 23")), { t: 18, f: 0x40, q: 2, m: 7, x: "a/#" });
  assert.is(enc(0x12, "a/#", 0x40, 7), "08 12 40 00 07 61 2F 23");
});

v("SUBSCRIBE to a predefined topic id: the two bytes are the id", () => {
  assert.equal(dec(hex("07 12", "21", "00 07", "00 64")), { t: 18, f: 0x21, q: 1, tt: 1, m: 7, i: 100, x: "\0d" });
  assert.is(enc(0x12, hex("00 64"), 0x21, 7), "07 12 21 00 07 00 64");
});

v("SUBACK: granted QoS, topic id, message id, return code", () => {
  assert.equal(dec(hex("08 13", "20", "00 05", "00 07", "00")), { t: 19, f: 0x20, q: 1, i: 5, m: 7 });
  assert.is(enc(0x13, null, 0x20, 5, 7, 0), "08 13 20 00 05 00 07 00");
});

v("UNSUBSCRIBE with a short topic name and UNSUBACK", () => {
  assert.equal(dec(hex("07 14", "02", "00 08", "61 62")), { t: 20, tt: 2, f: 2, m: 8, i: 0x6162, x: "ab" });
  assert.equal(dec(hex("04 15 00 08")), { t: 21, m: 8 });
  assert.is(enc(0x14, "ab", 2, 8), "07 14 02 00 08 61 62");
});

v("PINGREQ with and without a client id; PINGRESP", () => {
  assert.equal(dec(hex("02 16")), { t: 22 });
  assert.equal(dec(hex("04 16 63 31")), { t: 22, x: "c1" });
  assert.equal(dec(hex("02 17")), { t: 23 });
  assert.is(enc(0x16, "c1"), "04 16 63 31");
});

v("DISCONNECT with and without a sleep duration", () => {
  assert.equal(dec(hex("02 18")), { t: 24 });
  assert.equal(dec(hex("04 18 00 00")), { t: 24, d: 0 });
  assert.equal(dec(hex("04 18 01 2C")), { t: 24, d: 300 });
  assert.is(enc(0x18), "02 18");
  assert.is(enc(0x18, null, 300), "04 18 01 2C");
});

v("WILLTOPICUPD, WILLMSGUPD and their RESPs", () => {
  assert.equal(dec(hex("05 1A 10 61 2F")), { t: 26, f: 0x10, x: "a/" });
  assert.equal(dec(hex("03 1B 00")), { t: 27 });
  assert.equal(dec(hex("04 1C 6F 6B")), { t: 28, x: "ok" });
  assert.equal(dec(hex("03 1D 03")), { t: 29, c: 3 });
  assert.is(enc(0x1a, "a/", 0x10), "05 1A 10 61 2F");
  assert.is(enc(0x1c, "ok"), "04 1C 6F 6B");
});

v("ENCAPSULATED: ctrl, wireless node id, then the inner message", () => {
  const b = snEncap(1, hex("AA BB"), hex("02 17"));
  assert.is(toHex(b), "05 FE 01 AA BB 02 17");
  const m = snMsg();
  assert.is(snDecode(m, b), 0xfe);
  assert.equal([m.f, m.x, m.n, m.g], [1, 3, 2, 5]);
  assert.is(snDecode(snMsg(), b, m.g), 0x17);
});

const long = suite("sn length forms");

long("a 255-byte message uses the 1-byte length", () => {
  const b = snEncode(0x09, "x".repeat(253))!;
  assert.equal([b.length, b[0], b[1]], [255, 255, 9]);
  assert.is(dec(b).x.length, 253);
});

long("a 256-byte message uses 01 LL LL", () => {
  const b = snEncode(0x09, "x".repeat(254))!;
  assert.is(toHex(b, 0, 4), "01 01 02 09");
  assert.is(b.length, 258);
  assert.is(dec(b).x.length, 254);
});

long("the 3-byte form is accepted for a short message too", () => {
  assert.equal(dec(hex("01 00 05 05 00")), { t: 5 });
});

long("a message over 65,535 bytes is not encoded", () => {
  assert.is(snEncode(0x09, new Uint8Array(65532)), null);
  assert.ok(snEncode(0x09, new Uint8Array(65531)));
});

const bad = suite("sn malformed");

bad("empty and 1-byte datagrams: SHORT", () => {
  assert.equal(dec(new Uint8Array(0)), { err: E.SHORT });
  assert.equal(dec(hex("02")), { err: E.SHORT });
});

bad("length byte larger than the datagram: SHORT", () => {
  assert.equal(dec(hex("05 05 00")), { err: E.SHORT });
});

bad("length byte smaller than the datagram: LENGTH", () => {
  assert.equal(dec(hex("03 05 00 00")), { err: E.LENGTH });
});

bad("length byte 0: LENGTH", () => {
  assert.equal(dec(hex("00 05 00")), { err: E.LENGTH });
});

bad("3-byte form cut short, or a length under 4 in it: LONG", () => {
  assert.equal(dec(hex("01 00 05")), { err: E.LONG });
  assert.equal(dec(hex("01 00 03 05")), { err: E.LONG });
});

bad("3-byte form length differs from the datagram: SHORT or LENGTH", () => {
  assert.equal(dec(hex("01 00 06 05 00")), { err: E.SHORT });
  assert.equal(dec(hex("01 00 04 05 00")), { err: E.LENGTH });
});

bad("reserved types 0x03, 0x11, 0x19, 0x1E, 0xFF: TYPE", () => {
  for (const t of ["03", "11", "19", "1E", "80", "FF"]) assert.equal(dec(hex("02", t)), { err: E.TYPE }, t);
});

bad("truncated fields: FIELD", () => {
  assert.equal(dec(hex("02 05")), { err: E.FIELD }, "CONNACK without its code");
  assert.equal(dec(hex("06 0B 00 05 00 02")), { err: E.FIELD }, "REGACK without its code");
  assert.equal(dec(hex("06 0C 20 00 05 00")), { err: E.FIELD }, "PUBLISH without a whole message id");
  assert.equal(dec(hex("03 0E 00")), { err: E.FIELD }, "PUBCOMP with one id byte");
  assert.equal(dec(hex("03 18 00")), { err: E.FIELD }, "DISCONNECT with one duration byte");
});

bad("bytes past a fixed-size message: FIELD", () => {
  assert.equal(dec(hex("04 05 00 00")), { err: E.FIELD });
  assert.equal(dec(hex("03 17 00")), { err: E.FIELD });
});

bad("REGISTER without a topic name: FIELD", () => {
  assert.equal(dec(hex("06 0A 00 05 00 02")), { err: E.FIELD });
});

bad("SUBSCRIBE to a predefined id with 3 bytes, or to an empty name: FIELD", () => {
  assert.equal(dec(hex("08 12 21 00 07 00 64 00")), { err: E.FIELD });
  assert.equal(dec(hex("05 12 00 00 07")), { err: E.FIELD });
});

bad("topic id type 3 in PUBLISH or SUBSCRIBE: VALUE", () => {
  assert.equal(dec(hex("07 0C 03 00 05 00 00")), { err: E.VALUE });
  assert.equal(dec(hex("07 12 03 00 07 61 62")), { err: E.VALUE });
});

bad("CONNECT with protocol id 2: VALUE", () => {
  assert.equal(dec(hex("08 04 04 02 00 3C 63 31")), { err: E.VALUE });
});

bad("return code 4 (reserved) in CONNACK, PUBACK, REGACK: VALUE", () => {
  assert.equal(dec(hex("03 05 04")), { err: E.VALUE });
  assert.equal(dec(hex("07 0D 00 05 00 02 04")), { err: E.VALUE });
  assert.equal(dec(hex("07 0B 00 05 00 02 FF")), { err: E.VALUE });
});

bad("ENCAPSULATED without an inner message: SHORT; in the 3-byte form: LENGTH", () => {
  assert.equal(dec(hex("03 FE 01")), { err: E.SHORT });
  assert.equal(dec(hex("01 00 05 FE 01 02 17")), { err: E.LENGTH });
});

bad("decoding a window of a larger buffer reads nothing outside it", () => {
  const b = hex("FF", "03 05 00", "FF");
  assert.equal([snDecode(snMsg(), b, 1, 4), snDecode(snMsg(), b, 1, 3)], [5, E.SHORT]);
});

bad("a reserved type is not encoded", () => {
  assert.is(snEncode(0x03), null);
  assert.is(snEncode(0x30), null);
});

v.run();
long.run();
bad.run();
