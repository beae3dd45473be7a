// The MQTT-SN client on the simulator's datagram mode (test/sim/datagram.ts): virtual time, seeded loss,
// duplication and reordering, a scripted gateway whose broker side records what was delivered. Each test
// runs twice: on the TypeScript source, and on the built device bundle (build/mqttiny-sn.min.js, with its
// byte-String codec) fed byte Strings as Espruino's dgram gives them. Each test names the behaviour it proves.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { virtualClock } from "./sim/clock";
import { createDatagramNet } from "./sim/datagram";
import type { DatagramNetOptions } from "./sim/datagram";
import { createSnClient } from "../src/sn/client";
import type { SnOptions } from "../src/sn/client";
import { snEncode } from "../src/sn/codec";
import { loadBundle, E } from "./sim/setup";
import { rng } from "./sim/rng.mjs";

type Create = (o: SnOptions) => ReturnType<typeof createSnClient>;
const impls: [string, Create, DatagramNetOptions][] = [
  ["src", createSnClient, {}],
  ["min", (o) => loadBundle("build/mqttiny-sn.min.js", { E }).connect(o), { strings: true }],
  // Issue 29: the MQTT-SN lite build (no subscribe, no will, error messages as their code).
  ["sn-lite", (o) => loadBundle("build/mqttiny-sn-lite.min.js", { E }).connect(o), { strings: true }],
];
let create: Create = createSnClient;
let netDefaults: DatagramNetOptions = {};
let cur = "src";

/** Each impl's features (src/features.ts, lower case), as test/sim/setup.ts lists them for MQTT. */
const has: Record<string, string[]> = { src: ["sub", "will", "text"], min: ["sub", "will", "text"], "sn-lite": [] };

/**
 * A subscription the test only sets the scene with (the scripted gateway sends what the test tells it):
 * made on a build that has subscribe; on MQTT-SN lite inbound messages still arrive, to `message`.
 */
const sub = (r: { c: any }, f: string, o: any) => has[cur].includes("sub") && r.c.subscribe(f, o);

/** `name` on every impl that has the features in `need`; on one without them, one line. */
function both(name: string, f: () => void, need: string[] = []) {
  for (const [impl, c, n] of impls)
    if (!need.every((x) => has[impl].includes(x))) console.log(`  skipped on ${impl} (no ${need.filter((x) => !has[impl].includes(x)).join(", ")}): ${name}`);
    else test(`${impl}: ${name}`, () => {
      cur = impl;
      create = c;
      netDefaults = n;
      f();
    });
}

/** `transport`, when given, takes the place of the simulated network's (it gets the rig's clock). */
function rig(opts: Partial<SnOptions> = {}, netOpts: DatagramNetOptions = {}, transport?: (clock: ReturnType<typeof virtualClock>) => any) {
  const clock = virtualClock(1_000_000);
  const net = createDatagramNet(clock, { ...netDefaults, ...netOpts });
  const c = create({ transport: transport ? transport(clock) : net.transport, clock, clientId: "sim1", random: () => 0.5, retry: 1000, retries: 5, keepalive: 30, reconnectMin: 500, reconnectMax: 4000, ...opts });
  const x = { clock, net, c, g: net.gateway, events: [] as string[], errors: [] as any[], messages: [] as [string, any, any][] };
  c.on("connected", () => x.events.push("connected"));
  c.on("offline", () => x.events.push("offline"));
  c.on("error", (e: any) => (x.events.push("error"), x.errors.push(e)));
  c.on("message", (t: string, p: any, pk: any) => x.messages.push([t, p, pk]));
  const up = () => assert.ok(clock.until(() => c.state() == 3, 60_000), "connected");
  return { ...x, up };
}

both("a full store: publish returns false and counts in dropped, with no error event; what it holds is delivered", () => {
  const r = rig({ storeSize: 200 });
  let n = 0;
  // Bounded: a store that never fills fails here instead of hanging the run.
  while (n < 100 && r.c.publish("s/x", "v" + n, { qos: 1 })) n++;
  assert.ok(n >= 2 && n < 100, "holds " + n);
  assert.not.ok(r.c.publish("s/x", "late", { qos: 1 }));
  assert.is(r.c.dropped, 2);
  assert.equal(r.errors, []);
  r.up();
  assert.ok(r.clock.until(() => r.c.queued() == 0, 60_000), "all acknowledged");
  assert.equal(r.g.delivered.map((d) => d.payload), Array.from({ length: n }, (_, i) => "v" + i));
});

both("1,000 QoS 1 readings over 10% loss, 5% duplication and reordering: none lost, none delivered twice", () => {
  const r = rig({ storeSize: 64 * 1024, retries: 8 }, { loss: 0.1, dup: 0.05, jitter: 40, seed: 7 });
  r.up();
  let n = 0;
  const every = () => {
    if (n < 1000) {
      assert.ok(r.c.publish("sensors/node1/temp", JSON.stringify({ n: n++ }), { qos: 1 }));
      r.clock.set(every, 100);
    }
  };
  every();
  assert.ok(r.clock.until(() => n == 1000 && r.c.queued() == 0, 3_600_000), "all acknowledged; held " + r.c.queued());
  const seq = r.g.delivered.map((d) => JSON.parse(d.payload).n);
  assert.is(seq.length, 1000, "delivered once each");
  assert.equal(seq, [...Array(1000).keys()], "in order");
  assert.ok(r.net.lost > 100 && r.net.duplicated > 50, `the link was lossy: ${r.net.lost} lost, ${r.net.duplicated} duplicated`);
  assert.ok(r.g.dups > 0, "resends of acknowledged messages were seen and not delivered again");
  console.log(`  sim: ${r.net.lost} datagrams lost, ${r.net.duplicated} duplicated, ${r.g.dups} resends recognised, ${r.events.filter((e) => e == "connected").length} connect(s)`);
});

