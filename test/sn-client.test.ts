// The MQTT-SN client (the Node build, build/node/sn.cjs) end to end against the real Paho MQTT-SN
// gateway and mosquitto, checked from the broker side by an independent MQTT client (MQTT.js).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRequire } from "node:module";
import mqtt from "mqtt";
import { haveGateway, startGateway, freeUdpPort } from "./sn-gateway";
import type { Gateway, GatewayOptions } from "./sn-gateway";
import { until } from "./brokers";

const require = createRequire(import.meta.url);
const sn = require("../build/node/sn.cjs");

/** Datagram types the client sent and received, and a switch that makes it silent (a dead client). */
function tap() {
  const t = { sent: [] as number[], got: [] as number[], raw: [] as string[], out: [] as string[], mute: false, transport: null as any };
  const inner = sn.nodeUdp({ host: "127.0.0.1" });
  const type = (d: Uint8Array) => (d[0] == 1 ? d[3] : d[1]);
  t.transport = (ev: any, lp?: number) => {
    const s = inner({ message: (d: Uint8Array, h: string, p: number) => (t.mute ? 0 : (t.got.push(type(d)), t.raw.push(Buffer.from(d).toString("hex")), ev.message(d, h, p))), error: ev.error }, lp);
    return { send: (d: Uint8Array, h: string, p: number) => (t.mute ? 0 : (t.sent.push(type(d)), t.out.push(Buffer.from(d).toString("hex")), s.send(d, h, p))), close: () => s.close() };
  };
  return t;
}

interface Ctx {
  g: Gateway;
  /** The broker-side MQTT client and what it received: "topic=payload". */
  m: mqtt.MqttClient;
  seen: string[];
  clients: any[];
  errors: any[];
}

/** Gateway + broker + a subscriber to `#`, and SN clients made by `mk`; all stopped after `f`. */
async function withGateway(o: GatewayOptions, f: (x: Ctx, mk: (opts: any) => any) => Promise<void>) {
  const g = await startGateway(o);
  const m = await mqtt.connectAsync("mqtt://127.0.0.1:" + g.broker.port, { clientId: "observer" + Math.random() });
  const x: Ctx = { g, m, seen: [], clients: [], errors: [] };
  m.on("message", (t, p) => x.seen.push(t + "=" + p));
  await m.subscribeAsync("#", { qos: 1 });
  const mk = (opts: any) => {
    const c = sn.connect({ port: g.port, retry: 500, retries: 3, reconnectMin: 100, reconnectMax: 500, keepalive: 10, ...opts });
    c.on("error", (e: any) => x.errors.push(e));
    x.clients.push(c);
    return c;
  };
  try {
    await f(x, mk);
  } catch (e) {
    console.log(g.log.slice(-40).join("\n"));
    throw e;
  } finally {
    for (const c of x.clients) c.end();
    await m.endAsync(true);
    await g.close();
  }
}

const up = (c: any, what = "connected") => until(() => c.state() == 3, 5000, what);

test("the package export mqttiny/sn is the Node build: connect(), the codec, and its types", () => {
  const pkg = require("mqttiny/sn");
  assert.is(typeof pkg.connect, "function");
  assert.is(typeof pkg.snDecode, "function");
  assert.ok(require("../package.json").exports["./sn"].types.endsWith("node-sn.d.ts"));
  assert.ok(require("node:fs").existsSync(new URL("../build/node/node-sn.d.ts", import.meta.url)));
});

