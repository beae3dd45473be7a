// What a new user must see (issue 12, items 1-9): every failed attempt is an `error` naming what failed;
// options that can never work throw at connect; a filter over txSize throws at subscribe(); connect()
// with no argument; a handler per subscribed filter; lossless binary payloads on Node; port NaN; empty payloads.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createRequire } from "node:module";
import mqtt from "mqtt";
import { impls, rig, got, loadBundle, E, says, msg, needs } from "./sim/setup";
import { virtualClock } from "./sim/clock";
import type { VirtualClock } from "./sim/clock";
import { startAedes, until } from "./brokers";
import type { LinkEvents } from "../src/link";

const require = createRequire(import.meta.url);
const node = require("../build/node/index.cjs");

/** A transport that opens nothing: it only closes, after `ms`, with `err` (possibly none), before or after open. */
function scripted(clock: VirtualClock, plan: { open?: boolean; err?: unknown; ms?: number }) {
  const t = (h: LinkEvents) => {
    t.opens++;
    clock.set(() => {
      if (plan.open) h.open();
      clock.set(() => h.close(plan.err), 5);
    }, plan.ms ?? 5);
    return { write() {}, close() {} };
  };
  t.opens = 0;
  return t;
}

function withScripted(create: (o: any) => any, plan: { open?: boolean; err?: unknown }, opts: any = {}) {
  const clock = virtualClock(0);
  const transport = scripted(clock, plan);
  const errors: any[] = [];
  const events: string[] = [];
  const c = create({ transport, clock, clientId: "e1", random: () => 0.5, reconnectMin: 1000, ...opts });
  c.on("error", (e: any) => (errors.push(e), events.push("error")));
  c.on("offline", () => events.push("offline"));
  c.on("connected", () => events.push("connected"));
  return { clock, transport, c, errors, events };
}