both("keepalive finds a vanished gateway: offline within keepalive + retries, held messages delivered when it is back", () => {
  const r = rig({ keepalive: 10, retry: 2000, retries: 3 });
  r.up();
  const t0 = r.clock.now();
  r.net.vanish(true);
  assert.ok(r.clock.until(() => r.events.includes("offline"), 60_000), "offline");
  const took = r.clock.now() - t0;
  assert.ok(took <= 10_000 + 4 * 2000, "found within keepalive + (retries + 1) x retry: " + took + " ms");
  for (let i = 0; i < 5; i++) r.c.publish("held/t", "h" + i, { qos: 1 });
  r.clock.advance(20_000);
  r.net.vanish(false);
  assert.ok(r.clock.until(() => r.c.queued() == 0 && r.c.state() == 3, 120_000), "reconnected and drained");
  assert.equal(r.g.delivered.map((d) => d.payload), ["h0", "h1", "h2", "h3", "h4"]);
});

both("a gateway restart (DISCONNECT for an unknown client): reconnect, register again, held messages delivered", () => {
  const r = rig();
  r.up();
  r.c.publish("a/b", "1", { qos: 1 });
  r.clock.advance(1000);
  r.g.restart();
  r.c.publish("a/b", "2", { qos: 1 });
  assert.ok(r.clock.until(() => r.c.queued() == 0 && r.g.delivered.length == 2, 60_000), "delivered");
  assert.equal(r.g.delivered.map((d) => d.payload), ["1", "2"]);
  assert.equal(r.g.got.filter((t) => t == 0x0a).length, 2, "REGISTER again after the restart");
  assert.equal(r.events.filter((e) => e == "connected").length, 2);
});

both("PUBACK congestion (1): the message is sent again after the retry time, delivered once, no error", () => {
  const r = rig();
  r.up();
  r.g.pubackRc.push(1, 1);
  r.c.publish("c/t", "x", { qos: 1 });
  assert.ok(r.clock.until(() => r.c.queued() == 0, 30_000));
  assert.equal(r.g.delivered.map((d) => d.payload), ["x"]);
  assert.is(r.errors.length, 0);
  assert.is(r.g.got.filter((t) => t == 0x0c).length, 3);
});

both("PUBACK invalid topic id (2): the topic is registered again and the message resent", () => {
  const r = rig();
  r.up();
  r.g.pubackRc.push(2);
  r.c.publish("i/t", "y", { qos: 1 });
  assert.ok(r.clock.until(() => r.c.queued() == 0, 30_000));
  assert.equal(r.g.delivered.map((d) => d.payload), ["y"]);
  assert.is(r.g.got.filter((t) => t == 0x0a).length, 2);
});

both("REGACK not supported (3): an error event names it, the message is dropped, the next one goes", () => {
  const r = rig();
  r.up();
  r.g.regackRc.push(3);
  r.c.publish("n/t", "dropped", { qos: 1 });
  r.c.publish("n/t", "next", { qos: 1 });
  assert.ok(r.clock.until(() => r.c.queued() == 0, 30_000));
  assert.equal(r.errors.map((e) => e.code), ["not supported"]);
  assert.equal(r.g.delivered.map((d) => d.payload), ["next"]);
});

both("QoS 0 to an unregistered topic waits for REGACK, then goes; QoS 0 offline is dropped", () => {
  const r = rig();
  assert.is(r.c.publish("q/0", "early", { qos: 0 }), false);
  r.up();
  assert.ok(r.c.publish("q/0", "now", { qos: 0 }));
  r.clock.advance(100);
  assert.equal(r.g.delivered.map((d) => [d.payload, d.qos]), [["now", 0]]);
  assert.is(r.c.dropped, 1);
});

both("inbound QoS 2 sent twice before PUBREL is delivered once; PUBREL gets PUBCOMP", () => {
  const r = rig();
  sub(r, "s/#", { qos: 2 });
  r.up();
  r.clock.advance(100);
  const reg = snEncode(0x0a, "s/x", 9, 1)!;
  const pub = snEncode(0x0c, "p", 0x40, 9, 77)!;
  r.g.send(reg);
  r.g.send(pub);
  r.g.send(pub);
  r.clock.advance(100);
  r.g.send(snEncode(0x10, null, 77)!);
  r.clock.advance(100);
  assert.equal(r.messages.map((m) => [m[0], String(m[1]), m[2].qos]), [["s/x", "p", 2]]);
  assert.is(r.g.got.filter((t) => t == 0x0e).length, r.g.sent.filter((t) => t == 0x10).length, "a PUBCOMP for every PUBREL");
  assert.ok(r.g.got.includes(0x0b), "REGACK for the gateway's REGISTER");
});

both("a callback that subscribes to its own filter again is called once per message", () => {
  const r = rig();
  const calls: string[] = [];
  const f = (_t: string, p: any) => {
    calls.push(String(p));
    if (calls.length < 50) r.c.subscribe("s/#", { qos: 1, onMessage: f });
  };
  r.c.subscribe("s/#", { onMessage: f });
  r.up();
  r.clock.advance(100);
  r.g.send(snEncode(0x0a, "s/x", 9, 1)!);
  r.g.send(snEncode(0x0c, "p", 0x00, 9, 0)!);
  r.clock.advance(100);
  assert.equal(calls, ["p"]);
}, ["sub"]);

