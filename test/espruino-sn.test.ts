// The MQTT-SN device bundle (build/mqttiny-sn.min.js) on the real Espruino interpreter, ESP8266 and ESP32
// layouts, against the real Eclipse Paho MQTT-SN gateway and a mosquitto started for each test; an MQTT.js
// subscriber on the broker says what arrived, and where a test needs the wire, a UDP relay in front of the
// gateway records the message types. The bundle loads from Storage, as `npm run flash` puts it on a board;
// every test prints what it measured.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import mqtt from "mqtt";
import dgram from "node:dgram";
import { DEVICE_SN, DEVICE_SN_LITE } from "./bundle-helpers";
import { haveBoards, deviceRun, loadModule, results, deviceErrors, until, sleep } from "./espruino-helpers";
import { haveGateway, startGateway, freeUdpPort } from "./sn-gateway";

const t = suite("espruino: MQTT-SN client");

const PREDEF = 100;

type Relay = { port: number; up: number[]; down: number[]; seq: string[]; raw: string[]; block: boolean; close: () => void };

/**
 * mosquitto + the gateway (predefined "sn/predef" = 100 for every client; `qosm1`: QoS -1 senders by
 * source port), a subscriber on sn/#, then `body` (ES5, after `lib` is loaded and `G` is the gateway's
 * port; with `relay`, `R` is the port of a relay in front of it, see relay()) on `board`; `test` checks;
 * everything is stopped after.
 */
async function onDevice(board: string, o: { body: string; qosm1?: [string, number, string][]; relay?: boolean; watch?: string[]; bundle?: string }, test: (x: { h: any; r: () => Record<string, any>; got: [string, string][]; w: mqtt.MqttClient; rl: Relay; g: Awaited<ReturnType<typeof startGateway>> }) => Promise<void>) {
  const g = await startGateway({ predefined: [["*", "sn/predef", PREDEF]], clients: o.qosm1 });
  // Everything made after the gateway is undone in the finally, also when making it fails (a missing
  // bundle makes deviceRun throw): a gateway left running keeps the test process from exiting.
  let w: mqtt.MqttClient | null = null;
  let rl: Relay | null = null;
  let h: ReturnType<typeof deviceRun> | null = null;
  try {
    w = await mqtt.connectAsync(`mqtt://127.0.0.1:${g.broker.port}`, { clientId: "watch" });
    const got: [string, string][] = [];
    w.on("message", (topic, p) => got.push([topic, p.toString()]));
    await w.subscribeAsync(["sn/#", ...(o.watch || [])], { qos: 1 });
    rl = o.relay ? await relay(g.port) : null;
    const d = (h = deviceRun(board, {
      storage: { mqttiny: o.bundle || DEVICE_SN },
      timeoutMs: 60000,
      program: `var G = ${g.port}${rl ? ", R = " + rl.port : ""};\n` + loadModule("mqttiny", o.bundle || DEVICE_SN, "storage") + `function fail(e) { out("error", { code: e.code, message: e.message }); }\n` + o.body,
    }));
    await test({ h: d, r: () => results(d.lines.join("\n")), got, w, rl: rl!, g });
  } catch (e) {
    console.log(`  gateway log, last lines:\n${g.log.slice(-25).join("\n")}`);
    throw e;
  } finally {
    if (h) {
      h.kill();
      await h.done;
    }
    w?.end(true);
    rl?.close();
    await g.close();
  }
}

/**
 * A UDP relay on loopback in front of the gateway at port `to`: the device is pointed at `port`, and
 * `up` / `down` list the MQTT-SN message types the device sent and the gateway answered, as they passed;
 * `seq` both in one list, in order, as hex with the direction: ">16" device to gateway, "<17" back;
 * `raw` the device's datagrams in hex. While `block` is set nothing passes either way (and nothing is recorded).
 */
async function relay(to: number): Promise<Relay> {
  const dev = dgram.createSocket("udp4");
  const gw = dgram.createSocket("udp4");
  await Promise.all([dev, gw].map((s) => new Promise<void>((r) => s.bind(0, "127.0.0.1", r))));
  const type = (d: Buffer) => (d[0] == 1 ? d[3] : d[1]);
  let open = true;
  // Closing is also how a test makes the device vanish, so the final close may be a second one.
  const x: Relay = { port: dev.address().port, up: [], down: [], seq: [], raw: [], block: false, close: () => open && ((open = false), dev.close(), gw.close()) };
  const hex = (y: number) => (y < 16 ? "0" : "") + y.toString(16);
  let from: dgram.RemoteInfo | null = null;
  dev.on("message", (d, ri) => {
    from = ri;
    if (x.block) return;
    x.raw.push(d.toString("hex"));
    x.up.push(type(d));
    x.seq.push(">" + hex(type(d)));
    gw.send(d, to, "127.0.0.1");
  });
  gw.on("message", (d) => {
    if (x.block) return;
    x.down.push(type(d));
    x.seq.push("<" + hex(type(d)));
    if (from) dev.send(d, from.port, from.address);
  });
  return x;
}