for (const [name, create] of impls) {
  // ---- item 1, 2: every failed attempt says what failed
  const fa = suite(`errors: failed attempts [${name}]`);

  fa('a refused connect is an error "connect failed: ..." with code "connect", once per attempt, and no offline', () => {
    const r = rig(create, { reconnectMin: 1000 });
    r.net.refuse(true);
    r.clock.advance(30_000);
    assert.ok(r.client.attempts >= 4, "attempts " + r.client.attempts);
    assert.is(r.errors.length, r.client.attempts);
    for (const e of r.errors) {
      assert.is(e.code, "connect");
      says(name, e, /^connect failed: ECONNREFUSED/);
    }
    assert.not.ok(r.events.includes("offline"));
  });

  fa('a link closed after it opened and before CONNACK is an error "closed before CONNACK", code "closed"', () => {
    const r = rig(create, { reconnectMin: 1000 });
    r.broker.connack = null; // the broker reads CONNECT and never answers
    r.clock.advance(7); // open, CONNECT on the wire
    assert.is(r.client.state(), 2);
    r.net.drop();
    r.clock.advance(10);
    assert.is(r.errors.length, 1);
    assert.is(r.errors[0].code, "closed");
    says(name, r.errors[0], /^closed before CONNACK: link dropped/);
    assert.not.ok(r.events.includes("offline"));
  });

  needs(name, ["v31"], 'a broker that closes the link instead of answering CONNECT (e.g. refusing MQTT 3.1) gives "closed before CONNACK"') && fa('a broker that closes the link instead of answering CONNECT (e.g. refusing MQTT 3.1) gives "closed before CONNACK"', () => {
    const r = rig(create, { reconnectMin: 1000, protocol: 3 });
    r.broker.connack = null;
    const accept = r.broker.accept;
    r.broker.accept = (w, cl) => {
      const c = accept(w, cl);
      const data = c.data;
      c.data = (b) => (data(b), c.close());
      return c;
    };
    r.clock.advance(100);
    assert.ok(r.errors.length >= 1);
    assert.is(r.errors[0].code, "closed");
    says(name, r.errors[0], /^closed before CONNACK/);
  });

  fa('a link lost after CONNACK is an error "connection lost", code "closed", then offline', () => {
    const r = rig(create, { reconnectMin: 1000 });
    r.up();
    r.net.drop();
    r.clock.advance(10);
    assert.is(r.errors[0].code, "closed");
    says(name, r.errors[0], /^connection lost: link dropped/);
    assert.equal(r.events, ["connected", "error", "offline"]);
  });

  fa('a transport close with no error object before open still emits "connect failed"', () => {
    const s = withScripted(create, { open: false, err: undefined });
    s.clock.advance(12);
    assert.is(s.transport.opens, 1);
    assert.is(s.errors.length, 1);
    assert.is(s.errors[0].code, "connect");
    says(name, s.errors[0], "connect failed");
    s.c.end(true);
  });

  fa('a transport close with no error object after open still emits "closed before CONNACK"', () => {
    const s = withScripted(create, { open: true, err: undefined });
    s.clock.advance(12);
    assert.is(s.errors.length, 1);
    assert.is(s.errors[0].code, "closed");
    says(name, s.errors[0], "closed before CONNACK");
    s.c.end(true);
  });

  fa("every attempt of a transport that closes with no error object emits: one error per attempt over a minute", () => {
    const s = withScripted(create, { open: false, err: undefined });
    s.clock.advance(60_000);
    assert.ok(s.transport.opens >= 5, "attempts " + s.transport.opens);
    assert.is(s.errors.length, s.transport.opens);
    s.c.end(true);
  });

  fa("a transport that throws when opening is an error \"connect failed: ...\" and is retried", () => {
    const clock = virtualClock(0);
    let n = 0;
    const errors: any[] = [];
    const c = create({
      transport: () => {
        n++;
        throw new Error("no route");
      },
      clock,
      clientId: "x",
      random: () => 0.5,
      reconnectMin: 1000,
    });
    c.on("error", (e: any) => errors.push(e));
    clock.advance(5000);
    assert.ok(n >= 2);
    assert.is(errors.length, n);
    assert.is(errors[0].code, "connect");
    says(name, errors[0], "connect failed: no route");
    c.end(true);
  });

  // ---- item 3: options that can never work throw at createClient; DNS failures wait longest
  const op = suite(`errors: invalid options throw at connect [${name}]`);

  const base = () => {
    const clock = virtualClock(0);
    let opened = 0;
    return { o: { clock, transport: () => (opened++, { write() {}, close() {} }) } as any, opened: () => opened, clock };
  };
  const throwsCode = (o: any, code: string, msg: RegExp) => {
    const b = base();
    let err: any = null;
    try {
      create({ ...b.o, ...o });
    } catch (e) {
      err = e;
    }
    assert.ok(err, "threw for " + JSON.stringify(o).slice(0, 80));
    assert.is(err.code, code);
    says(name, err, msg);
    b.clock.advance(60_000);
    assert.is(b.opened(), 0, "no link opened");
  };

  op('a 600-character user name does not fit the default txSize: throws code "size"', () => {
    throwsCode({ username: "u".repeat(600) }, "size", /CONNECT does not fit in txSize/);
  });

  op('a will payload over txSize: throws code "size"', () => {
    throwsCode({ will: { topic: "w", payload: "x".repeat(600) } }, "size", /CONNECT does not fit/);
  });

  op("the same user name fits when txSize is raised", () => {
    const b = base();
    const c = create({ ...b.o, username: "u".repeat(600), txSize: 1024 });
    c.end(true);
  });

  if (needs(name, ["check"], 'keepalive over 65535 throws code "options"')) op('keepalive over 65535 throws code "options"', () => {
    throwsCode({ keepalive: 65536 }, "options", /keepalive/);
  });

  for (const [k, v] of [["keepalive", -1], ["keepalive", 1.5], ["keepalive", "60"], ["window", 0], ["window", 1.5], ["txSize", 8], ["rxSize", NaN], ["reconnectMin", NaN], ["qos2", 0], ["endTimeout", -1]] as [string, any][]) {
    // Without "check" only a wrong type throws (npm run flash checks the ranges of device/config.json).
    if (typeof v == "number" && !needs(name, ["check"], `${k}: ${String(v)} (${typeof v}) throws code "options"`)) continue;
    op(`${k}: ${String(v)} (${typeof v}) throws code "options"`, () => {
      throwsCode({ [k]: v }, "options", new RegExp("option " + k));
    });
  }

  for (const p of [5, 0, "4", 3.1]) {
    op(`protocol ${JSON.stringify(p)} throws code "options"`, () => {
      throwsCode({ protocol: p }, "options", /protocol must be 3/);
    });
  }

  op('a DNS failure (close with code ENOTFOUND before open) waits the longest backoff before the next attempt', () => {
    const err = Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.invalid"), { code: "ENOTFOUND" });
    const s = withScripted(create, { open: false, err }, { reconnectMin: 1000, reconnectMax: 40_000 });
    s.clock.advance(100);
    assert.is(s.errors[0].code, "connect");
    says(name, s.errors[0], /^connect failed: getaddrinfo ENOTFOUND/);
    s.clock.advance(29_000); // 75% of 40 s = 30 s
    assert.is(s.transport.opens, 1);
    s.clock.advance(1_000);
    assert.is(s.transport.opens, 2);
    s.c.end(true);
  });

  op("a refused connect (ECONNREFUSED) backs off from reconnectMin, not the longest step", () => {
    const err = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const s = withScripted(create, { open: false, err }, { reconnectMin: 1000, reconnectMax: 40_000 });
    s.clock.advance(1000);
    assert.is(s.transport.opens, 2);
    s.c.end(true);
  });

  // ---- item 4: a filter over txSize throws at the call
  const sb = suite(`errors: subscribe [${name}]`);

  sb('subscribe() with a filter larger than txSize throws at the call, code "size"; nothing is sent', () => {
    const r = rig(create, { txSize: 64 });
    r.up();
    const before = r.net.sent;
    let err: any = null;
    try {
      r.client.subscribe("f/" + "x".repeat(60));
    } catch (e) {
      err = e;
    }
    assert.ok(err);
    assert.is(err.code, "size");
    says(name, err, /does not fit in txSize/);
    r.clock.advance(100);
    assert.is(r.net.sent, before);
    assert.equal(got(r, "subscribe"), []);
  });

  sb('unsubscribe() with a filter larger than txSize throws at the call, code "size"', () => {
    const r = rig(create, { txSize: 64 });
    assert.throws(() => r.client.unsubscribe("f/" + "x".repeat(60)), (e: any) => e.code == "size");
  });

  sb("the largest filter that fits txSize is sent", () => {
    const r = rig(create, { txSize: 64 });
    r.up();
    const f = "f/" + "x".repeat(64 - 2 - 7); // 2 header + 2 id + 2 length + filter + 1 QoS = 64
    r.client.subscribe(f);
    r.clock.advance(50);
    assert.equal(got(r, "subscribe").map((p) => p.subscriptions[0].topic), [f]);
    assert.throws(() => r.client.subscribe(f + "y"), msg(name, /txSize/));
  });

  // ---- item 6: a handler per filter (the onMessage option; subscribe()'s cb is MQTT.js's, subscribe-callback.test.ts)
  needs(name, ["cb"], 'subscribe("a/#", {onMessage: fn}) calls fn for a match, with QoS 0') && sb('subscribe("a/#", {onMessage: fn}) calls fn for a match, with QoS 0', () => {
    const r = rig(create);
    r.up();
    const seen: string[] = [];
    r.client.subscribe("a/#", { onMessage: (t, p) => seen.push(t + "=" + p) });
    r.clock.advance(50);
    r.broker.publish("a/b", "1");
    r.clock.advance(50);
    assert.equal(seen, ["a/b=1"]);
    assert.is(got(r, "subscribe")[0].subscriptions[0].qos, 0);
  });

  needs(name, ["cb"], 'subscribe("a/#", {qos: 1, onMessage: fn}) calls fn, with QoS 1') && sb('subscribe("a/#", {qos: 1, onMessage: fn}) calls fn, with QoS 1', () => {
    const r = rig(create);
    r.up();
    const seen: string[] = [];
    r.client.subscribe("a/#", { qos: 1, onMessage: (t, p) => seen.push(t + "=" + p) });
    r.clock.advance(50);
    r.broker.publish("a/b", "1", 1);
    r.clock.advance(50);
    assert.equal(seen, ["a/b=1"]);
    assert.is(got(r, "subscribe")[0].subscriptions[0].qos, 1);
  });

  needs(name, ["cb"], 'subscribe("a/#", {onMessage: fn}, cb): fn gets the messages, cb only the SUBACK') && sb('subscribe("a/#", {onMessage: fn}, cb): fn gets the messages, cb only the SUBACK', () => {
    const r = rig(create);
    r.up();
    const seen: string[] = [];
    r.client.subscribe("a/#", { onMessage: (t) => seen.push(t) }, (err) => seen.push("suback " + err));
    r.clock.advance(50);
    r.broker.publish("a/c", "1");
    r.clock.advance(50);
    assert.equal(seen, ["suback null", "a/c"]);
  });

  // ---- item 9: empty payloads
  const em = suite(`errors: empty payloads [${name}]`);

  for (const [label, args] of [["publish(t)", []], ["publish(t, null)", [null]], ["publish(t, undefined, {qos: 1})", [undefined, { qos: 1 }]], ["publish(t, null, {qos: 1})", [null, { qos: 1 }]]] as [string, any[]][]) {
    em(`${label} returns true and sends an empty payload`, () => {
      const r = rig(create);
      r.up();
      assert.is((r.client.publish as any)("e", ...args), true);
      r.clock.advance(50);
      const p = got(r, "publish");
      assert.is(p.length, 1);
      assert.is(p[0].payload.length, 0);
      assert.is(p[0].qos, args[1] ? 1 : 0);
    });
  }

  for (const s of [fa, op, sb, em]) s.run();
}