both("inbound QoS 1 resent with DUP after a lost PUBACK is acknowledged again, not delivered twice", () => {
  const r = rig();
  sub(r, "ab", { qos: 1 });
  r.up();
  const pub = snEncode(0x0c, "v", 0x22, 0x6162, 5)!;
  r.g.send(pub);
  r.clock.advance(50);
  pub[2] |= 0x80;
  r.g.send(pub);
  r.clock.advance(50);
  assert.is(r.messages.length, 1);
  assert.is(r.g.got.filter((t) => t == 0x0d).length, 2);
});

both("inbound PUBLISH to an unknown topic id: PUBACK with invalid topic id (2) and an error event", () => {
  const r = rig();
  r.up();
  r.g.send(snEncode(0x0c, "v", 0x20, 99, 6)!);
  r.clock.advance(50);
  assert.is(r.messages.length, 0);
  assert.equal(r.errors.map((e) => e.code), ["invalid topic"]);
});

both("a malformed datagram from the gateway is an error event; the client carries on", () => {
  const r = rig();
  r.up();
  r.g.send(Uint8Array.from([9, 0x0c, 0]));
  r.c.publish("m/t", "ok", { qos: 1 });
  assert.ok(r.clock.until(() => r.c.queued() == 0, 10_000));
  assert.equal(r.errors.map((e) => e.code), [-1]);
});

both("sleep: DISCONNECT with the duration; awake periods ping with the client id; the second PINGREQ quirk is handled", () => {
  const r = rig({ keepalive: 60 });
  sub(r, "z/#", { qos: 1 });
  r.up();
  r.clock.advance(100);
  r.c.sleep(60, 20);
  assert.ok(r.clock.until(() => r.c.state() == 4, 5000), "asleep");
  // Like Paho: on the awake PINGREQ, the buffered message, and no PINGRESP until the next PINGREQ.
  r.g.pingresp = false;
  const reg = snEncode(0x0a, "z/1", 3, 2)!;
  const pings = () => r.g.got.filter((t) => t == 0x16).length;
  assert.ok(r.clock.until(() => pings() == 1, 25_000), "awake period");
  r.g.send(reg);
  r.g.send(snEncode(0x0c, "buffered", 0x20, 3, 8)!);
  r.clock.advance(50);
  r.g.pingresp = true;
  assert.ok(r.clock.until(() => pings() == 2 && r.c.state() == 4, 2000), "second PINGREQ within moments, asleep again");
  assert.equal(r.messages.map((m) => String(m[1])), ["buffered"]);
  r.c.wake();
  assert.ok(r.clock.until(() => r.c.state() == 3, 5000), "active again");
});

both("the registry is bounded: with room for 2 topics, a third evicts the oldest, which is registered again", () => {
  const r = rig({ topics: 2 });
  r.up();
  for (const t of ["t/1", "t/2", "t/3", "t/1"]) r.c.publish(t, t, { qos: 1 });
  assert.ok(r.clock.until(() => r.c.queued() == 0, 30_000));
  assert.equal(r.g.delivered.map((d) => d.topic), ["t/1", "t/2", "t/3", "t/1"]);
  assert.is(r.g.got.filter((t) => t == 0x0a).length, 4, "t/1 registered twice");
});

both("datagrams as byte Strings (Espruino): inbound messages decode the same", () => {
  const r = rig({ binary: false }, { strings: true });
  sub(r, "ab", { qos: 1 });
  r.up();
  r.g.send(snEncode(0x0c, "\xb0C", 0x22, 0x6162, 5)!);
  r.clock.advance(50);
  // The gateway sent UTF-8 (C2 B0 43): Node decodes it; a board keeps the bytes (its Strings are bytes).
  assert.equal(r.messages.map((m) => [m[0], m[1]]), [["ab", create === createSnClient ? "\xb0C" : "\xc2\xb0C"]]);
});

both("a 2-character topic of characters over one byte is a topic name, not a short name: REGISTER, then the PUBLISH with its own QoS and no stray flags", () => {
  const r = rig();
  r.up();
  assert.ok(r.c.publish("\xb0C", "v", { qos: 1 }));
  assert.ok(r.clock.until(() => r.c.queued() == 0, 10_000), "acknowledged");
  assert.is(r.g.got.filter((t) => t == 0x0a).length, 1, "REGISTER");
  assert.equal(r.g.delivered.map((d) => [d.qos, d.retain]), [[1, false]]);
});

// Node strings only (a board's are bytes): wider characters must not reach the flags byte either.
for (const topic of ["\u6e29\u5ea6", "\ud83c\udf21"])
  test(`src: publish(${JSON.stringify(topic)}) at QoS 0 and 1: a topic name (REGISTER), each PUBLISH with its QoS and no stray flags`, () => {
    create = createSnClient;
    netDefaults = {};
    const r = rig();
    r.up();
    r.c.publish(topic, "q1", { qos: 1 });
    assert.ok(r.clock.until(() => r.c.queued() == 0, 10_000), "acknowledged");
    r.c.publish(topic, "q0");
    r.clock.advance(100);
    assert.equal(r.g.delivered.map((d) => [d.topic, d.payload, d.qos, d.retain]), [[topic, "q1", 1, false], [topic, "q0", 0, false]]);
    assert.throws(() => r.c.publish(topic, "x", { qos: -1 }), /QoS -1 needs/);
  });

