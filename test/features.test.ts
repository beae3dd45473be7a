// Build-time features (issue 29, src/features.ts): a feature switched off is gone from the bundle, and
// calling it on a build without it throws an error with code "build" that names the build that has it;
// the one exception, a QoS 2 subscribe, is made as QoS 1 on lite. Each rule is checked both ways: on the
// lite bundle and on the full builds (the TypeScript source and build/mqttiny.min.js).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { impls, rig, got, features, loadBundle, E } from "./sim/setup";
import { virtualClock } from "./sim/clock";
import { DEVICE, DEVICE_LITE, DEVICE_SN, DEVICE_SN_LITE } from "./bundle-helpers";

const t = suite("features");

// Text that only the code of a feature writes: in the full bundle, not in lite.
const MARKS: [string, string][] = [
  ["v31", "MQIsdp"],
  ["tls", '?"tls":"net"'],
  ["text", "no PINGRESP within"],
  ["check", "268435455"],
  ["bin", "toUint8Array"],
  ["cb", "callback threw"],
];
for (const [f, mark] of MARKS)
  t(`${f}: its code is in build/mqttiny.min.js and gone from build/mqttiny-lite.min.js ("${mark}")`, () => {
    assert.ok(readFileSync(DEVICE, "latin1").includes(mark));
    assert.not.ok(readFileSync(DEVICE_LITE, "latin1").includes(mark));
  });

t("MQTT-SN lite: no will and no subscribe code; subscribe() and a will throw code \"build\"", () => {
  const full = readFileSync(DEVICE_SN, "latin1");
  const lite = readFileSync(DEVICE_SN_LITE, "latin1");
  // subscribe() and updateWill() are a throw and nothing else; the will's WILLTOPIC answer is gone.
  assert.ok(lite.includes("subscribe:function(){throw") && lite.includes("updateWill:function(){throw"));
  assert.not.ok(full.includes("subscribe:function(){throw"));
  assert.ok(full.includes(".topic,") && !lite.includes(".topic,"), "WILLTOPIC's encoding (w.topic) only in the full bundle");
  const m = loadBundle(DEVICE_SN_LITE, { E });
  const clock = { now: () => 0, set: () => 1, clear() {} };
  const transport = () => ({ send() {}, close() {} });
  const c = m.connect({ transport, clock, clientId: "s1" });
  for (const f of [() => c.subscribe("a/#"), () => c.unsubscribe("a/#"), () => c.updateWill(null)]) {
    const e = thrown(f);
    assert.is(e && e.code, "build");
    assert.match(e.message, /on MQTT-SN needs mqttiny \(full\)$/);
  }
  const e = thrown(() => m.connect({ transport, clock, clientId: "s2", will: { topic: "w", payload: "x" } }));
  assert.is(e && e.code, "build");
});

/** What `f` throws, or null. */
function thrown(f: () => unknown): any {
  try {
    f();
  } catch (e) {
    return e;
  }
  return null;
}

const base = () => {
  const clock = virtualClock(0);
  let opened = 0;
  return { clock, o: { clock, clientId: "f1", transport: () => (opened++, { write() {}, close() {} }) } as any, opened: () => opened };
};

