// The remaining-length boundary on every packet the client builds, and the 5-byte length the decoders
// refuse, on both builds (the board's String wire builds each packet type in its own code).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, msg } from "./sim/setup";
import type { Create } from "./sim/setup";

/** A client on a link that records each write's bytes; the CONNECT is written at once, and `connack()` answers it. */
function capture(create: Create, opts: any = {}) {
  const out: number[][] = [];
  const errors: any[] = [];
  let closed = 0;
  let h: any = null;
  const due: (() => void)[] = [];
  const clock = { now: () => 0, set: (f: (a: any) => void, _ms: number, a?: any) => (due.push(() => f(a)), due.length), clear() {} };
  const bytes = (d: any, from: number, to: number) => (typeof d == "string" ? Array.from(d.slice(from, to), (ch) => ch.charCodeAt(0)) : Array.from(d.subarray(from, to)));
  const transport = (e: any) => ((h = e), { write: (d: any, from: number, to: number) => out.push(bytes(d, from, to) as number[]), close: () => closed++ });
  const c = create({ clientId: "c", keepalive: 0, random: () => 0.5, clock, transport, ...opts } as any);
  c.on("error", (e: any) => errors.push(e));
  due.shift()!(); // the first connect attempt
  h.open();
  return { c, out, errors, closed: () => closed, feed: (b: number[]) => h.data(new Uint8Array(b)), connack: () => h.data(new Uint8Array([0x20, 2, 0, 0])) };
}

for (const [name, create] of impls) {
  const t = suite(`wire lengths [${name}]`);

  t("CONNECT: a body of 127 bytes has one length byte (10 7F), 128 two (10 80 01)", () => {
    // Body: 10 bytes of variable header, then the client id with its 2-byte length.
    for (const [n, head] of [[115, [0x10, 0x7f]], [116, [0x10, 0x80, 0x01]]] as const) {
      const { out } = capture(create, { clientId: "i".repeat(n), protocol: 4 });
      assert.equal(out[0].slice(0, head.length), [...head]);
      assert.is(out[0].length, head.length + 12 + n);
    }
  });

  t("SUBSCRIBE: a body of 127 bytes has one length byte (82 7F), 128 two (82 80 01)", () => {
    // Body: packet id, the filter with its length, the QoS byte.
    for (const [n, head] of [[122, [0x82, 0x7f]], [123, [0x82, 0x80, 0x01]]] as const) {
      const x = capture(create);
      x.connack();
      x.c.subscribe("f".repeat(n), { qos: 1 });
      const p = x.out[1];
      assert.equal(p.slice(0, head.length), [...head]);
      assert.is(p.length, head.length + 5 + n);
      assert.is(p[p.length - 1], 1);
    }
  });

  t("UNSUBSCRIBE: a body of 127 bytes has one length byte (A2 7F), 128 two (A2 80 01)", () => {
    for (const [n, head] of [[123, [0xa2, 0x7f]], [124, [0xa2, 0x80, 0x01]]] as const) {
      const x = capture(create);
      x.connack();
      x.c.unsubscribe("u".repeat(n));
      const p = x.out[1];
      assert.equal(p.slice(0, head.length), [...head]);
      assert.is(p.length, head.length + 4 + n);
    }
  });

  t("a remaining length of 5 bytes (30 FF FF FF FF 01) is malformed: an error, and the link is dropped", () => {
    const x = capture(create);
    x.connack();
    x.feed([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert.is(x.errors.length, 1);
    assert.match(x.errors[0].message, msg(name, /malformed packet from server/));
    assert.is(x.closed(), 1);
    assert.is(x.c.state(), 0);
  });

  t.run();
}
