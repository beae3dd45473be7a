// Behaviours found untested by `npm run mutate` (bench/README.md, "Mutation score"): each test kills a
// mutant of src/client.ts that the rest of the suite let live.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, rig, got, needs } from "./sim/setup";

for (const [name, create] of impls) {
  const t = suite(`mutants: client behaviours no other test checked [${name}]`);

  // Mutant: `if (k >= 0) c.q2.splice(k, 1)` -> `c.q2.splice(k, 1)`: splice(-1, 1) forgets the newest id.
  const stray = "a PUBREL for an id never received forgets no open QoS 2 exchange: its resend is not delivered twice";
  if (needs(name, ["qos2"], stray)) t(stray, () => {
    const r = rig(create);
    r.broker.autoPubrel = false;
    r.up();
    const c = r.broker.last()!;
    c.send({ cmd: "publish", topic: "in", payload: Buffer.from("once"), qos: 2, messageId: 1, retain: false, dup: false });
    r.clock.advance(50);
    c.send({ cmd: "pubrel", messageId: 9 });
    r.clock.advance(50);
    assert.equal(c.packets.filter((p) => p.cmd == "pubcomp").map((p) => p.messageId), [9], "the stray PUBREL is completed");
    c.send({ cmd: "publish", topic: "in", payload: Buffer.from("once"), qos: 2, messageId: 1, retain: false, dup: true });
    r.clock.advance(50);
    assert.equal(r.messages, [["in", "once"]]);
    assert.equal(c.packets.filter((p) => p.cmd == "pubrec").map((p) => p.messageId), [1, 1], "the resend is still acknowledged");
  });

  // Mutant: the SUBACK loop `k < sb.length` -> `k <= sb.length`: reads past the list and throws.
  t("a SUBACK for a packet id never sent is ignored: no error, the link stays up, the subscription still works", () => {
    const r = rig(create);
    r.up();
    r.client.subscribe("a");
    r.clock.advance(50);
    assert.is(got(r, "subscribe").length, 1);
    r.broker.last()!.send({ cmd: "suback", messageId: 999, granted: [0] });
    r.clock.advance(50);
    assert.equal(r.errors, []);
    assert.is(r.client.state(), 3);
    assert.is(r.broker.conns.length, 1, "no reconnect");
    r.broker.publish("a", "x");
    r.clock.advance(50);
    assert.equal(r.messages, [["a", "x"]]);
  });

  // Mutant: the UNSUBACK branch emptied: an acknowledged UNSUBSCRIBE stays in the list, resent at every
  // reconnect to a kept session (and the list grows with every unsubscribe()).
  t("an UNSUBSCRIBE acknowledged by its UNSUBACK is not sent again after a reconnect to the kept session", () => {
    const r = rig(create, { clean: false, reconnectMin: 1000 });
    r.up();
    r.client.subscribe("a/#", { qos: 1 });
    r.clock.advance(50);
    r.client.unsubscribe("a/#");
    r.clock.advance(50);
    assert.equal(r.broker.last()!.packets.filter((p) => p.cmd == "unsubscribe").length, 1, "sent and acknowledged");
    r.net.drop();
    r.clock.advance(2000);
    assert.equal(r.events.filter((e) => e.startsWith("connected")), ["connected", "connected+session"]);
    assert.is(r.broker.conns.length, 2, "the link was dropped once");
    assert.equal(got(r, "unsubscribe").length, 1);
  });

  t.run();
}
