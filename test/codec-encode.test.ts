// Encoders: each vector is the exact bytes the spec requires, one field per line.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { hex, toHex } from "./hex";
import { encodeConnect, encodePublish, encodeAck, encodeSubscribe, encodeEmpty, lenSize } from "../src/codec/encode";
import type { ConnectOptions } from "../src/codec/encode";

function enc(f: (b: Uint8Array, o: number) => number): string {
  const b = new Uint8Array(512);
  const n = f(b, 0);
  assert.ok(n > 0, "encoder returned " + n);
  return toHex(b, 0, n);
}

const connect = suite("encode CONNECT");

connect("3.1.1: clean session, keepalive 60, client id e1", () => {
  assert.is(
    enc((b, o) => encodeConnect(b, o, { clientId: "e1", keepalive: 60 })),
    toHex(hex(
      "10 0E",          // CONNECT, remaining length 14
      "00 04 4D 51 54 54", // protocol name "MQTT"
      "04",             // level 4 = 3.1.1
      "02",             // flags: clean session
      "00 3C",          // keepalive 60 s
      "00 02 65 31",    // client id "e1"
    )),
  );
});

connect("3.1: protocol name MQIsdp, level 3", () => {
  assert.is(
    enc((b, o) => encodeConnect(b, o, { protocol: 3, clientId: "e1", keepalive: 60 })),
    toHex(hex(
      "10 10",                   // CONNECT, remaining length 16
      "00 06 4D 51 49 73 64 70", // "MQIsdp"
      "03",                      // level 3
      "02",                      // clean session
      "00 3C",                   // keepalive 60
      "00 02 65 31",             // "e1"
    )),
  );
});

const full: ConnectOptions = { clientId: "c", keepalive: 10, will: { topic: "w/s", payload: "off", qos: 1, retain: true }, username: "u", password: "p" };
for (const level of [3, 4]) {
  connect(`level ${level}: will, credentials, flags in payload order`, () => {
    const name = level == 3 ? "00 06 4D 51 49 73 64 70 03" : "00 04 4D 51 54 54 04";
    assert.is(
      enc((b, o) => encodeConnect(b, o, { ...full, protocol: level })),
      toHex(hex(
        "10", level == 3 ? "1F" : "1D", // CONNECT, remaining length
        name,          // protocol name and level
        "EE",          // user, password, will retain, will QoS 1, will, clean
        "00 0A",       // keepalive 10
        "00 01 63",    // client id "c"
        "00 03 77 2F 73", // will topic "w/s"
        "00 03 6F 66 66", // will message "off"
        "00 01 75",    // user name "u"
        "00 01 70",    // password "p"
      )),
    );
  });
}

connect("clean session off and keepalive 0 are encoded, not defaulted", () => {
  assert.is(
    enc((b, o) => encodeConnect(b, o, { clientId: "x", clean: false, keepalive: 0 })),
    toHex(hex("10 0D", "00 04 4D 51 54 54 04", "00", "00 00", "00 01 78")),
  );
});

connect("password without user name is refused [MQTT-3.1.2-22]", () => {
  const b = new Uint8Array(64);
  assert.is(encodeConnect(b, 0, { clientId: "x", password: "p" }), -9);
  assert.is(b[0], 0);
});

connect("binary will payload and password are written as bytes", () => {
  assert.is(
    enc((b, o) => encodeConnect(b, o, { clientId: "x", will: { topic: "t", payload: hex("00 FF") }, username: "", password: hex("80") })),
    toHex(hex("10 19", "00 04 4D 51 54 54 04", "C6", "00 3C", "00 01 78", "00 01 74", "00 02 00 FF", "00 00", "00 01 80")),
  );
});

const publish = suite("encode PUBLISH");

publish("QoS 0 carries no packet identifier", () => {
  assert.is(enc((b, o) => encodePublish(b, o, "a/b", "hi", 0, false, false, 0)), toHex(hex("30 07", "00 03 61 2F 62", "68 69")));
});

publish("QoS 1 with DUP and RETAIN: flags 1011 and packet id", () => {
  assert.is(enc((b, o) => encodePublish(b, o, "a/b", "hi", 1, true, true, 10)), toHex(hex("3B 09", "00 03 61 2F 62", "00 0A", "68 69")));
});

