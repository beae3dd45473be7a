// The codec bundle (build/mqttiny-codec.min.js) on the real Espruino interpreter, byte for byte: the encode
// vectors of codec-encode.test.ts and the decode vectors of codec-decode.test.ts, on the ESP8266 and ESP32
// layouts, loaded from a RAM string as the Web IDE does. Decoding is fed as byte Strings (what a socket's
// `data` event gives on Espruino) and as Uint8Arrays.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { hex, toHex } from "./hex";
import { feedAll } from "./decode-helpers";
import { CODEC } from "./bundle-helpers";
import { haveBoards, deviceRun, loadModule, results, deviceErrors } from "./espruino-helpers";

const t = suite("espruino: codec vectors");

// [name, ES5 call on the device (b = Uint8Array(512) at offset 0), expected bytes as in codec-encode.test.ts]
const ENCODE: [string, string, string][] = [
  ["CONNECT 3.1.1 clean, keepalive 60, e1", `c.encodeConnect(b, 0, { clientId: "e1", keepalive: 60 })`, "10 0E 00 04 4D 51 54 54 04 02 00 3C 00 02 65 31"],
  ["CONNECT 3.1 MQIsdp", `c.encodeConnect(b, 0, { protocol: 3, clientId: "e1", keepalive: 60 })`, "10 10 00 06 4D 51 49 73 64 70 03 02 00 3C 00 02 65 31"],
  ["CONNECT 3.1.1 will + credentials", `c.encodeConnect(b, 0, { protocol: 4, clientId: "c", keepalive: 10, will: { topic: "w/s", payload: "off", qos: 1, retain: true }, username: "u", password: "p" })`,
    "10 1D 00 04 4D 51 54 54 04 EE 00 0A 00 01 63 00 03 77 2F 73 00 03 6F 66 66 00 01 75 00 01 70"],
  ["CONNECT 3.1 will + credentials", `c.encodeConnect(b, 0, { protocol: 3, clientId: "c", keepalive: 10, will: { topic: "w/s", payload: "off", qos: 1, retain: true }, username: "u", password: "p" })`,
    "10 1F 00 06 4D 51 49 73 64 70 03 EE 00 0A 00 01 63 00 03 77 2F 73 00 03 6F 66 66 00 01 75 00 01 70"],
  ["CONNECT clean off, keepalive 0", `c.encodeConnect(b, 0, { clientId: "x", clean: false, keepalive: 0 })`, "10 0D 00 04 4D 51 54 54 04 00 00 00 00 01 78"],
  ["CONNECT binary will payload and password", `c.encodeConnect(b, 0, { clientId: "x", will: { topic: "t", payload: new Uint8Array([0, 255]) }, username: "", password: new Uint8Array([128]) })`,
    "10 19 00 04 4D 51 54 54 04 C6 00 3C 00 01 78 00 01 74 00 02 00 FF 00 00 00 01 80"],
  ["PUBLISH QoS 0", `c.encodePublish(b, 0, "a/b", "hi", 0, false, false, 0)`, "30 07 00 03 61 2F 62 68 69"],
  ["PUBLISH QoS 1 DUP RETAIN id 10", `c.encodePublish(b, 0, "a/b", "hi", 1, true, true, 10)`, "3B 09 00 03 61 2F 62 00 0A 68 69"],
  ["PUBLISH QoS 2 id 65535 bytes", `c.encodePublish(b, 0, "a/b", new Uint8Array([1]), 2, false, false, 65535)`, "34 08 00 03 61 2F 62 FF FF 01"],
  ["PUBLISH empty payload, retain", `c.encodePublish(b, 0, "t", "", 0, true, false, 0)`, "31 03 00 01 74"],
  // The program file is UTF-8; on the boards strings are bytes, so "°C" is already C2 B0 43 and goes out as is.
  ["PUBLISH UTF-8 topic and payload", `c.encodePublish(b, 0, "°C", "€", 0, false, false, 0)`, "30 08 00 03 C2 B0 43 E2 82 AC"],
  ["PUBLISH 200-byte payload (two length bytes)", `c.encodePublish(b, 0, "t", new Array(201).join("p"), 0, false, false, 0)`, "30 CB 01 00 01 74 " + "70 ".repeat(200).trim()],
  ["PUBLISH that does not fit", `c.encodePublish(new Uint8Array(10), 0, "a/b", "12345", 0, false, false, 0)`, "-1"],
  ["PUBLISH empty topic", `c.encodePublish(b, 0, "", "x", 0, false, false, 0)`, "-7"],
  ["PUBACK", `c.encodeAck(b, 0, 4, 0x1234)`, "40 02 12 34"],
  ["PUBREC", `c.encodeAck(b, 0, 5, 1)`, "50 02 00 01"],
  ["PUBREL", `c.encodeAck(b, 0, 6, 1)`, "62 02 00 01"],
  ["PUBCOMP", `c.encodeAck(b, 0, 7, 65535)`, "70 02 FF FF"],
  ["SUBSCRIBE two filters", `c.encodeSubscribe(b, 0, 1, ["a/+", "#"], [1, 0])`, "82 0C 00 01 00 03 61 2F 2B 01 00 01 23 00"],
  ["UNSUBSCRIBE", `c.encodeSubscribe(b, 0, 2, ["a/+"])`, "A2 07 00 02 00 03 61 2F 2B"],
  ["SUBSCRIBE QoS 3 refused", `c.encodeSubscribe(b, 0, 1, ["a"], [3])`, "-9"],
  ["PINGREQ", `c.encodeEmpty(b, 0, 12)`, "C0 00"],
  ["DISCONNECT", `c.encodeEmpty(b, 0, 14)`, "E0 00"],
];