both("sleep() before the connection is up: held messages go first, then the client sleeps", () => {
  const r = rig();
  r.c.publish("h/t", "first", { qos: 1 });
  r.c.sleep(30);
  assert.ok(r.clock.until(() => r.c.state() == 4, 10_000), "asleep");
  assert.equal(r.g.delivered.map((d) => d.payload), ["first"]);
  const disc = r.g.got.lastIndexOf(0x18);
  assert.ok(disc > r.g.got.indexOf(0x0c), "DISCONNECT after the PUBLISH");
});

both("QoS 0 readings to a topic with an id, first and again: PUBLISH with the id's type in the flags, message id 0, the payload (registered, predefined, short)", () => {
  const r = rig({ predefined: { "p/t": 5 } });
  r.up();
  r.c.publish("s/t", "a"); // waits for its REGACK (id 1), then goes
  r.clock.advance(100);
  const from = r.g.raw.length;
  for (const [t, p] of [["s/t", "21.5"], ["s/t", "21.6"], ["p/t", "x"], ["p/t", "y"], ["ab", "z"], ["ab", "w"]]) assert.ok(r.c.publish(t, p), t);
  r.clock.advance(100);
  // length, PUBLISH, flags (QoS 0; topic id type 0 registered, 1 predefined, 2 short), topic id, message id 0, data
  assert.equal(r.g.raw.slice(from), [
    "0b 0c 00 0001 0000 32312e35",
    "0b 0c 00 0001 0000 32312e36",
    "08 0c 01 0005 0000 78",
    "08 0c 01 0005 0000 79",
    "08 0c 02 6162 0000 7a",
    "08 0c 02 6162 0000 77",
  ].map((h) => h.replace(/ /g, "")));
  assert.ok(r.c.publish("s/t", "r", { retain: true }));
  r.clock.advance(100);
  assert.is(r.g.raw[r.g.raw.length - 1], "08 0c 10 0001 0000 72".replace(/ /g, ""), "RETAIN flag");
});

both("end(): DISCONNECT, close, and publish refused afterwards", () => {
  const r = rig();
  r.up();
  r.c.end();
  r.clock.advance(100);
  assert.is(r.c.state(), 6);
  assert.ok(r.g.got.includes(0x18));
  assert.is(r.c.publish("e/t", "x", { qos: 1 }), false);
});

// ---- issue 28: session and liveness rules (each failed on the client before its fix)

/** The flags byte of every CONNECT the gateway got (04 = clean, 08 = will). */
const connectFlags = (r: { g: { raw: string[] } }) => r.g.raw.filter((h) => h.slice(2, 4) == "04").map((h) => h.slice(4, 6));

both("wake() with clean: true sends CONNECT with clean=0 and keeps the topic ids the gateway registered: the next inbound PUBLISH is delivered", () => {
  const r = rig();
  r.c.subscribe("w/#", { qos: 1 });
  r.up();
  r.clock.advance(100);
  r.c.sleep(60, 20);
  assert.ok(r.clock.until(() => r.c.state() == 4, 5000), "asleep");
  assert.ok(r.g.publish("w/a", "while asleep", 1));
  assert.ok(r.clock.until(() => r.messages.length == 1, 25_000), "delivered in an awake period");
  r.c.wake();
  assert.ok(r.clock.until(() => r.c.state() == 3, 5000), "active again");
  assert.equal(connectFlags(r), ["04", "00"], "the first CONNECT clean, wake()'s not");
  r.g.send(snEncode(0x0c, "after wake", 0x20, r.g.topics.get("w/a")!, 41)!);
  r.clock.advance(100);
  assert.equal(r.errors, []);
  assert.equal(r.messages.map((m) => String(m[1])), ["while asleep", "after wake"]);
}, ["sub"]);

both("a topic id the gateway registered is never evicted by publishing to more topics than the table holds", () => {
  const r = rig({ topics: 4 });
  r.c.subscribe("cmd/#", { qos: 1 });
  r.up();
  r.clock.advance(100);
  assert.ok(r.g.publish("cmd/led", "on", 1));
  r.clock.advance(100);
  for (let k = 0; k < 8; k++) assert.ok(r.c.publish("out/" + k, "v" + k, { qos: 1 }), "out/" + k);
  assert.ok(r.clock.until(() => r.c.queued() == 0, 60_000), "all acknowledged");
  assert.equal(r.g.delivered.map((d) => d.topic), [0, 1, 2, 3, 4, 5, 6, 7].map((k) => "out/" + k));
  // The gateway publishes with the id it registered, without a new REGISTER (as Paho does).
  r.g.send(snEncode(0x0c, "off", 0x20, r.g.topics.get("cmd/led")!, 42)!);
  r.clock.advance(100);
  assert.equal(r.errors, []);
  assert.equal(r.messages.map((m) => m[0] + "=" + m[1]), ["cmd/led=on", "cmd/led=off"]);
}, ["sub"]);

both("a table full of the gateway's topic ids: publish() to a new topic returns false and counts in dropped; the gateway's ids stay", () => {
  const r = rig({ topics: 2 });
  r.c.subscribe("cmd/#", { qos: 1 });
  r.up();
  r.clock.advance(100);
  r.g.publish("cmd/a", "1", 1);
  r.g.publish("cmd/b", "2", 1);
  r.clock.advance(100);
  assert.is(r.c.publish("out/x", "refused", { qos: 1 }), false);
  assert.is(r.c.publish("out/x", "refused", { qos: 0 }), false);
  assert.is(r.c.dropped, 2);
  assert.is(r.c.queued(), 0);
  r.g.send(snEncode(0x0c, "3", 0x20, r.g.topics.get("cmd/a")!, 43)!);
  r.g.send(snEncode(0x0c, "4", 0x20, r.g.topics.get("cmd/b")!, 44)!);
  r.clock.advance(100);
  assert.equal(r.messages.map((m) => m[0] + "=" + m[1]), ["cmd/a=1", "cmd/b=2", "cmd/a=3", "cmd/b=4"]);
  assert.equal(r.g.got.filter((t) => t == 0x0a), [], "no REGISTER");
  // A topic the gateway gave an id to is published with it.
  assert.ok(r.c.publish("cmd/a", "own", { qos: 1 }));
  assert.ok(r.clock.until(() => r.c.queued() == 0, 10_000));
  assert.equal(r.g.delivered.map((d) => d.topic + "=" + d.payload), ["cmd/a=own"]);
}, ["sub"]);