publish("QoS 2: flags 0100", () => {
  assert.is(enc((b, o) => encodePublish(b, o, "a/b", hex("01"), 2, false, false, 65535)), toHex(hex("34 08", "00 03 61 2F 62", "FF FF", "01")));
});

publish("empty payload is allowed", () => {
  assert.is(enc((b, o) => encodePublish(b, o, "t", "", 0, true, false, 0)), toHex(hex("31 03", "00 01 74")));
});

publish("topic and payload are UTF-8: °C is 3 bytes", () => {
  assert.is(enc((b, o) => encodePublish(b, o, "°C", "€😀", 0, false, false, 0)), toHex(hex("30 0C", "00 03 C2 B0 43", "E2 82 AC", "F0 9F 98 80")));
});

publish("empty topic, bad QoS and id 0 at QoS 1 are refused", () => {
  const b = new Uint8Array(64);
  assert.is(encodePublish(b, 0, "", "x", 0, false, false, 0), -7);
  assert.is(encodePublish(b, 0, "t", "x", 3, false, false, 1), -9);
  assert.is(encodePublish(b, 0, "t", "x", 1, false, false, 0), -9);
  assert.is(encodePublish(b, 0, "t", "x", 1, false, false, 65536), -9);
  assert.is(b[0], 0, "nothing written");
});

publish("a packet that does not fit writes nothing and returns -1", () => {
  const b = new Uint8Array(10);
  assert.is(encodePublish(b, 0, "a/b", "12345", 0, false, false, 0), -1);
  assert.is(encodePublish(b, 2, "a/b", "123", 0, false, false, 0), -1);
  assert.equal(b, new Uint8Array(10));
  assert.is(encodePublish(b, 0, "a/b", "123", 0, false, false, 0), 10, "exact fit");
});

publish("a long UTF-8 payload whose bytes need a longer length field than its chars: 100 x é is 200 bytes", () => {
  // 3 + 100 chars would fit one length byte; 3 + 200 bytes needs two, so the payload is moved by one.
  const got = enc((b, o) => encodePublish(b, o, "t", "é".repeat(100), 0, false, false, 0));
  assert.is(got, toHex(hex("30 CB 01", "00 01 74", "C3 A9".repeat(100))));
});

publish("a long payload one byte short of room writes nothing and returns -1", () => {
  const payload = "p".repeat(100);
  const b = new Uint8Array(1 + 1 + 3 + 100 - 1).fill(0xee);
  assert.is(encodePublish(b, 0, "t", payload, 0, false, false, 0), -1);
  assert.ok(b.every((x) => x == 0xee), "nothing written");
  const c = new Uint8Array(b.length + 1);
  assert.is(encodePublish(c, 0, "t", payload, 0, false, false, 0), c.length, "exact fit");
});

publish("topics and payloads of one-, two-, three- and four-byte chars around the length-field steps: the bytes, exact fit, one short writes nothing", () => {
  // The Node encoder writes the packet once where it lands if every char were one byte and moves it when
  // the length field turns out longer; checked against the packet assembled from Buffer's UTF-8.
  const varint = (n: number) => { const a = []; do { a.push((n & 127) | (n > 127 ? 128 : 0)); n >>>= 7; } while (n); return a; };
  const chars = ["a", "é", "€", "😀", "\ud800"];
  for (const tc of chars)
    for (const pc of chars)
      for (const tn of [1, 20, 40])
        for (const pn of [0, 5, 30, 40, 60, 126, 8190])
          for (const qos of [0, 1]) {
            const topic = tc.repeat(tn);
            const payload = pc.repeat(pn);
            const t = Buffer.from(topic, "utf8");
            const p = Buffer.from(payload, "utf8");
            const rl = 2 + t.length + (qos ? 2 : 0) + p.length;
            const want = Uint8Array.from([0x30 | (qos << 1), ...varint(rl), t.length >> 8, t.length & 255, ...t, ...(qos ? [0x12, 0x34] : []), ...p]);
            for (const o of [0, 3]) {
              const b = new Uint8Array(o + want.length).fill(0xee);
              const what = `${JSON.stringify(tc)} x ${tn}, ${JSON.stringify(pc)} x ${pn}, QoS ${qos}, at ${o}`;
              assert.is(encodePublish(b, o, topic, payload, qos, false, false, 0x1234), b.length, what);
              assert.equal(b.subarray(o), want, what);
              const short = new Uint8Array(o + want.length - 1).fill(0xee);
              assert.is(encodePublish(short, o, topic, payload, qos, false, false, 0x1234), -1, what + ", one short");
              assert.ok(short.every((x) => x == 0xee), what + ", one short: nothing written");
            }
          }
});