// Decode vectors from codec-decode.test.ts; the expected records come from the Node build's decoder.
const DECODE: [string, string][] = [
  ["CONNACK session present", "20 02 01 00"],
  ["CONNACK 3.1 code 5", "20 02 00 05"],
  ["PUBLISH QoS 0", "30 07 00 03 61 2F 62 68 69"],
  ["PUBLISH QoS 1 DUP RETAIN", "3B 09 00 03 61 2F 62 00 0A 68 69"],
  ["PUBLISH QoS 2 empty payload", "34 07 00 03 61 2F 62 FF FF"],
  ["PUBACK PUBREC PUBREL PUBCOMP UNSUBACK", "40 02 12 34 50 02 00 01 62 02 00 02 70 02 00 03 B0 02 00 04"],
  ["SUBACK with refusal", "90 05 00 07 01 80 02"],
  ["PINGRESP", "D0 00"],
  ["a mixed stream", "20 02 00 00 30 07 00 03 61 2F 62 68 69 D0 00 32 09 00 03 61 2F 62 00 05 6F 6B 90 03 00 01 01 40 02 00 09"],
  ["reserved type 15 (-2)", "F0 00"],
  ["PUBACK flags 0001 (-3)", "41 02 00 01"],
  ["fifth length byte (-4)", "30 FF FF FF FF 01"],
  ["PUBLISH QoS 3 (-5)", "36 07 00 03 61 2F 62 00 01"],
  ["PUBACK id 0 (-6)", "40 02 00 00"],
  ["topic longer than the packet (-7)", "30 04 00 05 61 62"],
];

const DEVICE_PROGRAM = `
function hx(b, n) { var s = ""; for (var i = 0; i < n; i++) s += (i ? " " : "") + (b[i] < 16 ? "0" : "") + b[i].toString(16).toUpperCase(); return s; }
var b = new Uint8Array(512);
function enc(name, n) { print("ENC " + name + "|" + (n < 0 ? n : hx(b, n))); }
function snap(d) {
  var s = { st: d.st, type: d.type };
  if (d.st < 0) return s;
  if (d.type == 2) { s.sp = d.sp; s.rc = d.rc; return s; }
  if (d.type == 3) { s.qos = d.qos; s.id = d.id; s.flags = d.flags; s.topic = E.toString(d.buf.subarray(d.topic, d.topic + d.tlen)); s.payload = hx(d.buf.subarray(d.pay, d.pay + d.plen), d.plen); return s; }
  if (d.type == 9) { s.id = d.id; s.granted = [].slice.call(d.buf.subarray(d.pay, d.pay + d.plen)); return s; }
  if (d.type == 13) return s;
  s.id = d.id; return s;
}
function dec(name, h, asBytes) {
  var bytes = new Uint8Array(h.split(" ").map(function (x) { return parseInt(x, 16); }));
  var chunk = asBytes ? bytes : E.toString(bytes);
  var d = c.createDecoder(256), i = 0, got = [];
  while (i < chunk.length) { i = c.decode(d, chunk, i); if (d.st) got.push(snap(d)); }
  print("DEC " + (asBytes ? "u8 " : "str ") + name + "|" + JSON.stringify(got));
}
`;

function program(): string {
  let p = DEVICE_PROGRAM;
  for (const [name, call] of ENCODE) p += `enc(${JSON.stringify(name)}, ${call});\n`;
  for (const [name, h] of DECODE) p += `dec(${JSON.stringify(name)}, ${JSON.stringify(h)}, false);\ndec(${JSON.stringify(name)}, ${JSON.stringify(h)}, true);\n`;
  return p;
}

function expectedDecode(h: string) {
  return JSON.parse(JSON.stringify(feedAll([hex(h)])));
}

for (const board of ["esp8266", "esp32"]) {
  if (!haveBoards(t, [board])) continue;
  t(`${board}: the codec bundle loads from a RAM string and every encode and decode vector matches byte for byte`, async () => {
    const t0 = Date.now();
    const h = deviceRun(board, { program: loadModule("mqttiny-codec", CODEC, "ram", "c") + program(), timeoutMs: 90000 });
    try {
      const r = await h.done;
      assert.equal(deviceErrors(r.output), [], r.output);
      const enc = new Map<string, string>();
      const dec = new Map<string, string>();
      for (const l of r.output.split("\n")) {
        const m = /^(ENC|DEC) (.*)\|(.*)$/.exec(l);
        if (m) (m[1] == "ENC" ? enc : dec).set(m[2], m[3]);
      }
      for (const [name, , want] of ENCODE) assert.is(enc.get(name), want, "encode " + name);
      // The vectors themselves agree with the Node build (copied from codec-encode.test.ts).
      assert.is(toHex(hex(ENCODE[0][2])), ENCODE[0][2]);
      for (const [name, h] of DECODE) {
        const want = expectedDecode(h);
        assert.equal(JSON.parse(dec.get("str " + name) ?? "null"), want, "decode (byte String) " + name);
        assert.equal(JSON.parse(dec.get("u8 " + name) ?? "null"), want, "decode (Uint8Array) " + name);
      }
      const load = results(r.output).load;
      console.log(`  ${board}: codec from a RAM string: +${load.blocks} blocks after load, ${load.free} free; ${ENCODE.length} encode and ${DECODE.length * 2} decode vectors in ${Date.now() - t0} ms`);
    } finally {
      h.kill();
    }
  });
}

t.run();