for (const [name, create] of impls) {
  const lite = !features[name].includes("v31");
  const s = suite(`features [${name}]`);
  // Options a build without the feature refuses at connect(), with nothing opened.
  const OPTIONS: [string, object, RegExp][] = [
    ["v31", { protocol: 3 }, /^MQTT 3\.1 \(protocol: 3\) needs mqttiny \(full\)$/],
    ["bin", { binary: true }, /^binary: true needs mqttiny \(full\)$/],
  ];
  for (const [f, o, msg] of OPTIONS)
    s(`${JSON.stringify(o)}: ${lite ? 'throws code "build" naming the full build, nothing opened' : "connects"}`, () => {
      const b = base();
      const e = thrown(() => create({ ...b.o, ...o }).end(true));
      b.clock.advance(10);
      if (!features[name].includes(f as any)) {
        assert.ok(e, "threw");
        assert.is(e.code, "build");
        assert.match(e.message, msg);
        assert.is(b.opened(), 0);
      } else assert.is(e, null);
    });

  s(`a Uint8Array payload: ${lite ? 'throws code "build"' : "is published"}; nothing sent on lite`, () => {
    const r = rig(create);
    r.up();
    const e = thrown(() => r.client.publish("t", new Uint8Array([1, 2]), { qos: 1 }));
    r.clock.advance(20);
    if (lite) {
      assert.is(e && e.code, "build");
      assert.match(e.message, /^a binary payload needs mqttiny \(full\)$/);
      assert.is(got(r, "publish").length, 0);
    } else {
      assert.is(e, null);
      assert.is(got(r, "publish").length, 1);
    }
  });

  s(`subscribe(filter, {onMessage}): ${lite ? 'throws code "build"; nothing sent' : "the callback gets the message"}`, () => {
    const r = rig(create);
    r.up();
    const seen: string[] = [];
    const e = thrown(() => r.client.subscribe("a/#", { onMessage: (tp: string) => seen.push(tp) }));
    r.clock.advance(20);
    r.broker.last()!.send({ cmd: "publish", topic: "a/b", payload: Buffer.from("x"), qos: 0, retain: false });
    r.clock.advance(20);
    if (lite) {
      assert.is(e && e.code, "build");
      assert.match(e.message, /^a subscription callback needs mqttiny \(full\)$/);
      assert.is(got(r, "subscribe").length, 0);
    } else assert.equal(seen, ["a/b"]);
  });

  s(`subscribe(filter, {qos: 2}) asks for QoS ${lite ? "1 on lite (no inbound QoS 2)" : "2"}`, () => {
    const r = rig(create);
    r.up();
    r.client.subscribe("a/#", { qos: 2 });
    r.clock.advance(20);
    assert.equal(got(r, "subscribe").map((p) => p.subscriptions[0].qos), [lite ? 1 : 2]);
  });

  s(`a QoS 2 PUBLISH from the broker: ${lite ? "a decoder error (-5) on lite, which reconnects; not delivered" : "delivered once, PUBREC"}`, () => {
    const r = rig(create);
    r.up();
    r.broker.last()!.send({ cmd: "publish", topic: "q", payload: Buffer.from("2"), qos: 2, messageId: 9, retain: false });
    r.clock.advance(20);
    if (lite) {
      assert.equal(r.messages, []);
      assert.equal(r.errors.map((e) => e.code), [-5]);
      assert.is(got(r, "pubrec").length, 0);
      r.clock.advance(3000);
      assert.is(r.client.state(), 3, "connected again");
    } else {
      assert.equal(r.messages.map((m) => m[0]), ["q"]);
      assert.equal(got(r, "pubrec").map((p) => p.messageId), [9]);
    }
  });
  s.run();
}

// The Espruino transport's TLS: the device bundles' connect(), with `net`/`tls` stubs (nothing opens).
for (const [file, has] of [
  [DEVICE, true],
  [DEVICE_LITE, false],
] as [string, boolean][])
  t(`${file}: connect({ tls: true }) ${has ? "uses require(\"tls\")" : 'throws code "build": "tls needs mqttiny (full)"'}`, () => {
    const asked: string[] = [];
    const sock = { on() {}, end() {} };
    const m = loadBundle(file, { E, require: (n: string) => (asked.push(n), { connect: () => sock }) });
    // The first attempt is the clock's first timer: run it once, by hand.
    let first: any = null;
    const e = thrown(() => {
      const c = m.connect({ host: "127.0.0.1", tls: true, clock: { now: () => 0, set: (f: any, _ms: number, a: any) => ((first = first || [f, a]), 1), clear() {} } });
      first[0](first[1]);
      c.end(true);
    });
    if (has) {
      assert.is(e, null);
      assert.equal(asked, ["tls"]);
    } else {
      assert.is(e && e.code, "build");
      assert.is(e.message, "tls needs mqttiny (full)");
      assert.equal(asked, []);
    }
  });

t.run();