const noErrors = (h: any, r: Record<string, any>) => {
  assert.equal(deviceErrors(h.lines.join("\n")), [], h.lines.join("\n"));
  assert.is(r.error, undefined, JSON.stringify(r.error));
};

const gateway = haveGateway(t);
if (gateway)
  for (const board of ["esp8266", "esp32"]) {
    if (!haveBoards(t, [board])) continue;

    // Issue 29: the MQTT-SN lite build too, on the ESP8266 layout it is for.
    for (const [b, file] of board == "esp8266" ? [["full", DEVICE_SN], ["sn-lite", DEVICE_SN_LITE]] : [["full", DEVICE_SN]]) {
    t(`${board}${b == "full" ? "" : " [" + b + "]"}: connect, REGISTER + publish QoS 0 and QoS 1, a predefined-id QoS 1 publish: the broker's subscriber gets all three; blocks of a connected client`, async () => {
      const body = `
var m1 = mem().usage;
var c = lib.connect({ host: "127.0.0.1", port: G, clientId: "dev-${board}", keepalive: 30, predefined: { "sn/predef": ${PREDEF} } });
c.on("error", fail);
var made = mem().usage - m1;
c.on("connected", function () {
  out("connected", { blocks: mem().usage - m1, created: made, free: mem().free, state: c.state() });
  out("sent", [c.publish("sn/reg", "qos0", { qos: 0 }), c.publish("sn/reg", "qos1", { qos: 1 }), c.publish("sn/predef", "predefined", { qos: 1 })]);
  (function wait() { if (c.queued()) return setTimeout(wait, 50); out("acked", { blocks: mem().usage - m1, free: mem().free }); })();
});
`;
      await onDevice(board, { bundle: file, body }, async ({ h, r, got }) => {
        await until(() => r().acked != null || r().error != null || deviceErrors(h.lines.join("\n")).length > 0, 40000, "the three publishes acknowledged", h);
        await until(() => got.length >= 3, 5000, "three messages at the subscriber");
        const x = r();
        noErrors(h, x);
        assert.equal(x.sent, [true, true, true]);
        assert.is(x.connected.state, 3);
        assert.equal(got.slice().sort(), [["sn/predef", "predefined"], ["sn/reg", "qos0"], ["sn/reg", "qos1"]]);
        console.log(`  ${board}${b == "full" ? "" : " " + b}: module +${x.load.blocks} blocks (from Storage), client created +${x.connected.created}, connected +${x.connected.blocks} (free ${x.connected.free}), after the PUBACKs +${x.acked.blocks} (free ${x.acked.free}); subscriber: ${got.map((g) => g.join(" ")).join(", ")}`);
      });
    });

    t(`${board}${b == "full" ? "" : " [" + b + "]"}: QoS -1 publish with a predefined id, no CONNECT, from the port the gateway lists as a QoS -1 client: the subscriber gets it`, async () => {
      const port = await freeUdpPort();
      const body = `
var c = lib.connect({ host: "127.0.0.1", port: G, passive: true, localPort: ${port}, clientId: "qm1", predefined: { "sn/predef": ${PREDEF} } });
c.on("error", fail);
// The gateway's QoS -1 proxy connects to the broker about 2 s after the gateway starts, and drops what
// comes before: the device sends a reading every 300 ms, as a QoS -1 sensor would, 20 times.
var n = 0;
(function next() { out("sent" + n, [c.publish("sn/predef", "minus one " + n, { qos: -1 }), c.state()]); if (++n < 20) setTimeout(next, 300); })();
`;
      await onDevice(board, { bundle: file, body, qosm1: [["qm1", port, "QoS-1"]] }, async ({ h, r, got }) => {
        await until(() => got.length >= 1 || r().error != null, 20000, "a QoS -1 message at the subscriber", h);
        noErrors(h, r());
        assert.is(r().sent0[0], true);
        assert.is(r().sent0[1], 0, "no CONNECT: the client stays offline");
        for (const [topic, msg] of got) assert.ok(topic == "sn/predef" && /^minus one \d+$/.test(msg), topic + " " + msg);
        console.log(`  ${board}${b == "full" ? "" : " " + b}: QoS -1 from 127.0.0.1:${port} without CONNECT -> subscriber: ${got[0].join(" ")} (the first after the gateway's QoS -1 proxy came up)`);
      });
    });
    }

    t(`${board}: subscribe (QoS 1), then a message published on the broker reaches the callback with its topic name`, async () => {
      // One request is in flight at a time (spec 6.13): once the QoS 1 publish made after subscribe() is
      // acknowledged, the SUBSCRIBE before it has its SUBACK.
      const body = `
var c = lib.connect({ host: "127.0.0.1", port: G, clientId: "sub-${board}" });
c.on("error", fail);
c.subscribe("sn/cmd/+", { qos: 1, onMessage: function (topic, msg) { out("got", [topic, msg, mem().free]); } });
c.on("connected", function () {
  c.publish("sn/ready", "1", { qos: 1 });
  (function wait() { if (c.queued()) return setTimeout(wait, 50); out("ready", mem().free); })();
});
`;
      await onDevice(board, { body }, async ({ h, r, w }) => {
        await until(() => r().ready != null || r().error != null, 30000, "the device to subscribe", h);
        await w.publishAsync("sn/cmd/led", "on", { qos: 1 });
        await until(() => r().got != null || r().error != null, 15000, "the delivery", h);
        noErrors(h, r());
        assert.equal(r().got.slice(0, 2), ["sn/cmd/led", "on"]);
        console.log(`  ${board}: delivered ${JSON.stringify(r().got.slice(0, 2))}; free when subscribed ${r().ready}, in the callback ${r().got[2]}`);
      });
    });
  }