if (haveGateway(test)) {
  test("CONNECT clean: connected after CONNACK", async () => {
    await withGateway({}, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "clean1", transport: t.transport });
      let n = 0;
      c.on("connected", () => n++);
      await up(c);
      assert.equal([n, t.sent[0], t.got[0]], [1, 0x04, 0x05]);

    });
  });

  test("CONNECT with clean=false: the flag on the wire, CONNACK, subscriptions work in the kept session", async () => {
    await withGateway({}, async (x, mk) => {
      const ta = tap();
      const a = mk({ clientId: "keep1", clean: false, transport: ta.transport });
      a.subscribe("keep/t", { qos: 1 });
      await up(a);
      assert.is(ta.out[0].slice(0, 6), "0b0400", "CONNECT flags 00: clean=0, no will");
      await until(() => ta.got.includes(0x13), 3000, "SUBACK");
      a.end();
      const got: string[] = [];
      const b = mk({ clientId: "keep1", clean: false, binary: false });
      b.subscribe("keep/t", { qos: 1, onMessage: (t: string, p: string) => got.push(t + "=" + p) });
      await up(b);
      await new Promise((r) => setTimeout(r, 300));
      await x.m.publishAsync("keep/t", "kept", { qos: 1 });
      await until(() => got.length > 0, 3000, "message in the kept session");
      assert.equal(got, ["keep/t=kept"]);
    });
  });

  test("register + publish QoS 0 and QoS 1 reach an MQTT subscriber", async () => {
    await withGateway({}, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "pub1", transport: t.transport });
      await up(c);
      assert.ok(c.publish("sn/long/name", "zero", { qos: 0 }));
      assert.ok(c.publish("sn/long/name", "one", { qos: 1 }));
      await until(() => x.seen.length == 2 && c.queued() == 0, 3000, "both messages");
      assert.equal(x.seen, ["sn/long/name=zero", "sn/long/name=one"]);
      assert.equal(t.sent.filter((y) => y == 0x0a).length, 1, "one REGISTER for the topic");
    });
  });

  test("publish to a predefined topic id: no REGISTER", async () => {
    await withGateway({ predefined: [["*", "sn/predef", 100]] }, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "pre1", predefined: { "sn/predef": 100 }, transport: t.transport });
      await up(c);
      c.publish("sn/predef", "p", { qos: 1, retain: true });
      await until(() => x.seen.length == 1 && c.queued() == 0, 3000, "predefined publish");
      assert.equal(x.seen, ["sn/predef=p"]);
      assert.not.ok(t.sent.includes(0x0a));
    });
  });

  test("publish to a short topic name; the PUBACK's swapped topic bytes are tolerated", async () => {
    await withGateway({}, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "short1", transport: t.transport });
      await up(c);
      c.publish("ab", "s1", { qos: 1 });
      c.publish("ab", "s2", { qos: 1 });
      await until(() => x.seen.length == 2 && c.queued() == 0, 3000, "short publishes acknowledged");
      assert.equal(x.seen, ["ab=s1", "ab=s2"]);
      assert.ok(t.raw.includes("070d62610001" + "00") || t.raw.some((r) => r.startsWith("070d6261")), "this gateway swaps the bytes: " + t.raw.join(" "));
      assert.is(x.errors.length, 0);
    });
  });

  test("QoS -1 publish without CONNECT from a ClientsList port (predefined id and short name)", async () => {
    const lp = await freeUdpPort();
    await withGateway({ clients: [["qm1", lp, "QoS-1"]], predefined: [["*", "sn/qm1", 7]] }, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "qm1", passive: true, localPort: lp, predefined: { "sn/qm1": 7 }, transport: t.transport });
      // The gateway's QoS -1 proxy connects to the broker about 2 s after the gateway starts.
      await until(
        () => {
          if (x.seen.length < 2) (c.publish("sn/qm1", "m1", { qos: -1 }), c.publish("zz", "m2", { qos: -1 }));
          return x.seen.includes("sn/qm1=m1") && x.seen.includes("zz=m2");
        },
        8000,
        "QoS -1 messages",
      );
      assert.not.ok(t.sent.includes(0x04), "no CONNECT");
      assert.throws(() => c.publish("not/predefined", "x", { qos: -1 }), /QoS -1/);
    });
  });

  test("wildcard subscription: inbound QoS 0, 1 and 2 from an MQTT publisher, each delivered once", async () => {
    await withGateway({}, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "sub1", binary: false, transport: t.transport });
      const got: string[] = [];
      c.subscribe("in/+/v", { qos: 2, onMessage: (tp: string, p: any, pk: any) => got.push(`${tp}=${p}@${pk.qos}`) });
      await up(c);
      await until(() => t.got.includes(0x13), 3000, "SUBACK");
      await x.m.publishAsync("in/a/v", "q0", { qos: 0 });
      await x.m.publishAsync("in/b/v", "q1", { qos: 1 });
      await x.m.publishAsync("in/c/v", "q2", { qos: 2 });
      await x.m.publishAsync("in/c/other", "no", { qos: 1 });
      await until(() => got.length >= 3, 3000, "three messages");
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(got.sort(), ["in/a/v=q0@0", "in/b/v=q1@1", "in/c/v=q2@2"]);
      assert.ok(t.got.includes(0x10) && t.sent.includes(0x0e), "QoS 2: PUBREL answered with PUBCOMP");
    });
  });

  test("subscribe by predefined topic id and by short name: inbound messages carry the names", async () => {
    await withGateway({ predefined: [["*", "sn/cmd", 200]] }, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "sub2", predefined: { "sn/cmd": 200 }, transport: t.transport });
      const got: string[] = [];
      c.on("message", (tp: string, p: Buffer, pk: any) => got.push(`${tp}=${p}/${pk.topicIdType}`));
      c.subscribe("sn/cmd", { qos: 1 });
      c.subscribe("xy", { qos: 1 });
      await up(c);
      await until(() => t.got.filter((y) => y == 0x13).length == 2, 3000, "two SUBACKs");
      assert.ok(t.out.some((h) => h.startsWith("071221") && h.endsWith("00c8")), "SUBSCRIBE by predefined id 200");
      await x.m.publishAsync("sn/cmd", "on", { qos: 1 });
      await x.m.publishAsync("xy", "short", { qos: 1 });
      await until(() => got.length == 2, 3000, "two messages");
      assert.equal(got.sort(), ["sn/cmd=on/1", "xy=short/2"]);
    });
  });

  test("unsubscribe: UNSUBACK, and no more messages", async () => {
    await withGateway({}, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "uns1", transport: t.transport });
      const got: string[] = [];
      c.on("message", (tp: string) => got.push(tp));
      c.subscribe("u/t", { qos: 1 });
      await up(c);
      await until(() => t.got.includes(0x13), 3000, "SUBACK");
      await x.m.publishAsync("u/t", "1", { qos: 1 });
      await until(() => got.length == 1, 3000, "first message");
      c.unsubscribe("u/t");
      await until(() => t.got.includes(0x15), 3000, "UNSUBACK");
      await x.m.publishAsync("u/t", "2", { qos: 1 });
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(got, ["u/t"]);
    });
  });

  test("keepalive: PINGREQ answered by PINGRESP keeps the client connected", async () => {
    await withGateway({}, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "ping1", keepalive: 1, transport: t.transport });
      await up(c);
      await until(() => t.got.filter((y) => y == 0x17).length >= 2, 4000, "two PINGRESPs");
      assert.is(c.state(), 3);
      assert.is(x.errors.length, 0);
    });
  });

  test("keepalive finds a gateway that is gone: offline, then connected again when it is back", async () => {
    await withGateway({}, async (x, mk) => {
      const c = mk({ clientId: "ping2", keepalive: 1, retry: 200, retries: 2 });
      const ev: string[] = [];
      c.on("offline", () => ev.push("offline"));
      c.on("connected", () => ev.push("connected"));
      await up(c);
      await x.g.stop();
      await until(() => ev.includes("offline"), 4000, "offline");
      await x.g.start();
      await until(() => ev.length == 3 && c.state() == 3, 6000, "connected again");
      assert.equal(ev, ["connected", "offline", "connected"]);
    });
  });

  test("will: this gateway drops the client at WILLTOPIC; the double CONNECT gets the will to the broker when the client vanishes", async () => {
    // Paho MQTT-SN Gateway 1.5.1 marks a client disconnected on a CONNECT with the will flag and answers
    // its WILLTOPIC with DISCONNECT (upstream issue #248). A CONNECT without a will sent just before the one
    // with it gets a broker CONNACK that sets the client active again; WILLTOPIC/WILLMSG then pass.
    await withGateway({}, async (x, mk) => {
      const t = tap();
      // retry 3 s: the sequence below is exact, and under a loaded machine (a full npm test) the gateway
      // once took over the default 500 ms here to answer, so a retried CONNECT came into it.
      const c = mk({ clientId: "will1", keepalive: 1, retry: 3000, transport: t.transport, will: { topic: "will/t", payload: "gone", qos: 1 } });
      await up(c);
      assert.equal(t.sent.slice(0, 6), [0x04, 0x07, 0x04, 0x04, 0x07, 0x09], "CONNECT, WILLTOPIC, CONNECT without will, CONNECT with will, WILLTOPIC, WILLMSG");
      assert.equal(x.errors.map((e) => e.code), []);
      c.publish("w/ok", "still works", { qos: 1 });
      await until(() => x.seen.includes("w/ok=still works"), 3000, "publish after the will handshake");
      assert.not.ok(x.seen.includes("will/t=gone"), "no will while the client is alive");
      t.mute = true; // the client vanishes: the broker's keepalive (1.5 x 1 s) runs out
      await until(() => x.seen.includes("will/t=gone"), 6000, "the will");
    });
  });

  test("will: QoS 0 retained, clean=0: a subscriber that comes later gets it; end() (a DISCONNECT) sends none", async () => {
    await withGateway({}, async (x, mk) => {
      const quiet = mk({ clientId: "will3", keepalive: 1, will: { topic: "will/quiet", payload: "gone" } });
      await up(quiet);
      quiet.end();
      const t = tap();
      const c = mk({ clientId: "will4", clean: false, keepalive: 1, transport: t.transport, will: { topic: "will/r", payload: "gone", retain: true } });
      await up(c);
      // Both wills taken: an attempt whose will the gateway's race refused is made again with it (an error
      // "... trying again"); giving a will up ("connecting without one") fails here.
      assert.equal(x.errors.filter((e) => !/trying again/.test(e.message)).map((e) => e.code), [], "both wills taken");
      t.mute = true; // then the client's own keepalive gives up too ("timeout"), unheard
      await until(() => x.seen.includes("will/r=gone"), 6000, "the will");
      const late = await mqtt.connectAsync("mqtt://127.0.0.1:" + x.g.broker.port, { clientId: "late" + Math.random() });
      const got: string[] = [];
      late.on("message", (tp, p, pk) => got.push(tp + "=" + p + (pk.retain ? " retained" : "")));
      await late.subscribeAsync("will/#");
      await until(() => got.length > 0, 3000, "the retained will");
      await late.endAsync(true);
      assert.equal(got, ["will/r=gone retained"]);
      assert.not.ok(x.seen.includes("will/quiet=gone"), "no will after end()");
    });
  });

  test("will update: this gateway answers WILLTOPICUPD with 'not supported', an error event", async () => {
    await withGateway({}, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "will2", transport: t.transport });
      await up(c);
      c.updateWill({ topic: "will/b", payload: "b" });
      await until(() => x.errors.length > 0, 3000, "an error");
      assert.equal(x.errors.map((e) => e.code), ["not supported"]);
      assert.ok(t.got.includes(0x1b), "WILLTOPICRESP");
      c.publish("w/ok", "after", { qos: 1 });
      await until(() => x.seen.includes("w/ok=after"), 3000, "publish after the refusal");
    });
  });

  test("sleeping client: messages published while it sleeps arrive in an awake period", async () => {
    await withGateway({}, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "sleep1", transport: t.transport, binary: false });
      const got: string[] = [];
      c.on("message", (tp: string, p: string) => got.push(tp + "=" + p));
      let slept = 0;
      c.on("sleep", () => slept++);
      c.subscribe("z/#", { qos: 1 });
      await up(c);
      await until(() => t.got.includes(0x13), 3000, "SUBACK");
      c.sleep(4, 1.5);
      await until(() => c.state() == 4, 3000, "asleep");
      await x.m.publishAsync("z/1", "a", { qos: 1 });
      await x.m.publishAsync("z/2", "b", { qos: 1 });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(got, [], "nothing while asleep");
      await until(() => got.length == 2 && c.state() == 4 && slept >= 2, 5000, "messages collected, asleep again");
      assert.equal(got, ["z/1=a", "z/2=b"]);
      c.wake();
      await up(c, "active again");
      c.publish("z/3", "c", { qos: 1 });
      await until(() => got.includes("z/3=c"), 3000, "active: own message back");
    });
  });

  test("SEARCHGW by unicast: the gateway that answers GWINFO is used", async () => {
    await withGateway({}, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "search1", port: 1, search: { host: "127.0.0.1", port: x.g.port, radius: 1 }, transport: t.transport });
      await up(c);
      assert.equal(t.sent.slice(0, 2), [0x01, 0x04]);
      assert.is(t.got[0], 0x02);
      c.publish("s/t", "found", { qos: 1 });
      await until(() => x.seen.includes("s/t=found"), 3000, "publish through the found gateway");
    });
  });

  // ---- issue 28: session rules against the real gateway (each failed on the client before its fix)

  test("wake() with clean: true keeps the topic ids the gateway registered: a message after wake() is delivered, no 'invalid topic'", async () => {
    await withGateway({}, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "wake1", transport: t.transport, binary: false });
      const got: string[] = [];
      c.on("message", (tp: string, p: string) => got.push(tp + "=" + p));
      c.subscribe("wk/#", { qos: 1 });
      await up(c);
      await until(() => t.got.includes(0x13), 3000, "SUBACK");
      c.sleep(10, 1.5);
      await until(() => c.state() == 4, 3000, "asleep");
      await x.m.publishAsync("wk/a", "asleep", { qos: 1 });
      await until(() => got.length == 1 && c.state() == 4, 5000, "delivered in an awake period");
      c.wake();
      await up(c, "active again");
      assert.is(t.out.filter((h) => h.slice(2, 4) == "04").pop()!.slice(4, 6), "00", "wake()'s CONNECT: clean=0");
      await x.m.publishAsync("wk/a", "awake", { qos: 1 });
      await until(() => got.length == 2 || x.errors.length > 0, 3000, "the message after wake()");
      assert.equal(x.errors.map((e) => e.message), []);
      assert.equal(got, ["wk/a=asleep", "wk/a=awake"]);
    });
  });

  test("topics: 4 and 8 topics published to: the id the gateway registered for a subscribed topic stays, its messages arrive", async () => {
    await withGateway({}, async (x, mk) => {
      const c = mk({ clientId: "evict1", topics: 4, binary: false });
      const got: string[] = [];
      c.on("message", (tp: string, p: string) => got.push(tp + "=" + p));
      c.subscribe("cmd/#", { qos: 1 });
      await up(c);
      c.publish("ready", "1", { qos: 1 });
      await until(() => c.queued() == 0, 3000, "subscribed");
      await x.m.publishAsync("cmd/led", "on", { qos: 1 });
      await until(() => got.length == 1, 3000, "the first command");
      for (let k = 0; k < 8; k++) assert.ok(c.publish("out/" + k, "v" + k, { qos: 1 }));
      await until(() => c.queued() == 0, 5000, "8 topics published");
      await x.m.publishAsync("cmd/led", "off", { qos: 1 });
      await until(() => got.length == 2 || x.errors.length > 0, 3000, "the second command");
      assert.equal(x.errors.map((e) => e.message), []);
      assert.equal(got, ["cmd/led=on", "cmd/led=off"]);
    });
  });

  test("clean: false, QoS 0 readings over a gateway restart: the client registers the topic again on the new connection; readings arrive, no reconnect loop", async () => {
    // This gateway answers a QoS 0 PUBLISH to an id it does not know with no PUBACK: it forwards it with
    // an empty topic, the broker drops the gateway, and the gateway the client (DISCONNECT).
    await withGateway({}, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "rst0", clean: false, keepalive: 2, retry: 300, retries: 2, transport: t.transport });
      let connects = 0;
      c.on("connected", () => connects++);
      await up(c);
      c.publish("rs/t", "r0");
      await until(() => x.seen.includes("rs/t=r0"), 3000, "the first reading");
      await x.g.stop();
      await until(() => c.state() < 3, 5000, "the keepalive finds the gateway gone");
      await x.g.start();
      await until(() => connects == 2, 5000, "connected again (clean=0: the old topic id kept)");
      for (let k = 1; k <= 20; k++) {
        c.publish("rs/t", "r" + k);
        await new Promise((r) => setTimeout(r, 300));
      }
      const seen = x.seen.filter((s) => s.startsWith("rs/t="));
      assert.ok(seen.length >= 15, `${seen.length} readings of 21 arrived: ${seen.join(" ")}; ${connects} connects; PUBACKs ${t.raw.filter((h) => h.slice(2, 4) == "0d").join(" ")}`);
      assert.is(connects, 2, "connects");
      assert.is(t.out.filter((h) => h.slice(2, 4) == "0a").length, 2, "REGISTER again on the new connection");
    });
  });

  test("a client lost in an awake period connects again with clean=0: what the gateway buffered while it slept is delivered", async () => {
    await withGateway({}, async (x, mk) => {
      const t = tap();
      const c = mk({ clientId: "lostawake1", transport: t.transport, binary: false, retry: 300, retries: 2 });
      const got: string[] = [];
      const ev: string[] = [];
      c.on("message", (tp: string, p: string) => got.push(tp + "=" + p));
      c.on("offline", () => ev.push("offline"));
      c.subscribe("la/#", { qos: 1 });
      await up(c);
      await until(() => t.got.includes(0x13), 3000, "SUBACK");
      await x.m.publishAsync("la/1", "awake", { qos: 1 });
      await until(() => got.length == 1, 3000, "a message before sleeping (the gateway registers la/1)");
      c.sleep(20, 1);
      await until(() => c.state() == 4, 3000, "asleep");
      t.mute = true; // the awake period's PINGREQs go unanswered
      await x.m.publishAsync("la/1", "while asleep", { qos: 1 });
      await until(() => ev.length > 0, 5000, "lost in an awake period");
      t.mute = false;
      // The loss itself is an error (code "timeout"); any other one is a failure.
      const other = () => x.errors.filter((e) => e.code != "timeout").map((e) => e.message);
      await until(() => got.length > 1 || other().length > 0, 8000, "connected again, the buffered message delivered");
      assert.is(t.out.filter((h) => h.slice(2, 4) == "04").pop()!.slice(4, 6), "00", "the reconnect's CONNECT: clean=0");
      assert.equal(other(), []);
      assert.equal(got, ["la/1=awake", "la/1=while asleep"]);
    });
  });

  test("gateway restart: QoS 1 messages held meanwhile arrive afterwards, none lost, none twice", async () => {
    await withGateway({}, async (x, mk) => {
      const c = mk({ clientId: "rst1", retry: 300, retries: 2, storeSize: 8192 });
      await up(c);
      for (let i = 0; i < 5; i++) c.publish("r/t", "a" + i, { qos: 1 });
      await until(() => c.queued() == 0, 3000, "first batch acknowledged");
      await x.g.stop();
      for (let i = 0; i < 10; i++) assert.ok(c.publish("r/t", "b" + i, { qos: 1 }));
      await new Promise((r) => setTimeout(r, 1500));
      await x.g.start();
      await until(() => c.queued() == 0 && x.seen.length >= 15, 8000, "held messages delivered");
      await new Promise((r) => setTimeout(r, 300));
      const want = [0, 1, 2, 3, 4].map((i) => "r/t=a" + i).concat([...Array(10).keys()].map((i) => "r/t=b" + i));
      assert.equal(x.seen, want);
    });
  });
}

test.run();
