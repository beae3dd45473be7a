// A seeded model-based test. For each seed: random API calls (QoS 0/1 publishes with unique payloads,
// subscribe/unsubscribe, sometimes end()), link drops, broker restarts that keep or forget sessions,
// PUBACKs held back and released out of order, inbound QoS 2 messages, all through the simulator.
// After every step: no reserved or malformed packet reached the broker, every connection starts with
// one CONNECT, no two QoS 1 messages in flight share an id, no inbound QoS 2 message was delivered twice,
// connected/offline/close are balanced. At the end, on a stable link: every QoS 1 publish that returned
// true reached the broker (unless end() reported it as not sent), and every inbound QoS 2 message of a
// kept session was delivered exactly once. A failure names the seed and step, and replays.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, rig, features } from "./sim/setup";
import type { Create } from "./sim/setup";
import type { BrokerConn, Packet } from "./sim/broker";
import { rng } from "./sim/rng.mjs";

const SEEDS = Number(process.env.MODEL_SEEDS || 80);
const STEPS = Number(process.env.MODEL_STEPS || 300);
const FILTERS = ["x/#", "x/+", "+/y", "x/y", "#"];

interface Outcome {
  steps: number;
  accepted: number;
  drops: number;
  restarts: number;
  q2: number;
  ended: boolean;
}