// ---- items 5, 8 on the entries themselves: the Node build and the device bundle
const en = suite("errors: the entries (build/node/index.cjs, build/mqttiny.min.js)");

/** The device bundle with a fake `require("net")` that records connects. */
function device() {
  const connects: any[] = [];
  const net = {
    connect(o: any) {
      connects.push(o);
      return { on() {}, write() {}, end() {} };
    },
  };
  const m = loadBundle("build/mqttiny.min.js", { E, require: (n: string) => (n == "net" || n == "tls" ? net : null) });
  return { m, connects };
}

en("Node connect({port: NaN}) (an unset environment variable) throws, and opens nothing", () => {
  assert.throws(() => node.connect({ host: "127.0.0.1", port: NaN }), /port must be a number/);
  assert.throws(() => node.connect({ port: Number(undefined) }), /port/);
  assert.throws(() => node.connect({ port: 70000 }), /port/);
  assert.throws(() => node.connect({ port: "1883" }), /port/);
});

en("device connect({port: NaN}) throws, and opens nothing", () => {
  const d = device();
  assert.throws(() => d.m.connect({ host: "10.0.0.1", port: NaN }), /port must be a number/);
  assert.throws(() => d.m.connect({ port: 0 }), /port/);
  assert.equal(d.connects, []);
});