for (const rl of [127, 128, 16383, 16384, 2097151, 2097152]) {
  publish(`remaining length ${rl} takes ${lenSize(rl)} bytes`, () => {
    const payload = new Uint8Array(rl - 3);
    const b = new Uint8Array(rl + 5);
    const end = encodePublish(b, 0, "t", payload, 0, false, false, 0);
    assert.is(end, 1 + lenSize(rl) + rl);
    let v = 0, m = 1, i = 1;
    for (;;) { const x = b[i++]; v += (x & 127) * m; m *= 128; if (!(x & 128)) break; }
    assert.is(v, rl);
    assert.is(i, 1 + lenSize(rl));
  });
}

publish("remaining length field sizes at 0, 127, 128, 16383, 16384, 2097151, 2097152, 268435455", () => {
  assert.equal([0, 127, 128, 16383, 16384, 2097151, 2097152, 268435455].map(lenSize), [1, 1, 2, 2, 3, 3, 4, 4]);
});

publish("a remaining length over 268,435,455 is refused, not truncated", () => {
  // A fake buffer with room for everything: only the length rule can refuse it.
  const b = new Uint8Array(8);
  const payload = { length: 268435455 - 2 } as unknown as Uint8Array;
  assert.is(encodePublish(b, 0, "t", payload, 0, false, false, 0), -1);
});

const acks = suite("encode acks, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT");

acks("PUBACK, PUBREC, PUBREL (flags 0010), PUBCOMP", () => {
  assert.is(enc((b, o) => encodeAck(b, o, 4, 0x1234)), "40 02 12 34");
  assert.is(enc((b, o) => encodeAck(b, o, 5, 1)), "50 02 00 01");
  assert.is(enc((b, o) => encodeAck(b, o, 6, 1)), "62 02 00 01");
  assert.is(enc((b, o) => encodeAck(b, o, 7, 65535)), "70 02 FF FF");
});

acks("SUBSCRIBE: two filters, each with its requested QoS", () => {
  assert.is(
    enc((b, o) => encodeSubscribe(b, o, 1, ["a/+", "#"], [1, 0])),
    toHex(hex("82 0C", "00 01", "00 03 61 2F 2B", "01", "00 01 23", "00")),
  );
});

acks("UNSUBSCRIBE: filters without QoS", () => {
  assert.is(enc((b, o) => encodeSubscribe(b, o, 2, ["a/+"])), toHex(hex("A2 07", "00 02", "00 03 61 2F 2B")));
});

acks("SUBSCRIBE refuses no filters, an empty filter, QoS 3 and id 0", () => {
  const b = new Uint8Array(32);
  assert.is(encodeSubscribe(b, 0, 1, [], []), -9);
  assert.is(encodeSubscribe(b, 0, 1, [""], [0]), -7);
  assert.is(encodeSubscribe(b, 0, 1, ["a"], [3]), -9);
  assert.is(encodeSubscribe(b, 0, 0, ["a"], [0]), -9);
});

acks("PINGREQ and DISCONNECT", () => {
  assert.is(enc((b, o) => encodeEmpty(b, o, 12)), "C0 00");
  assert.is(enc((b, o) => encodeEmpty(b, o, 14)), "E0 00");
  assert.is(encodeEmpty(new Uint8Array(1), 0, 12), -1);
});

acks("encoders write at an offset and return the new offset", () => {
  const b = new Uint8Array(8);
  let o = encodeEmpty(b, 0, 12);
  o = encodeAck(b, o, 4, 7);
  assert.is(o, 6);
  assert.is(toHex(b, 0, o), "C0 00 40 02 00 07");
});

connect.run();
publish.run();
acks.run();