// The rest of the MQTT-SN protocol that test/sn-client.test.ts covers on Node, on both layouts: sleeping,
// SEARCHGW, unsubscribe, keepalive, the will, short names, inbound QoS 2, a gateway restart.
if (gateway)
  for (const board of ["esp8266", "esp32"]) {
  if (!haveBoards(t, [board])) continue;

  t(`${board}: sleeping client: QoS 1 messages published on the broker while it sleeps are delivered in its next awake period, then it sleeps again`, async () => {
    // sleep(4, 1.5): DISCONNECT with a 4 s duration, an awake period (PINGREQ with the client id) every
    // 1.5 s. The state at each delivery says when it came: 5 = in an awake period; `sleeps` = after which sleep.
    const body = `
var n = 0, sleeps = 0;
var c = lib.connect({ host: "127.0.0.1", port: R, clientId: "zz-${board}" });
c.on("error", fail);
c.on("sleep", function () { sleeps++; out("sleep" + sleeps, { state: c.state(), free: mem().free }); });
c.subscribe("sn/z/#", { qos: 1, onMessage: function (topic, msg) { n++; out("got" + n, [topic, msg, c.state(), sleeps]); } });
c.on("connected", function () { c.sleep(4, 1.5); });
`;
    await onDevice(board, { body, relay: true }, async ({ h, r, w, rl }) => {
      await until(() => r().sleep1 != null || r().error != null, 30000, "the device to subscribe and go to sleep", h);
      assert.is(r().sleep1.state, 4, "asleep");
      const t0 = Date.now();
      await w.publishAsync("sn/z/1", "a", { qos: 1 });
      await w.publishAsync("sn/z/2", "b", { qos: 1 });
      assert.is(r().got1, undefined, "nothing delivered while asleep");
      await until(() => (r().got2 != null && r().sleep2 != null) || r().error != null, 15000, "both messages, then asleep again", h);
      const x = r();
      noErrors(h, x);
      assert.equal(x.got1, ["sn/z/1", "a", 5, 1]);
      assert.equal(x.got2, ["sn/z/2", "b", 5, 1]);
      assert.is(x.got3, undefined, "delivered once");
      assert.is(x.sleep2.state, 4);
      // On the wire: DISCONNECT with the duration and its answer, then the awake period's PINGREQ before
      // the first PUBLISH the gateway buffered, and its PINGRESP after.
      const seq = rl.seq.join(" ");
      const z = rl.seq.indexOf("<18");
      const pub = rl.seq.indexOf("<0c", z);
      assert.ok(rl.seq.indexOf(">18") >= 0 && z > rl.seq.indexOf(">18"), "DISCONNECT answered: " + seq);
      assert.ok(pub > z && rl.seq.slice(z, pub).includes(">16"), "a PINGREQ before the buffered PUBLISH: " + seq);
      assert.ok(rl.seq.slice(pub).includes("<17"), "a PINGRESP after it: " + seq);
      console.log(`  ${board}: asleep (free ${x.sleep1.free}); published 2 on the broker; delivered in the awake period after the first sleep, ${Date.now() - t0} ms after publishing until asleep again (free ${x.sleep2.free}); wire: ${rl.seq.join(" ")}`);
    });
  });

  t(`${board}: SEARCHGW by unicast: the address that answers GWINFO is the gateway: CONNECT to it, and a QoS 1 publish reaches the subscriber`, async () => {
    // The client's own gateway address is port 1 (nothing there): only the GWINFO answer can lead it to
    // the gateway. The search goes through a relay, which records the message types on the wire.
    const body = `
var c = lib.connect({ host: "127.0.0.1", port: 1, search: { host: "127.0.0.1", port: R }, clientId: "find-${board}" });
c.on("error", fail);
c.on("connected", function () {
  out("connected", { state: c.state(), attempts: c.attempts });
  c.publish("sn/found", "via GWINFO", { qos: 1 });
  (function wait() { if (c.queued()) return setTimeout(wait, 50); out("acked", mem().free); })();
});
`;
    await onDevice(board, { body, relay: true }, async ({ h, r, got, rl }) => {
      await until(() => r().acked != null || r().error != null, 30000, "connected through the found gateway, the publish acknowledged", h);
      await until(() => got.some((m) => m[0] == "sn/found"), 5000, "the message at the subscriber");
      const x = r();
      noErrors(h, x);
      assert.equal(x.connected, { state: 3, attempts: 1 });
      assert.equal(rl.up.slice(0, 2), [0x01, 0x04], "SEARCHGW, then CONNECT: " + rl.up.join(" "));
      assert.equal(rl.down.slice(0, 2), [0x02, 0x05], "GWINFO, then CONNACK: " + rl.down.join(" "));
      assert.equal(got, [["sn/found", "via GWINFO"]]);
      console.log(`  ${board}: wire (types) device -> ${rl.up.map((y) => y.toString(16)).join(" ")}, gateway -> ${rl.down.map((y) => y.toString(16)).join(" ")}; publish acknowledged (free ${x.acked}); subscriber: sn/found via GWINFO`);
    });
  });

  t(`${board}: unsubscribe: after UNSUBACK a message on the filter is not delivered (one on a kept subscription published after it is)`, async () => {
    // The device unsubscribes in the callback of the first message, then makes a QoS 1 publish: one
    // request at a time (spec 6.13), so once it is acknowledged the UNSUBACK came. The broker then gets a
    // message on the dropped filter and one on "sn/ctl", still subscribed: when that one has arrived,
    // the one before it would have too.
    const body = `
var n = 0;
var c = lib.connect({ host: "127.0.0.1", port: G, clientId: "uns-${board}" });
c.on("error", fail);
c.subscribe("sn/u/+", { qos: 1, onMessage: function (topic, msg) {
  out("u" + (++n), [topic, msg]);
  if (n > 1) return;
  c.unsubscribe("sn/u/+");
  c.publish("sn/unsub", "1", { qos: 1 });
  (function wait() { if (c.queued()) return setTimeout(wait, 50); out("unsubscribed", mem().free); })();
} });
c.subscribe("sn/ctl", { qos: 1, onMessage: function (topic, msg) { out("ctl", msg); } });
c.on("connected", function () {
  c.publish("sn/ready", "1", { qos: 1 });
  (function wait() { if (c.queued()) return setTimeout(wait, 50); out("ready", mem().free); })();
});
`;
    await onDevice(board, { body }, async ({ h, r, w, got }) => {
      await until(() => r().ready != null || r().error != null, 30000, "the device to subscribe", h);
      await w.publishAsync("sn/u/a", "1", { qos: 1 });
      await until(() => r().unsubscribed != null || r().error != null, 15000, "the first message and the unsubscribe", h);
      await w.publishAsync("sn/u/b", "2", { qos: 1 });
      await w.publishAsync("sn/ctl", "after", { qos: 1 });
      await until(() => r().ctl != null || r().error != null, 15000, "the message on the kept subscription", h);
      await sleep(300);
      const x = r();
      noErrors(h, x);
      assert.equal(x.u1, ["sn/u/a", "1"]);
      assert.is(x.u2, undefined, "delivered after unsubscribe: " + JSON.stringify(x.u2));
      assert.is(x.ctl, "after");
      assert.ok(got.some((m) => m[0] == "sn/u/b" && m[1] == "2"), "the broker's subscriber got sn/u/b");
      console.log(`  ${board}: sn/u/a delivered, unsubscribed (free ${x.unsubscribed}); sn/u/b (at the broker's subscriber) not delivered, sn/ctl after it delivered`);
    });
  });

  t(`${board}: keepalive 1 s, idle: PINGREQ answered by PINGRESP keep it connected for 5 keepalive periods (no offline, no reconnect)`, async () => {
    // retry 500 ms, retries 2: a PINGREQ unanswered for 1.5 s would make the client offline. A relay
    // counts the PINGREQs and PINGRESPs on the wire.
    const body = `
var c = lib.connect({ host: "127.0.0.1", port: R, clientId: "ka-${board}", keepalive: 1, retry: 500, retries: 2 });
c.on("error", fail);
c.on("offline", function () { out("offline", 1); });
c.on("connected", function () {
  out("connected", c.attempts);
  setTimeout(function () { out("after", { state: c.state(), attempts: c.attempts, free: mem().free }); }, 5000);
});
`;
    await onDevice(board, { body, relay: true }, async ({ h, r, rl }) => {
      await until(() => r().connected != null || r().error != null, 30000, "connected", h);
      await until(() => r().after != null || r().error != null || r().offline != null, 15000, "5 s connected", h);
      const x = r();
      noErrors(h, x);
      assert.is(x.offline, undefined, "offline");
      assert.equal(x.after.state, 3);
      assert.is(x.after.attempts, 1, "no reconnect");
      const ping = rl.up.filter((y) => y == 0x16).length;
      const pong = rl.down.filter((y) => y == 0x17).length;
      assert.ok(ping >= 4 && pong >= 4, `PINGREQ ${ping}, PINGRESP ${pong}; device sent ${rl.up.join(" ")}, got ${rl.down.join(" ")}`);
      assert.equal(rl.up.filter((y) => y != 0x16), [0x04], "nothing but CONNECT and PINGREQs");
      console.log(`  ${board}: 5 s idle with keepalive 1: ${ping} PINGREQ / ${pong} PINGRESP, still connected, 1 attempt (free ${x.after.free})`);
    });
  });

  t(`${board}: a short topic name; inbound QoS 2 delivered once; the gateway restarts while 5 QoS 1 readings are held: all 5 arrive, in order, none twice`, async () => {
    const body = `
var errs = 0, connects = 0, once = 0, got = {};
var c = lib.connect({ host: "127.0.0.1", port: G, clientId: "rs-${board}", keepalive: 2, retry: 500, retries: 2, reconnectMin: 200, reconnectMax: 1000 });
c.on("error", function (e) { out("err" + errs++, e.code); });
c.subscribe("sn/q2/+", { qos: 2, onMessage: function (t, m) { got[t] = (got[t] || 0) + 1; out("got", got); } });
c.on("connected", function () { out("connected", ++connects); if (connects == 1) c.publish("s1", "short", { qos: 1 }); });
// Offline (the gateway is gone): five readings, held until it is back.
c.on("offline", function () { if (once++) return; for (var i = 0; i < 5; i++) c.publish("sn/held", "h" + i, { qos: 1 }); out("held", { n: c.queued(), free: mem().free }); });
`;
    await onDevice(board, { body, watch: ["s1"] }, async ({ h, r, got, w, g }) => {
      await until(() => r().connected >= 1 && got.some((m) => m[0] == "s1"), 30000, "connected, s1 at the subscriber", h);
      assert.equal(got.filter((m) => m[0] == "s1"), [["s1", "short"]]);
      await sleep(1500); // the SUBSCRIBE's round trip through the gateway
      await w.publishAsync("sn/q2/a", "exactly once", { qos: 2 });
      await until(() => r().got != null, 10000, "the QoS 2 message", h);
      await sleep(1500);
      assert.equal(r().got, { "sn/q2/a": 1 });
      await g.stop();
      await until(() => r().held != null, 15000, "offline, readings held", h);
      assert.is(r().held.n, 5);
      await g.start();
      await until(() => got.filter((m) => m[0] == "sn/held").length >= 5, 30000, "the held readings after the restart", h);
      await sleep(1000);
      assert.equal(got.filter((m) => m[0] == "sn/held").map((m) => m[1]), ["h0", "h1", "h2", "h3", "h4"]);
      assert.ok(r().connected >= 2, "connected again");
      assert.equal(deviceErrors(h.lines.join("\n")), []);
      console.log(`  ${board}: s1 (short name) and a QoS 2 message delivered once; 5 readings held over a gateway restart (free ${r().held.free}), all 5 delivered in order, none twice; ${r().connected} connects`);
    });
  });

  // ---- issue 28: the session rules on the board, against the real gateway

  /** The flags byte of each CONNECT the device sent through the relay (04 = clean). */
  const connectFlags = (rl: Relay) => rl.raw.filter((h) => h.slice(2, 4) == "04").map((h) => h.slice(4, 6));

  /** Device code: subscribe to `filter` (QoS 1), `got<n>` for each message, `connected<n>`, `ready` once the SUBSCRIBE is acknowledged. */
  const subscriber = (id: string, filter: string, opts: string, onMsg: string) => `
var n = 0, connects = 0;
var c = lib.connect({ host: "127.0.0.1", port: R, clientId: "${id}"${opts} });
c.on("sleep", function () { out("asleep", c.state()); });
c.on("offline", function () { out("offline", 1); });
c.subscribe("${filter}", { qos: 1, onMessage: function (topic, msg) { n++; out("got" + n, [topic, msg, c.state()]); ${onMsg} } });
c.on("connected", function () {
  out("connected" + (++connects), mem().free);
  if (connects > 1) return;
  c.publish("sn/ready", "1", { qos: 1 });
  (function wait() { if (c.queued()) return setTimeout(wait, 50); out("ready", 1); })();
});
`;

  t(`${board}: wake() with clean: true sends CONNECT with clean=0 and keeps the topic id the gateway registered before the sleep: the message after wake() is delivered`, async () => {
    const body = subscriber(`wk-${board}`, "sn/wk/+", "", "if (n == 1) c.sleep(30, 1); if (n == 2) c.wake();") + `c.on("error", fail);\n`;
    await onDevice(board, { body, relay: true }, async ({ h, r, w, rl }) => {
      await until(() => r().ready != null || r().error != null, 30000, "subscribed", h);
      await w.publishAsync("sn/wk/a", "before", { qos: 1 });
      await until(() => r().asleep != null || r().error != null, 15000, "the first message, then asleep", h);
      await w.publishAsync("sn/wk/a", "asleep", { qos: 1 });
      await until(() => r().connected2 != null || r().error != null, 15000, "delivered in an awake period, then wake()", h);
      await w.publishAsync("sn/wk/a", "after", { qos: 1 });
      await until(() => r().got3 != null || r().error != null, 10000, "the message after wake()", h);
      const x = r();
      noErrors(h, x);
      assert.equal([x.got1, x.got2, x.got3], [["sn/wk/a", "before", 3], ["sn/wk/a", "asleep", 5], ["sn/wk/a", "after", 3]]);
      assert.equal(connectFlags(rl), ["04", "00"], "the first CONNECT clean, wake()'s not: " + rl.seq.join(" "));
      console.log(`  ${board}: before the sleep, in an awake period, after wake() (CONNECT flags ${connectFlags(rl).join(", ")}): all three delivered; wire: ${rl.seq.join(" ")}`);
    });
  });

  t(`${board}: lost in an awake period (its PINGREQs unanswered), the client connects again with clean=0: the message the gateway buffered while it slept is delivered`, async () => {
    // retry 500 ms, retries 2: an awake period unanswered for 1.5 s loses the gateway. The loss is an
    // error with code "timeout"; any other error fails the test.
    const body = subscriber(`lz-${board}`, "sn/lz/+", ", retry: 500, retries: 2, reconnectMin: 200, reconnectMax: 1000", "if (n == 1) c.sleep(30, 1);") + `c.on("error", function (e) { if (e.code != "timeout") fail(e); });\n`;
    await onDevice(board, { body, relay: true }, async ({ h, r, w, rl }) => {
      await until(() => r().ready != null || r().error != null, 30000, "subscribed", h);
      await w.publishAsync("sn/lz/a", "before", { qos: 1 });
      await until(() => r().asleep != null || r().error != null, 15000, "the first message, then asleep", h);
      rl.block = true;
      await w.publishAsync("sn/lz/a", "asleep", { qos: 1 });
      await until(() => r().offline != null, 15000, "lost in an awake period", h);
      rl.block = false;
      await until(() => r().got2 != null || r().error != null, 15000, "connected again, the buffered message", h);
      const x = r();
      noErrors(h, x);
      assert.equal(x.got2, ["sn/lz/a", "asleep", 3]);
      assert.equal(connectFlags(rl), ["04", "00"], "the reconnect's CONNECT: clean=0: " + rl.seq.join(" "));
      console.log(`  ${board}: lost asleep, connected again with CONNECT flags ${connectFlags(rl)[1]}: the buffered message delivered; wire after the block: ${rl.seq.slice(rl.seq.lastIndexOf(">04")).join(" ")}`);
    });
  });

  t(`${board}: publishing to 17 topics with the board's table of 16 keeps the id the gateway registered for a subscribed topic: the next command arrives`, async () => {
    const body =
      subscriber(`ev-${board}`, "sn/cmd/+", "", `if (n > 1) return; for (var k = 0; k < 17; k++) c.publish("sn/out/" + k, "v" + k, { qos: 1 });
  (function wait() { if (c.queued()) return setTimeout(wait, 50); out("sent", mem().free); })();`) + `c.on("error", fail);\n`;
    await onDevice(board, { body, relay: true }, async ({ h, r, w, got }) => {
      await until(() => r().ready != null || r().error != null, 30000, "subscribed", h);
      await w.publishAsync("sn/cmd/led", "on", { qos: 1 });
      await until(() => r().sent != null || r().error != null, 30000, "the command, then 17 topics published", h);
      await w.publishAsync("sn/cmd/led", "off", { qos: 1 });
      await until(() => r().got2 != null || r().error != null, 10000, "the next command", h);
      const x = r();
      noErrors(h, x);
      assert.equal([x.got1, x.got2], [["sn/cmd/led", "on", 3], ["sn/cmd/led", "off", 3]]);
      assert.is(got.filter((m) => m[0].startsWith("sn/out/")).length, 17);
      console.log(`  ${board}: 17 topics published (free ${x.sent}), the command after them delivered`);
    });
  });

  t(`${board}: clean: false, a QoS 0 reading every 300 ms over a gateway restart: the topic is registered again on the new connection, readings arrive again, no reconnect loop`, async () => {
    const body = `
var n = 0, connects = 0;
var c = lib.connect({ host: "127.0.0.1", port: G, clientId: "r0-${board}", clean: false, keepalive: 2, retry: 500, retries: 2, reconnectMin: 200, reconnectMax: 1000 });
c.on("error", function (e) { if (e.code != "timeout" && e.code != "gateway") fail(e); });
c.on("offline", function () { out("offline", n); });
c.on("connected", function () { out("connected" + (++connects), n); });
setInterval(function () { c.publish("sn/rd", "r" + n++); }, 300);
`;
    await onDevice(board, { body }, async ({ h, r, got, g }) => {
      const readings = () => got.filter((m) => m[0] == "sn/rd").length;
      await until(() => readings() >= 3 || r().error != null, 30000, "readings", h);
      await g.stop();
      await until(() => r().offline != null, 15000, "the keepalive finds the gateway gone", h);
      await g.start();
      await until(() => r().connected2 != null, 15000, "connected again", h);
      const from = readings();
      await sleep(4000);
      const x = r();
      noErrors(h, x);
      const after = readings() - from;
      assert.is(x.connected3, undefined, "a third connect: " + JSON.stringify(x));
      assert.ok(after >= 8, after + " readings in the 4 s after the reconnect");
      console.log(`  ${board}: ${from} readings before the restart, ${after} in the 4 s after the reconnect; 2 connects`);
    });
  });

  t(`${board}: will (QoS 1, retained) through the gateway's double-CONNECT work-around; the device goes silent and the broker publishes the will`, async () => {
    const body = `
var c = lib.connect({ host: "127.0.0.1", port: R, clientId: "will-${board}", keepalive: 1, will: { topic: "sn/will", payload: "gone", qos: 1, retain: true } });
c.on("error", fail);
c.on("connected", function () { out("connected", { attempts: c.attempts, free: mem().free }); });
`;
    await onDevice(board, { body, relay: true }, async ({ h, r, got, rl }) => {
      await until(() => r().connected != null || r().error != null, 30000, "connected", h);
      const x = r();
      noErrors(h, x);
      assert.is(x.connected.attempts, 1);
      assert.equal(rl.up.slice(0, 6), [0x04, 0x07, 0x04, 0x04, 0x07, 0x09], "CONNECT, WILLTOPIC (refused), CONNECT, CONNECT with the will, WILLTOPIC, WILLMSG: " + rl.seq.join(" "));
      assert.not.ok(got.some((m) => m[0] == "sn/will"), "no will while the device is alive");
      const seq = rl.seq.join(" ");
      rl.close(); // the device's datagrams go nowhere now: to the gateway it is gone
      await until(() => got.some((m) => m[0] == "sn/will"), 8000, "the will at the broker's subscriber");
      assert.equal(got.filter((m) => m[0] == "sn/will"), [["sn/will", "gone"]]);
      console.log(`  ${board}: will delivered after the device went silent (free when connected ${x.connected.free}); wire: ${seq}`);
    });
  });
}