en("Node connect() with no argument does not throw; end() at once leaves it ended, with no attempt", () => {
  const c = node.connect();
  assert.is(c.state(), 0);
  c.end();
  assert.is(c.state(), 4);
  assert.is(c.attempts, 0);
});

en("device connect() with no argument uses the defaults (port 1883) and connects on the next tick", async () => {
  const d = device();
  const c = d.m.connect();
  assert.is(c.state(), 0);
  await new Promise((r) => setTimeout(r, 20));
  assert.is(d.connects.length, 1);
  assert.is(d.connects[0].port, 1883);
  c.end(true);
});

en("device connect() then end() at once: no socket is ever opened", async () => {
  const d = device();
  const c = d.m.connect();
  c.end();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(d.connects, []);
  assert.is(c.state(), 4);
});

en("Node connect({username: 600 chars}) throws code \"size\" at the call", () => {
  assert.throws(() => node.connect({ port: 1, username: "u".repeat(600) }), (e: any) => e.code == "size");
});

// ---- item 7: Node payloads against a real broker
const bin = suite("errors: Node payloads, against aedes");
let aedes: { port: number; stop(): Promise<void> };
bin.before(async () => {
  aedes = await startAedes();
});
bin.after(async () => {
  await aedes.stop();
});

async function receive(o: any, payload: Buffer | string) {
  const c = node.connect({ host: "127.0.0.1", port: aedes.port, clientId: "bin-" + process.pid + "-" + Math.random(), ...o });
  const got: any[] = [];
  c.subscribe("bin/t", { qos: 1, onMessage: (_t: string, p: any) => got.push(p) });
  await until(() => c.state() == 3, 5000, "connected");
  await new Promise((r) => setTimeout(r, 50)); // SUBACK
  const w = await mqtt.connectAsync(`mqtt://127.0.0.1:${aedes.port}`);
  await w.publishAsync("bin/t", payload, { qos: 1 });
  await until(() => got.length == 1, 5000, "message");
  await w.endAsync();
  c.end(true);
  return got[0];
}

bin("binary payload [0,1,2,255] arrives lossless by default, as a Buffer", async () => {
  const p = await receive({}, Buffer.from([0, 1, 2, 255]));
  assert.ok(Buffer.isBuffer(p), "a Buffer");
  assert.equal([...p], [0, 1, 2, 255]);
});

bin("binary: false gives a UTF-8 string", async () => {
  const p = await receive({ binary: false }, Buffer.from("héllo ✓", "utf8"));
  assert.is(typeof p, "string");
  assert.is(p, "héllo ✓");
});

bin("binary: false decodes invalid UTF-8 as replacement characters (documented trade-off)", async () => {
  const p = await receive({ binary: false }, Buffer.from([0, 1, 2, 255]));
  assert.is(p, "\u0000\u0001\u0002\ufffd");
});

en.run();
bin.run();