function model(create: Create, seed: number, name = "src"): Outcome {
  // A build without inbound QoS 2 or subscription callbacks (lite, issue 29) subscribes at QoS 1 through
  // `message`: every message of a kept session still arrives, at least once.
  const q2 = features[name].includes("qos2") && features[name].includes("cb");
  const R = rng(seed);
  const pick = <T>(a: T[]) => a[Math.floor(R() * a.length)];
  const clean = R() < 0.4;
  const opts = {
    clean,
    clientId: "m" + seed,
    // MQTT 3.1 in a quarter of the runs: its CONNACK has no session-present flag.
    protocol: (R() < 0.25 && features[name].includes("v31") ? 3 : 4) as 3 | 4,
    reconnectMin: 100 + Math.floor(R() * 400),
    reconnectMax: 3000,
    keepalive: pick([0, 2, 5, 30]),
    ackTimeout: 2000 + Math.floor(R() * 4000),
    connectTimeout: 2000,
    endTimeout: 3000,
    window: 1 + Math.floor(R() * 6),
    storeSize: pick([300, 1024, 4096]),
    qos2: pick([4, 8, 16]),
    random: R,
  };
  const r = rig(create, opts, { seed, latency: 1 + Math.floor(R() * 8), maxChunk: R() < 0.5 ? 1 + Math.floor(R() * 40) : undefined });
  const b = r.broker;
  b.resend = true; // a broker resumes QoS 2 flows of a kept session

  let step = 0;
  const where = () => `seed ${seed} step ${step} (clean ${clean}, protocol ${opts.protocol}, window ${opts.window}, store ${opts.storeSize})`;

  // ---- what the client accepted, what the broker saw
  const accepted: string[] = [];
  let nextPayload = 0;
  // PUBACKs held back per connection, released later in random order.
  let holdP = 0;
  const held = new Map<BrokerConn, Packet[]>();
  // QoS 1 ids in flight per connection (PUBLISH seen, PUBACK not yet sent): two live messages must not share one.
  const flying = new Map<BrokerConn, Map<number, string>>();
  b.ackPublish = (p, c) => {
    const m = flying.get(c) || new Map<number, string>();
    flying.set(c, m);
    const was = m.get(p.messageId);
    if (was != null && was != String(p.payload)) assert.unreachable(`${where()}: id ${p.messageId} in flight for "${was}" reused for "${p.payload}"`);
    if (R() < holdP) {
      m.set(p.messageId, String(p.payload));
      const h = held.get(c) || [];
      held.set(c, h);
      h.push(p);
      return false;
    }
    m.delete(p.messageId);
    return true;
  };
  function release(all: boolean) {
    for (const [c, h] of held) {
      // Out of order: a random subset, shuffled.
      const out = all ? h.splice(0) : h.filter(() => R() < 0.5);
      if (!all) for (const p of out) h.splice(h.indexOf(p), 1);
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(R() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      for (const p of out) {
        flying.get(c)!.delete(p.messageId);
        c.send({ cmd: "puback", messageId: p.messageId });
      }
      if (!c.alive) held.delete(c);
    }
  }

  // ---- inbound QoS 2: every delivery counted; `due` must arrive while the session lasts
  const delivered = new Map<string, number>();
  const due = new Set<string>();
  let nextIn = 0;
  const onIn = (_t: string, p: any) => {
    const k = String(p);
    const n = (delivered.get(k) || 0) + 1;
    delivered.set(k, n);
    due.delete(k);
    if (n > 1 && q2) assert.unreachable(`${where()}: inbound QoS 2 "${k}" delivered ${n} times`);
  };
  if (q2) r.client.subscribe("in/#", { qos: 2, onMessage: onIn });
  else {
    r.client.subscribe("in/#", { qos: 2 });
    r.client.on("message", (t: string, p: any) => t.startsWith("in/") && onIn(t, p));
  }
  function pubrels() {
    const c = b.last();
    if (!c || !c.alive) return;
    const ids = [...c.session().out].filter(([, m]) => m.rec).map(([id]) => id);
    for (const id of ids.sort(() => R() - 0.5)) c.send({ cmd: "pubrel", messageId: id });
  }
  const forgetSession = () => due.clear(); // messages of a discarded session may be lost, never doubled

  // ---- events
  let connected = 0;
  let offline = 0;
  let closed = 0;
  let endedHeld = -1;
  r.client.on("connected", (i: any) => {
    connected++;
    if (!i.sessionPresent) forgetSession();
  });
  r.client.on("offline", () => {
    offline++;
    if (clean) forgetSession();
  });
  r.client.on("close", () => closed++);
  r.client.on("error", (e: any) => {
    // Without the "text" feature the message is the code only: the count is what is still held.
    if (e.code == "ended") endedHeld = features[name].includes("text") ? Number(e.message.split(" ")[0]) : r.client.queued();
    if (!["connect", "closed", "timeout", "ended", "qos2", 3].includes(e.code)) assert.unreachable(`${where()}: unexpected error ${e.code}: ${e.message}`);
  });

  function check() {
    const bad = b.types.filter((t) => t <= 0 || t >= 15);
    if (bad.length) assert.unreachable(`${where()}: reserved/malformed packet types reached the broker: ${bad}`);
    const perr = b.log.find((p) => p.cmd == "error");
    if (perr) assert.unreachable(`${where()}: the broker could not parse a packet: ${perr.message}`);
    for (const c of b.conns) {
      if (c.packets.length && c.packets[0].cmd != "connect") assert.unreachable(`${where()}: conn ${c.id} starts with ${c.packets[0].cmd}`);
      if (c.packets.filter((p) => p.cmd == "connect").length > 1) assert.unreachable(`${where()}: two CONNECTs on conn ${c.id}`);
    }
    for (const p of b.log) if (p.cmd == "publish" && (p.qos > 1 || (p.qos == 1 && !(p.messageId >= 1 && p.messageId <= 65535)))) assert.unreachable(`${where()}: bad PUBLISH ${JSON.stringify(p)}`);
    if (!(offline == connected || offline == connected - 1)) assert.unreachable(`${where()}: connected ${connected}, offline ${offline}`);
    if (closed > 1) assert.unreachable(`${where()}: close fired ${closed} times`);
  }

  // ---- the run
  const endAt = R() < 0.25 ? Math.floor(R() * STEPS) : -1;
  let drops = 0;
  let restarts = 0;
  for (step = 0; step < STEPS; step++) {
    const x = R();
    const ended = r.client.state() == 4 || step > endAt && endAt >= 0;
    if (x < 0.3) {
      const p = "p" + nextPayload++;
      const ok = r.client.publish("p/" + (nextPayload % 5), p, { qos: 1, retain: R() < 0.1 });
      if (ok) accepted.push(p);
      if (ok && ended) assert.unreachable(`${where()}: publish after end() returned true`);
    } else if (x < 0.38) {
      r.client.publish("q/0", "z" + nextPayload++);
    } else if (x < 0.45) {
      const f = pick(FILTERS);
      if (R() < 0.5) q2 ? r.client.subscribe(f, { qos: pick([0, 1, 2] as const), onMessage: () => {} }) : r.client.subscribe(f, { qos: pick([0, 1, 2] as const) });
      else r.client.unsubscribe(f);
    } else if (x < 0.6) {
      const last = b.last();
      // A broker with mosquitto's max_inflight 20, more than the client's qos2 slots (4, 8 or 16).
      if (last && last.alive && last.subs().has("in/#") && last.session().out.size < 20) {
        const k = "i" + nextIn++;
        due.add(k);
        b.publish("in/" + (nextIn % 3), k, 2);
      }
    } else if (x < 0.64) {
      b.publish(pick(["x/y", "x/z", "a/y"]), "o", pick([0, 1]));
    } else if (x < 0.68) {
      r.net.drop();
      drops++;
      if (clean) forgetSession();
    } else if (x < 0.7) {
      // A 3.1 client cannot tell a broker that lost its session (no session-present flag): it keeps
      // its QoS 2 ids, so with 3.1 the broker's sessions survive its restarts here.
      const keep = opts.protocol == 3 || R() < 0.7;
      b.restart(keep);
      restarts++;
      if (!keep || clean) forgetSession();
    } else if (x < 0.8) {
      release(false);
    } else if (x < 0.85) {
      holdP = pick([0, 0.3, 0.7, 1]);
    } else if (x < 0.88) {
      // PUBRELs held back (sent on the next resume of the session), or released now, out of order.
      b.autoPubrel = R() < 0.5;
      if (b.autoPubrel) pubrels();
    }
    if (step == endAt) r.client.end(R() < 0.2);
    r.clock.advance(Math.floor(R() * R() * 800));
    check();
  }

  // ---- settle: no more faults, every ack released, then end
  holdP = 0;
  release(true);
  b.autoPubrel = true;
  pubrels();
  if (r.client.state() != 4) {
    r.clock.until(() => r.client.state() == 3 && r.client.queued() == 0, 120_000);
    assert.is(r.client.queued(), 0, `${where()}: held QoS 1 messages never drained on a stable link`);
    r.clock.advance(2000); // inbound flows finish
    r.client.end();
  }
  r.clock.advance(10_000);
  check();
  assert.is(closed, 1, `${where()}: close after end()`);
  assert.is(offline, connected, `${where()}: every connected has its offline after end()`);
  assert.is(r.client.state(), 4);

  const seen = new Set(b.log.filter((p) => p.cmd == "publish" && p.qos == 1).map((p) => String(p.payload)));
  const lost = accepted.filter((p) => !seen.has(p));
  if (endedHeld < 0) assert.equal(lost, [], `${where()}: QoS 1 messages accepted and never received`);
  else assert.ok(lost.length <= endedHeld, `${where()}: ${lost.length} lost, end() reported ${endedHeld} not sent`);
  if (endAt < 0) assert.equal([...due], [], `${where()}: inbound QoS 2 messages of a kept session never delivered`);
  return { steps: STEPS, accepted: accepted.length, drops, restarts, q2: delivered.size, ended: endAt >= 0 };
}

for (const [name, create] of impls) {
  const t = suite(`model [${name}]`);
  const totals = { accepted: 0, drops: 0, restarts: 0, q2: 0, ended: 0 };
  for (let seed = 1; seed <= SEEDS; seed++) {
    t(`seed ${seed}: no reserved packet, no lost QoS 1, inbound QoS 2 exactly once, events balanced`, () => {
      const o = model(create, seed, name);
      totals.accepted += o.accepted;
      totals.drops += o.drops;
      totals.restarts += o.restarts;
      totals.q2 += o.q2;
      totals.ended += +o.ended;
    });
  }
  t("the seeds exercised every fault (drops, restarts, end() mid-run, inbound QoS 2)", () => {
    if (process.env.MODEL_DEBUG) console.log(totals);
    assert.ok(totals.accepted > SEEDS * 20, JSON.stringify(totals));
    assert.ok(totals.drops > SEEDS, JSON.stringify(totals));
    assert.ok(totals.restarts > SEEDS / 2, JSON.stringify(totals));
    assert.ok(totals.q2 > SEEDS * 10, JSON.stringify(totals));
    assert.ok(totals.ended >= 2, JSON.stringify(totals));
  });
  t.run();
}