// Espruino's dgram cuts an inbound datagram to 528 bytes (README, "UDP on Espruino"): a longer MQTT-SN
// PUBLISH cannot reach a board. What the client does with the cut one: a "malformed" error naming the
// decoder's code, no delivery, no PUBACK; the next message arrives as usual.
if (gateway && haveBoards(t, ["esp32"]))
  t("esp32: an inbound PUBLISH over 528 bytes arrives cut: an error (malformed datagram, -1), not delivered; 500 bytes before and 10 after are delivered", async () => {
    const body = `
var c = lib.connect({ host: "127.0.0.1", port: G, clientId: "big" });
c.on("error", function (e) { out("error", { code: e.code, message: e.message }); });
c.subscribe("sn/big/+", { qos: 1, onMessage: function (topic, msg) { out("got_" + topic.substr(7), msg.length); } });
c.on("connected", function () {
  c.publish("sn/ready", "1", { qos: 1 });
  (function wait() { if (c.queued()) return setTimeout(wait, 50); out("ready", 1); })();
});
`;
    await onDevice("esp32", { body }, async ({ h, r, w }) => {
      await until(() => r().ready != null, 30000, "the device to subscribe", h);
      await w.publishAsync("sn/big/a", "x".repeat(500), { qos: 1 });
      await w.publishAsync("sn/big/b", "y".repeat(600), { qos: 1 });
      await w.publishAsync("sn/big/c", "z".repeat(10), { qos: 1 });
      await until(() => r().got_c != null, 15000, "the message after the long one", h);
      const x = r();
      assert.equal(deviceErrors(h.lines.join("\n")), [], h.lines.join("\n"));
      assert.is(x.got_a, 500);
      assert.is(x.got_b, undefined);
      assert.is(x.got_c, 10);
      assert.is(x.error.code, -1, JSON.stringify(x.error));
      assert.match(x.error.message, /^malformed datagram from 127\.0\.0\.1:\d+ \(-1\)$/);
      console.log(`  esp32: 500-byte payload delivered; 600-byte payload (a 610-byte datagram): ${JSON.stringify(x.error)}, not delivered; the next one delivered`);
    });
  });

