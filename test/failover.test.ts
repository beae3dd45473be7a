// Failover across brokers (issue 32): `servers`, as MQTT.js names it. In the simulator on both builds,
// and on Node against two real mosquittos on loopback.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { virtualClock } from "./sim/clock";
import { createBroker } from "./sim/broker";
import { createNet } from "./sim/net";
import { loadBundle, E } from "./sim/setup";
import { createClient as srcCreate } from "../src/client";
import { connect } from "../src/node";
import { startMosquitto, until } from "./brokers";
import mqtt from "mqtt";

const builds: [string, (o: any, make: (o: any) => any) => any][] = [
  ["src", (o, make) => srcCreate(o, make)],
  ["min", (o, make) => loadBundle("build/mqttiny.min.js", { E }).createClient(o, make)],
];

/** Two simulated brokers on "ports" 1 and 2, and a client given both as its servers. */
function pair(create: (o: any, make: (o: any) => any) => any, opts: any = {}) {
  const clock = virtualClock(1_000_000);
  const brokers = [createBroker(), createBroker()];
  const nets = brokers.map((b) => createNet(clock, b));
  const client = create({ servers: [{ host: "a", port: 1 }, { host: "b", port: 2 }], clock, clientId: "f1", random: () => 0.5, reconnectMin: 1000, reconnectMax: 60000, ...opts }, (o: any) => nets[o.port - 1].transport);
  const events: string[] = [];
  client.on("connected", () => events.push("connected"));
  client.on("error", (e: any) => events.push("error " + e.code));
  return { clock, brokers, nets, client, events };
}

for (const [name, create] of builds) {
  const t = suite(`failover [${name}]`);

  t("a lost link moves to the next broker; held QoS 1 messages go to whichever takes the connection", () => {
    const p = pair(create);
    assert.ok(p.clock.until(() => p.client.state() == 3, 5000));
    assert.is(p.nets[0].connects, 1);
    p.brokers[0].ackPublish = () => false;
    for (let i = 0; i < 3; i++) p.client.publish("t", "m" + i, { qos: 1 });
    p.clock.advance(50);
    p.nets[0].refuse(true);
    p.nets[0].drop();
    p.clock.advance(10);
    assert.ok(p.clock.until(() => p.client.state() == 3, 5000));
    assert.is(p.nets[0].drops, 1, "the first broker's link was dropped");
    assert.is(p.nets[1].connects, 1, "the second broker took the connection");
    p.clock.advance(100);
    assert.equal(p.brokers[1].log.filter((x) => x.cmd == "publish").map((x) => String(x.payload)), ["m0", "m1", "m2"]);
    assert.is(p.client.queued(), 0);
  });

  t("it moves back when the second broker dies, and the backoff grows once per pass over the list", () => {
    const p = pair(create);
    assert.ok(p.clock.until(() => p.client.state() == 3, 5000));
    p.nets[0].refuse(true);
    p.nets[0].drop();
    p.clock.advance(10);
    assert.ok(p.clock.until(() => p.client.state() == 3, 5000));
    p.nets[0].refuse(false);
    p.nets[1].refuse(true);
    p.nets[1].drop();
    p.clock.advance(10);
    assert.ok(p.clock.until(() => p.client.state() == 3, 5000));
    assert.is(p.nets[0].connects, 2, "back on the first");
    // Both refuse: attempts alternate, and the wait doubles per pass over the two, not per attempt.
    p.nets[0].refuse(true);
    p.nets[0].drop();
    const t0 = p.clock.now();
    const at: number[] = [];
    const seen = p.nets.map((n) => n.connects);
    const base = [...seen];
    for (let i = 0; i < 60_000 && at.length < 6; i++) {
      p.clock.advance(10);
      const now = p.nets.map((n) => n.connects);
      if (now[0] + now[1] > seen[0] + seen[1]) at.push(p.clock.now() - t0);
      seen.splice(0, 2, ...now);
    }
    const gaps = at.map((x, i) => x - (i ? at[i - 1] : 0));
    const g = gaps.map((x) => Math.round(x / 100) * 100);
    assert.equal(g, [g[0], g[0], 2 * g[0], 2 * g[0], 4 * g[0], 4 * g[0]], "gaps " + gaps);
    assert.equal([p.nets[0].connects - base[0], p.nets[1].connects - base[1]], [3, 3], "alternating");
  });

  t("a refusal that cannot fix itself (CONNACK 5) moves to the next broker at once, not after reconnectMax", () => {
    const p = pair(create);
    p.brokers[0].connack = 5;
    assert.ok(p.clock.until(() => p.client.state() == 3, 5000), "connected to the second within 5 s (reconnectMax is 60 s)");
    assert.is(p.nets[1].connects, 1);
    assert.ok(p.events.includes("error 5"), "the refusal happened");
  });

  t.run();
}

const r = suite("failover on Node, two mosquittos");

r("killing the first moves the client to the second, held QoS 1 messages arrive there, and it moves back when the second dies", async () => {
  const a = await startMosquitto();
  const b = await startMosquitto();
  const subs = await Promise.all([a, b].map((m) => mqtt.connectAsync(`mqtt://127.0.0.1:${m.port}`, { clientId: "watch" + m.port })));
  const got: string[][] = [[], []];
  subs.forEach((s, i) => {
    s.on("message", (_t, p) => got[i].push(String(p)));
  });
  await Promise.all(subs.map((s) => s.subscribeAsync("f/#", { qos: 1 })));
  const c = connect({ servers: [{ host: "127.0.0.1", port: a.port }, { host: "127.0.0.1", port: b.port }], clientId: "fo1", reconnectMin: 100, reconnectMax: 1000 });
  try {
    await until(() => c.state() == 3, 5000, "connected to the first");
    c.publish("f/x", "1", { qos: 1 });
    await until(() => got[0].includes("1"), 5000, "1 at the first");
    await a.stop();
    subs[0].end(true);
    for (let i = 2; i <= 4; i++) c.publish("f/x", String(i), { qos: 1 }); // held while it moves
    await until(() => ["2", "3", "4"].every((x) => got[1].includes(x)), 10000, "2-4 at the second");
    await a.start();
    await b.stop();
    await until(() => c.state() == 3 && c.attempts >= 3, 10000, "back on the first");
    const w = await mqtt.connectAsync(`mqtt://127.0.0.1:${a.port}`, { clientId: "watch-a2" });
    const again: string[] = [];
    w.on("message", (_t, p) => again.push(String(p)));
    await w.subscribeAsync("f/#", { qos: 1 });
    c.publish("f/x", "5", { qos: 1 });
    await until(() => again.includes("5"), 5000, "5 at the first again");
    w.end(true);
  } finally {
    c.end(true);
    subs.forEach((s) => s.end(true));
    await a.stop();
    await b.stop();
  }
});

r.run();
