// Seeded randomized cross-check against mqtt-packet, an independent codec, in both directions and on
// both protocol levels: our encode -> mqtt-packet parse is equal; mqtt-packet generate -> our decode is equal.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import mqttPacket from "mqtt-packet";
import { rng } from "./sim/rng.mjs";
import { feedAll } from "./decode-helpers";
import { encodeConnect, encodePublish, encodeAck, encodeSubscribe, encodeEmpty } from "../src/codec/encode";

const N = 10000;
const ALPHA = "abcxyz019/_-°€😀 ";

function gen(r: () => number) {
  const int = (n: number) => Math.floor(r() * n);
  const str = (max: number, min = 0) => {
    let s = "";
    const n = min + int(max - min + 1);
    for (let i = 0; i < n; i++) s += Array.from(ALPHA)[int(Array.from(ALPHA).length)];
    return s;
  };
  const topic = () => str(20, 1).replace(/[+#]/g, "x");
  const bytes = (max: number) => Buffer.from(Array.from({ length: int(max + 1) }, () => int(256)));
  return { int, str, topic, bytes, bool: () => r() < 0.5 };
}

function parseAll(buf: Uint8Array, protocolVersion: number): any[] {
  const parser = mqttPacket.parser({ protocolVersion });
  const out: any[] = [];
  parser.on("packet", (p: any) => out.push(p));
  parser.on("error", (e: Error) => out.push({ error: e.message }));
  parser.parse(Buffer.from(buf));
  return out;
}

const ours = suite("our encode -> mqtt-packet parse");
for (const level of [3, 4]) {
  ours(`${N} random client packets, protocol level ${level}`, () => {
    const g = gen(rng(level * 1000 + 1));
    const b = new Uint8Array(2048);
    for (let k = 0; k < N; k++) {
      const kind = g.int(7);
      let n: number;
      let want: any;
      if (kind == 0) {
        const clientId = level == 3 ? "c" + g.int(1e6) : g.str(10);
        const will = g.bool() ? { topic: g.topic(), payload: g.bytes(20), qos: g.int(3), retain: g.bool() } : undefined;
        const username = g.bool() ? g.str(8) : undefined;
        const password = username != null && g.bool() ? g.bytes(8) : undefined;
        const clean = level == 3 || clientId == "" ? true : g.bool();
        const keepalive = g.int(65536);
        n = encodeConnect(b, 0, { protocol: level, clientId, clean, keepalive, will, username, password });
        want = { cmd: "connect", protocolId: level == 3 ? "MQIsdp" : "MQTT", protocolVersion: level, clean, keepalive, clientId };
        if (will) want.will = { topic: will.topic, payload: will.payload, qos: will.qos, retain: will.retain };
        if (username != null) want.username = username;
        if (password != null) want.password = password;
      } else if (kind == 1) {
        const qos = g.int(3), retain = g.bool(), dup = qos ? g.bool() : false, id = qos ? 1 + g.int(65535) : 0;
        const topic = g.topic(), payload = g.bool() ? g.bytes(300) : g.str(40);
        n = encodePublish(b, 0, topic, payload, qos, retain, dup, id);
        want = { cmd: "publish", topic, qos, retain, dup, payload: Buffer.from(payload as any) };
        if (qos) want.messageId = id;
      } else if (kind == 2) {
        const type = 4 + g.int(4), id = 1 + g.int(65535);
        n = encodeAck(b, 0, type, id);
        want = { cmd: ["puback", "pubrec", "pubrel", "pubcomp"][type - 4], messageId: id };
      } else if (kind == 3 || kind == 4) {
        const id = 1 + g.int(65535);
        const filters = Array.from({ length: 1 + g.int(4) }, () => g.topic());
        if (kind == 3) {
          const qos = filters.map(() => g.int(3));
          n = encodeSubscribe(b, 0, id, filters, qos);
          want = { cmd: "subscribe", messageId: id, subscriptions: filters.map((topic, i) => ({ topic, qos: qos[i] })) };
        } else {
          n = encodeSubscribe(b, 0, id, filters);
          want = { cmd: "unsubscribe", messageId: id, unsubscriptions: filters };
        }
      } else {
        const type = kind == 5 ? 12 : 14;
        n = encodeEmpty(b, 0, type);
        want = { cmd: type == 12 ? "pingreq" : "disconnect" };
      }
      assert.ok(n > 0, `encode #${k} returned ${n}`);
      const got = parseAll(b.subarray(0, n), level);
      assert.is(got.length, 1, `#${k}: one packet`);
      const p = got[0];
      for (const key of Object.keys(want)) {
        let v = p[key];
        if (key == "will") v = { topic: v.topic, payload: v.payload, qos: v.qos, retain: v.retain };
        if (key == "subscriptions") v = v.map((s: any) => ({ topic: s.topic, qos: s.qos }));
        if (key == "payload" || key == "password") v = Buffer.from(v);
        assert.equal(v, want[key], `#${k} ${want.cmd}.${key}`);
      }
    }
  });
}

const theirs = suite("mqtt-packet generate -> our decode");
for (const level of [3, 4]) {
  theirs(`${N} random server packets, protocol level ${level}`, () => {
    const g = gen(rng(level * 1000 + 2));
    for (let k = 0; k < N; k++) {
      const kind = g.int(6);
      let p: any;
      let want: any;
      if (kind == 0) {
        const rc = g.int(6), sp = level == 4 && g.bool();
        p = { cmd: "connack", returnCode: rc, sessionPresent: sp };
        want = { st: 1, type: 2, sp: sp ? 1 : 0, rc };
      } else if (kind == 1) {
        const qos = g.int(3), retain = g.bool(), dup = qos ? g.bool() : false, id = qos ? 1 + g.int(65535) : undefined;
        const topic = g.topic(), payload = g.bytes(300);
        p = { cmd: "publish", topic, payload, qos, retain, dup, messageId: id };
        want = { st: 1, type: 3, qos, id: id || 0, flags: (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0), topic, payload: payload.length ? payload.toString("hex").toUpperCase().match(/../g)!.join(" ") : "" };
      } else if (kind == 2) {
        const type = 4 + g.int(4), id = 1 + g.int(65535);
        p = { cmd: ["puback", "pubrec", "pubrel", "pubcomp"][type - 4], messageId: id };
        want = { st: 1, type, id };
      } else if (kind == 3) {
        const id = 1 + g.int(65535), granted = Array.from({ length: 1 + g.int(5) }, () => [0, 1, 2, 128][g.int(4)]);
        p = { cmd: "suback", messageId: id, granted };
        want = { st: 1, type: 9, id, granted };
      } else if (kind == 4) {
        const id = 1 + g.int(65535);
        p = { cmd: "unsuback", messageId: id };
        want = { st: 1, type: 11, id };
      } else {
        p = { cmd: "pingresp" };
        want = { st: 1, type: 13 };
      }
      const bytes = mqttPacket.generate(p, { protocolVersion: level });
      assert.equal(feedAll([bytes], 512), [want], `#${k} ${p.cmd}`);
    }
  });
}

ours.run();
theirs.run();