both("a REGACK the table can no longer take (the gateway's ids filled it meanwhile): the message is dropped with an error 'topics full', the gateway's ids stay", () => {
  const r = rig({ topics: 2 });
  r.c.subscribe("cmd/#", { qos: 1 });
  r.up();
  r.clock.advance(100);
  r.g.publish("cmd/a", "1", 1);
  r.clock.advance(100);
  assert.ok(r.c.publish("out/x", "late", { qos: 1 }), "room for one of ours");
  r.g.publish("cmd/b", "2", 1); // its REGISTER reaches the client before the REGACK
  assert.ok(r.clock.until(() => r.c.queued() == 0, 10_000));
  assert.equal(r.errors.map((e) => e.code + ": " + e.message), ["topics full: REGISTER out/x refused: topics full"]);
  assert.equal(r.g.delivered, []);
  r.g.send(snEncode(0x0c, "3", 0x20, r.g.topics.get("cmd/a")!, 45)!);
  r.clock.advance(100);
  assert.equal(r.messages.map((m) => m[0] + "=" + m[1]), ["cmd/a=1", "cmd/b=2", "cmd/a=3"]);
}, ["sub"]);

both("a new clean session forgets the inbound ids remembered in the old one: a QoS 2 id awaiting PUBREL and a QoS 1 id are new messages there", () => {
  const r = rig();
  r.c.subscribe("s/#", { qos: 2 });
  r.up();
  r.clock.advance(100);
  r.g.send(snEncode(0x0a, "s/x", 9, 1)!);
  r.g.drop.push(0x0f); // the PUBREC is lost: no PUBREL before the session ends
  r.g.send(snEncode(0x0c, "old2", 0x40, 9, 77)!);
  r.g.send(snEncode(0x0c, "old1", 0x20, 9, 78)!);
  r.clock.advance(100);
  r.g.send(snEncode(0x18)!); // the gateway drops the client: it connects again, clean
  assert.ok(r.clock.until(() => r.events.filter((e) => e == "connected").length == 2, 30_000), "connected again");
  assert.equal(connectFlags(r), ["04", "04"]);
  r.clock.advance(100);
  r.g.send(snEncode(0x0a, "s/x", 9, 2)!);
  r.g.send(snEncode(0x0c, "new2", 0x40, 9, 77)!);
  r.g.send(snEncode(0x0c, "new1", 0xa0, 9, 78)!); // DUP: a resend of the new session's first id 78
  r.clock.advance(100);
  assert.equal(r.messages.map((m) => String(m[1])), ["old2", "old1", "new2", "new1"]);
}, ["sub"]);

both("PUBACK invalid topic id (2) to a QoS 0 PUBLISH: the id is dropped and the topic registered again before the next publish to it", () => {
  const r = rig();
  r.up();
  r.c.publish("t/a", "r0");
  r.clock.advance(100);
  r.g.topics.clear(); // the gateway no longer knows the id
  r.c.publish("t/a", "r1");
  r.clock.advance(100);
  assert.equal(r.g.raw.slice(-1), ["090c00000100007231"], "r1 with the old id");
  r.c.publish("t/a", "r2");
  r.clock.advance(100);
  assert.equal(r.g.delivered.map((d) => d.payload), ["r0", "r2"]);
  assert.equal(r.g.got.filter((t) => t == 0x0a).length, 2, "REGISTER again after the rc=2");
  assert.equal(r.events, ["connected"]);
});