// The transport's own edge, no gateway needed: Espruino's bind() throws on a port in use and leaves the
// socket closed (README, "UDP on Espruino"); the client must get an error, not an uncaught exception.
if (haveBoards(t, ["esp8266"]))
  t("esp8266: localPort already in use: an error with code socket from the client, nothing uncaught, and publish() still returns", async () => {
    const taken = dgram.createSocket("udp4");
    await new Promise<void>((r) => taken.bind(0, "127.0.0.1", r));
    const port = taken.address().port;
    const h = deviceRun("esp8266", {
      storage: { mqttiny: DEVICE_SN },
      timeoutMs: 30000,
      program:
        loadModule("mqttiny", DEVICE_SN, "storage") +
        `var c = lib.connect({ host: "127.0.0.1", port: 9, passive: true, localPort: ${port}, clientId: "qm1", predefined: { "sn/predef": 1 } });
c.on("error", function (e) { out("error", { code: e.code, message: e.message }); });
setTimeout(function () { out("sent", c.publish("sn/predef", "x", { qos: -1 })); c.end(); }, 300);
`,
    });
    try {
      await until(() => results(h.lines.join("\n")).sent != null, 20000, "the publish after the failed bind", h);
      const x = results(h.lines.join("\n"));
      assert.equal(h.lines.filter((l: string) => /Uncaught/.test(l)), [], h.lines.join("\n"));
      assert.is(x.error.code, "socket", JSON.stringify(x.error));
      assert.match(x.error.message, /Unable to create socket/);
      console.log(`  esp8266: bind to a taken port -> ${JSON.stringify(x.error)}; publish() returned ${x.sent}`);
    } finally {
      h.kill();
      await h.done;
      taken.close();
    }
  });

t.run();