both("clean: false over a gateway restart, QoS 0 readings: the next connection registers the topic again, the readings after it are delivered, no reconnect loop", () => {
  const r = rig({ clean: false, keepalive: 0 });
  r.up();
  r.c.publish("t/a", "r0");
  r.clock.advance(100);
  r.g.restart();
  for (let k = 1; k <= 10; k++) {
    r.c.publish("t/a", "r" + k);
    r.clock.advance(1000);
  }
  // r1 meets the restarted gateway (DISCONNECT for an unknown client: connect again, clean=0).
  assert.equal(r.g.delivered.map((d) => d.payload), ["r0", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10"]);
  assert.equal(r.g.got.filter((t) => t == 0x0a).length, 2, "REGISTER again on the new connection");
  assert.equal(connectFlags(r), ["00", "00"]);
  assert.equal(r.events.filter((e) => e == "connected").length, 2);
});

both("a client lost in an awake period (PINGREQ unanswered) connects again with clean=0 and no will, whatever `clean`: what the gateway buffered is delivered", () => {
  const r = rig({ will: { topic: "w/t", payload: "gone" } } as any);
  r.c.subscribe("z/#", { qos: 1 });
  r.up();
  r.clock.advance(100);
  r.c.sleep(60, 20);
  assert.ok(r.clock.until(() => r.c.state() == 4, 5000), "asleep");
  r.net.cut(true); // the awake period's PINGREQs go nowhere; the gateway keeps the session
  assert.ok(r.g.publish("z/1", "buffered", 1));
  assert.ok(r.clock.until(() => r.events.includes("offline"), 60_000), "lost in the awake period");
  r.net.cut(false);
  assert.ok(r.clock.until(() => r.c.state() == 3 && r.messages.length > 0, 60_000), "connected again, the buffered message delivered");
  assert.equal(connectFlags(r).slice(-1), ["00"], "clean=0, no will flag");
  assert.equal(r.messages.map((m) => String(m[1])), ["buffered"]);
  // Connected again: the next loss is an ordinary one, and `clean` applies.
  r.g.send(snEncode(0x18)!);
  assert.ok(r.clock.until(() => r.events.filter((e) => e == "connected").length == 3, 30_000));
  assert.equal(connectFlags(r).slice(-1)[0].slice(0), connectFlags(r)[0], "as the first CONNECT");
}, ["sub", "will"]);

both("a retried PUBLISH carries DUP (flags a0), the first one not (20)", () => {
  const r = rig();
  r.up();
  r.g.drop.push(0x0c);
  r.c.publish("ab", "x", { qos: 1 });
  assert.ok(r.clock.until(() => r.c.queued() == 0, 10_000));
  // length, PUBLISH, flags (QoS 1, short topic; DUP on the resend), topic "ab", message id, data
  assert.equal(r.g.raw.filter((h) => h.slice(2, 4) == "0c"), ["08 0c 22 6162 0001 78", "08 0c a2 6162 0001 78"].map((h) => h.replace(/ /g, "")));
  assert.equal(r.g.delivered.map((d) => d.payload), ["x"]);
});

both("subscriptions are made again after the gateway loses the session (a restart): messages on them arrive", () => {
  const r = rig({ keepalive: 10 });
  r.c.subscribe("r/t", { qos: 1 });
  r.c.subscribe("r/w/+", { qos: 1 });
  r.up();
  r.clock.advance(100);
  r.g.restart();
  assert.equal(r.g.subs, []);
  assert.ok(r.clock.until(() => r.events.filter((e) => e == "connected").length == 2, 60_000), "the keepalive's PINGREQ gets DISCONNECT; connected again");
  r.clock.advance(100);
  assert.equal(r.g.subs.sort(), ["r/t", "r/w/+"]);
  assert.equal(r.g.got.filter((t) => t == 0x12).length, 4, "each SUBSCRIBE twice");
  assert.ok(r.g.publish("r/t", "a", 1) && r.g.publish("r/w/x", "b", 1));
  r.clock.advance(100);
  assert.equal(r.messages.map((m) => m[0] + "=" + m[1]), ["r/t=a", "r/w/x=b"]);
}, ["sub"]);

both("a QoS 0 publisher with keepalive finds a vanished gateway: its own PUBLISHes do not count as answers", () => {
  const r = rig({ keepalive: 10, retry: 2000, retries: 3 });
  r.up();
  r.c.publish("q/t", "0");
  r.clock.advance(100);
  r.net.vanish(true);
  const t0 = r.clock.now();
  let n = 0;
  const every = () => {
    if (r.c.state() == 3) r.c.publish("q/t", "v" + n++);
    if (!r.events.includes("offline")) r.clock.set(every, 1000);
  };
  every();
  assert.ok(r.clock.until(() => r.events.includes("offline"), 60_000), "offline");
  const took = r.clock.now() - t0;
  assert.ok(took <= 10_000 + 4 * 2000, "found within keepalive + (retries + 1) x retry: " + took + " ms");
  assert.ok(n >= 8, n + " readings sent meanwhile");
});

both("the registry replaces a name when the gateway reuses its id: a PUBLISH with the id carries the newer name", () => {
  const r = rig();
  r.c.subscribe("a/#", { qos: 1 });
  r.up();
  r.clock.advance(100);
  r.g.send(snEncode(0x0a, "a/1", 5, 1)!);
  r.g.send(snEncode(0x0a, "a/2", 5, 2)!);
  r.g.send(snEncode(0x0c, "v", 0x20, 5, 3)!);
  r.clock.advance(100);
  assert.equal(r.messages.map((m) => m[0]), ["a/2"]);
}, ["sub"]);

/**
 * The model test for the MQTT-SN session: a seeded run of 400 one-second steps, each one of: a QoS 1
 * reading to one of 8 topics (with room for 3 of ours in a table of 6 beside the gateway's 3), a message
 * from the broker side on a subscribed topic (QoS 1 or 2; the gateway registers wildcard topics itself),
 * sleep(), wake(), a gateway restart, or the link cut for 2-20 s (asleep: the awake periods go
 * unanswered). Then everything is let through. Every reading publish() took arrives, in order; every
 * message the gateway's session took arrives exactly once, unless a restart dropped it from its buffer.
 */
function model(clean: boolean, seed: number) {
  const r = rig({ clean, topics: 6, keepalive: 10, retries: 3, storeSize: 64 * 1024 });
  const rnd = rng(seed);
  const n = { sleeps: 0, wakes: 0, restarts: 0, cuts: 0, lostAsleep: 0, inbound: 0, outbound: 0, refused: 0 };
  r.c.subscribe("cmd/+", { qos: 2 });
  r.c.subscribe("in/x", { qos: 1 });
  r.up();
  const sent: string[] = [];
  let taken: string[] = [];
  let cut = 0;
  let was = 3;
  for (let step = 0; step < 400; step++) {
    const a = rnd();
    const st = r.c.state();
    if (a < 0.3) {
      const p = "o" + step;
      if (r.c.publish("out/" + (step % 8), p, { qos: 1 })) sent.push(p);
      else n.refused++;
    } else if (a < 0.55) {
      if (!cut && (st == 3 || st == 4)) {
        const p = "i" + step;
        if (r.g.publish(["cmd/a", "cmd/b", "in/x"][step % 3], p, step % 2 ? 2 : 1)) taken.push(p);
      }
    } else if (a < 0.65) {
      if (st == 3) (r.c.sleep(20 + Math.floor(rnd() * 40), 3 + Math.floor(rnd() * 10)), n.sleeps++);
    } else if (a < 0.75) {
      if (st == 4 || st == 5) (r.c.wake(), n.wakes++);
    } else if (a < 0.78) {
      const lost = r.g.buffered;
      taken = taken.filter((p) => !lost.includes(p));
      r.g.restart();
      n.restarts++;
    } else if (a < 0.83 && !cut) {
      r.net.cut(true);
      cut = 2 + Math.floor(rnd() * 19);
      n.cuts++;
    }
    r.clock.advance(1000);
    if (cut && --cut == 0) r.net.cut(false);
    const now = r.c.state();
    if ((was == 4 || was == 5) && now < 3) n.lostAsleep++;
    was = now;
  }
  if (cut) r.net.cut(false);
  if (r.c.state() >= 4) r.c.wake();
  assert.ok(r.clock.until(() => r.c.state() == 3 && r.c.queued() == 0, 600_000), "drained; held " + r.c.queued() + ", state " + r.c.state());
  r.clock.advance(5000);
  const out = r.g.delivered.map((d) => d.payload);
  assert.equal(out.filter((p, k) => out.indexOf(p) == k), sent, "every reading taken arrives, in order");
  assert.equal(r.messages.map((m) => String(m[1])), taken, "every message the session took arrives once");
  assert.equal(r.errors.filter((e) => e.code != "timeout" && e.code != "gateway").map((e) => e.message), []);
  n.inbound = taken.length;
  n.outbound = sent.length;
  return n;
}

for (const clean of [true, false])
  both(`model: clean: ${clean}, 5 seeded runs of sleep, wake, gateway restarts, cut links and more topics than the table: nothing taken is lost, nothing delivered twice`, () => {
    const sum: Record<string, number> = {};
    for (let seed = 1; seed <= 5; seed++) for (const [k, v] of Object.entries(model(clean, seed))) sum[k] = (sum[k] || 0) + v;
    for (const k of ["sleeps", "wakes", "restarts", "cuts", "lostAsleep", "inbound", "outbound"]) assert.ok(sum[k] > 0, k + " happened: " + JSON.stringify(sum));
    console.log(`  model clean=${clean}: ${JSON.stringify(sum)}`);
  }, ["sub"]);

/**
 * A gateway that answers a will as Paho 1.5.x does (WILLTOPIC -> DISCONNECT, also after the double
 * CONNECT) for the first `fail` attempts, then takes it: WILLTOPICREQ at once to a CONNECT with the will
 * flag, the broker's CONNACK a little later to one without, WILLMSGREQ and CONNACK to a taken will.
 */
function willRacer(clock: any, fail: number) {
  const sent: number[][] = [];
  let ev: any = null;
  let topics = 0;
  const reply = (b: number[], ms: number) => clock.set(() => ev.message(netDefaults.strings ? String.fromCharCode(...b) : Uint8Array.from(b), "127.0.0.1", 10000), ms);
  const transport = (h: any) => {
    ev = h;
    return {
      close() {},
      send(d: any) {
        const b: number[] = typeof d == "string" ? Array.from(d, (ch) => ch.charCodeAt(0)) : Array.from(d as Uint8Array);
        sent.push(b);
        if (b[1] == 0x04) reply(b[2] & 0x08 ? [2, 0x06] : [3, 0x05, 0], b[2] & 0x08 ? 1 : 5);
        else if (b[1] == 0x07) reply(++topics % 2 || topics / 2 <= fail ? [2, 0x18] : [2, 0x08], 1);
        else if (b[1] == 0x09) reply([3, 0x05, 0], 1);
      },
    };
  };
  return { transport, sent };
}

function willRig(fail: number) {
  let g: ReturnType<typeof willRacer> | null = null;
  const r = rig({ will: { topic: "w/t", payload: "gone" } } as any, {}, (clock) => (g = willRacer(clock, fail)).transport);
  r.up();
  return { sent: g!.sent, errors: r.errors };
}

both("a will the gateway did not take even after the double CONNECT is tried again on the next attempt, and is taken there", () => {
  const r = willRig(1);
  assert.equal(r.errors.map((e) => e.code + ": " + e.message), ["will: the gateway did not take the will: trying again"]);
  assert.equal(r.sent.filter((b) => b[1] == 0x09).length, 1, "one WILLMSG: the will taken on the second attempt");
}, ["will"]);

both("after three attempts whose will the gateway did not take, the client connects without it", () => {
  const r = willRig(99);
  assert.equal(r.errors.map((e) => e.message), ["the gateway did not take the will: trying again", "the gateway did not take the will: trying again", "the gateway refused the will: connecting without one"]);
  const connects = r.sent.filter((b) => b[1] == 0x04);
  assert.is(connects[connects.length - 1][2] & 0x08, 0, "the last CONNECT without the will flag");
  assert.equal(r.sent.filter((b) => b[1] == 0x09), [], "no WILLMSG");
}, ["will"]);

// subscribe()/unsubscribe() callbacks as on the MQTT client (issue 30 item 3): once, at the ack.
both("subscribe(filter, {qos}, cb): cb(null, [{topic, qos}]) once, at the SUBACK, with the QoS granted; onMessage gets the messages", () => {
  const r = rig();
  const calls: any[] = [];
  const msgs: string[] = [];
  r.c.subscribe("s/#", { qos: 1, onMessage: (t: string, p: any) => msgs.push(t + "=" + p) }, (err: any, g: any) => calls.push([err, g]));
  assert.equal(calls, []);
  r.up();
  r.clock.advance(100);
  assert.equal(calls, [[null, [{ topic: "s/#", qos: 1 }]]]);
  r.g.publish("s/a", "1", 1);
  r.clock.advance(100);
  assert.equal(msgs, ["s/a=1"]);
  assert.is(calls.length, 1);
}, ["sub"]);

both("a refused SUBACK goes to cb (the gateway's code, qos 128), not to `error`; without cb it is an `error`", () => {
  const r = rig();
  r.g.subackRc.push(2, 2);
  const calls: any[] = [];
  r.c.subscribe("no/#", { qos: 1 }, (err: any, g: any) => calls.push([err && err.code, g]));
  r.up();
  r.clock.advance(100);
  assert.equal(calls, [["invalid topic", [{ topic: "no/#", qos: 128 }]]]);
  assert.equal(r.errors, []);
  r.c.subscribe("no2/#");
  r.clock.advance(100);
  assert.equal(r.errors.map((e) => e.code), ["invalid topic"]);
}, ["sub"]);

both("a refused SUBACK for a subscription already superseded tells nobody: its cb got superseded, no `error`", () => {
  const r = rig();
  r.up();
  r.g.subackRc.push(3);
  const calls: any[] = [];
  r.c.subscribe("x/#", (err: any) => calls.push(["first", err && err.code]));
  r.c.unsubscribe("x/#", (err: any) => calls.push(["unsub", err]));
  r.clock.advance(1000);
  assert.ok(r.g.raw.some((h) => h.slice(2, 4) == "12"), "the SUBSCRIBE went out");
  assert.equal(calls, [["first", "superseded"], ["unsub", null]]);
  assert.equal(r.errors, []);
}, ["sub"]);

both("unsubscribe(filter, cb): cb(null) at the UNSUBACK; a superseded subscribe's cb gets code superseded; end() gives the rest code ended", () => {
  const r = rig();
  const calls: any[] = [];
  r.c.subscribe("a", (err: any) => calls.push(["sub a", err && err.code]));
  r.c.subscribe("a", { qos: 1 }, (err: any, g: any) => calls.push(["sub a again", err, g]));
  r.up();
  r.clock.advance(100);
  r.c.unsubscribe("a", (err: any) => calls.push(["unsub a", err]));
  r.clock.advance(100);
  r.c.subscribe("b", (err: any) => calls.push(["sub b", err && err.code]));
  r.net.cut(true); // the SUBSCRIBE for b never arrives
  r.clock.advance(100);
  r.c.end();
  assert.not.ok(r.g.subs.includes("b"), "the gateway never got b's SUBSCRIBE");
  assert.equal(calls, [
    ["sub a", "superseded"],
    ["sub a again", null, [{ topic: "a", qos: 1 }]],
    ["unsub a", null],
    ["sub b", "ended"],
  ]);
  assert.is(r.c.subscribe("c"), r.c, "returns the client");
}, ["sub"]);

// Several listeners, as on the MQTT client (issue 30 item 3): a second on("message") adds, never replaces.
both("two `message` listeners both get a message; off() and removeListener() take one away; once() runs once", () => {
  const r = rig({ predefined: { "x/a": 5 } });
  r.up();
  const seen: string[] = [];
  const f = (t: string, p: any, pk: any) => seen.push("f" + p + "@" + pk.qos);
  const g = (t: string, p: any) => seen.push("g" + p);
  r.c.on("message", f).on("message", g).once("message", (t: string, p: any) => seen.push("once" + p));
  r.g.send(snEncode(0x0c, "1", 0x21, 5, 51)!); // QoS 1 to predefined id 5
  r.clock.advance(100);
  r.c.off("message", f);
  r.g.send(snEncode(0x0c, "2", 0x21, 5, 52)!); // QoS 1 to predefined id 5
  r.clock.advance(100);
  r.c.removeListener("message", g);
  r.g.send(snEncode(0x0c, "3", 0x21, 5, 53)!); // QoS 1 to predefined id 5
  r.clock.advance(100);
  assert.equal(seen, ["f1@1", "g1", "once1", "g2"]);
  assert.equal(r.messages.map((m) => String(m[1])), ["1", "2", "3"], "the rig's own listener is still there");
});

both("a `connected` listener added while connected runs on the next tick", () => {
  const r = rig();
  r.up();
  let n = 0;
  r.c.on("connected", () => n++);
  assert.is(n, 0, "not from inside on()");
  r.clock.advance(1);
  assert.is(n, 1);
});

both("end(cb) and end(true, cb): cb runs once, at the close; end(cb) after the end runs cb at once", () => {
  for (const args of [[], [true]]) {
    const r = rig();
    r.up();
    const calls: string[] = [];
    r.c.on("close", () => calls.push("close"));
    (r.c.end as any)(...args, () => calls.push("cb"));
    r.clock.advance(1000);
    assert.equal(calls, ["close", "cb"]);
    assert.is(r.g.got.filter((t) => t == 0x18).length, 1, "one DISCONNECT");
    r.c.end(() => calls.push("cb again"));
    assert.equal(calls, ["close", "cb", "cb again"]);
  }
});

test.run();
