// The board's short paths (issue 11): a reading to a topic already published to is built inside
// publish(), a QoS 1 reading inside the store, and a PUBACK is read before the framing. Each must put
// the same bytes on the wire and take the same decisions as the general path, on both builds.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { impls, needs, msg } from "./sim/setup";
import { toHex } from "./hex";

/**
 * A link that records what the client writes, as hex (`out` starts after the CONNECT), and `feed` hands
 * the client bytes as the link's data; `reconnect` drops the link, runs the backoff timer and connects
 * again with a CONNACK (session present with `sp`). `linkHw` is the link's high-water mark.
 */
function wired(create: (o: any) => any, opts: any = {}, before?: (c: any) => void) {
  const { raw, linkHw, ...rest } = opts;
  const out: string[] = [];
  const writes: number[] = []; // packets in each write
  let h: any = null;
  let timers: [number, () => void][] = [];
  const clock = {
    now: () => 0,
    set: (f: (a: any) => void, ms: number, a?: any) => {
      const t: [number, () => void] = [ms, () => f(a)];
      timers.push(t);
      return t;
    },
    clear: (t: any) => (timers = timers.filter((x) => x !== t)),
  };
  const bytes = (d: any, from: number, to: number) => (typeof d == "string" ? Array.from(d.slice(from, to), (ch) => ch.charCodeAt(0)) : Array.from(d.subarray(from, to)));
  // A socket is a stream: one write may carry several packets (the device store sends a window of first
  // sends together), so `out` holds packets, cut at each fixed header's remaining length.
  const packets = (b: number[]) => {
    writes.push(0);
    for (let o = 0; o < b.length; writes[writes.length - 1]++) {
      let n = 0;
      let k = o + 1;
      for (let m = 1; ; m *= 128) {
        n += (b[k] & 127) * m;
        if (!(b[k++] & 128)) break;
      }
      out.push(toHex(b.slice(o, k + n)));
      o = k + n;
    }
  };
  const transport = (ev: any) => {
    h = ev;
    return { hw: linkHw || 1e9, close() {}, write: (d: any, from: number, to: number) => packets(bytes(d, from, to)) };
  };
  const c = create({ transport, clock, clientId: "t", keepalive: 0, random: () => 0.5, ...rest });
  if (before) before(c);
  const feed = (hx: string) => {
    const b = hx.replace(/\s+/g, "").match(/../g)!.map((x) => parseInt(x, 16));
    h.data(raw ? String.fromCharCode(...b) : new Uint8Array(b));
  };
  const connect = (sp?: boolean) => {
    const t = timers.shift()!; // the (next) attempt's timer
    t[1]();
    h.open();
    out.length = writes.length = 0; // the CONNECT
    feed(sp ? "20 02 01 00" : "20 02 00 00");
  };
  connect();
  const reconnect = (sp?: boolean) => {
    h.close("gone");
    connect(sp);
  };
  return { c, out, writes, feed, reconnect };
}

for (const [name, create] of impls) {
  const raw = name == "min"; // the device bundle takes Strings from the socket, as on a board
  const t = suite(`publish paths [${name}]`);

  t("a second reading to the same topic goes out as the same bytes as the first", () => {
    const { c, out } = wired(create, { raw });
    assert.ok(c.publish("a/b", "21.5"));
    assert.ok(c.publish("a/b", "21.5"));
    assert.ok(c.publish("a/b", "21.5", { retain: true }));
    assert.equal(out, ["30 09 00 03 61 2F 62 32 31 2E 35", "30 09 00 03 61 2F 62 32 31 2E 35", "31 09 00 03 61 2F 62 32 31 2E 35"]);
  });

  t("a body of 127 bytes has one length byte, 128 two, on the second publish as on the first", () => {
    const { c, out } = wired(create, { raw });
    for (const n of [124, 124, 125, 125]) assert.ok(c.publish("t", "x".repeat(n)));
    assert.equal(out.map((p) => p.slice(0, 8)), ["30 7F 00", "30 7F 00", "30 80 01", "30 80 01"]);
    assert.equal(out.map((p) => p.split(" ").length), [129, 129, 131, 131]);
  });

  t("after a topic passed, a bad payload, a bad QoS and end() are still refused", () => {
    const { c, out } = wired(create, { raw });
    assert.ok(c.publish("a", "1"));
    assert.throws(() => c.publish("a", 5 as any), msg(name, /payload/));
    assert.throws(() => c.publish("a", "1", { qos: 2 }), msg(name, /qos/));
    assert.throws(() => c.publish(undefined as any, "1"), msg(name, /invalid topic/));
    c.end(true);
    assert.is(c.publish("a", "1"), false);
    assert.equal(out, ["30 04 00 01 61 31", "E0 00"]);
  });

  t("no topic passes before one was checked: undefined, NaN and an empty topic throw on the first call", () => {
    const { c } = wired(create, { raw });
    for (const topic of [undefined, NaN, ""]) assert.throws(() => c.publish(topic as any, "x"), msg(name, /invalid topic/));
  });

  t("a QoS 1 reading is held as its PUBLISH with id and sent within the window", () => {
    const { c, out } = wired(create, { raw, window: 1 });
    assert.ok(c.publish("a/b", "21.5", { qos: 1 }));
    assert.ok(c.publish("a/b", "21.5", { qos: 1, retain: true }));
    assert.equal(out, ["32 0B 00 03 61 2F 62 00 01 32 31 2E 35"]);
    assert.is(c.queued(), 2);
  });

  t("PUBACKs in one chunk free their entries and send the next, one PUBACK split over two chunks too", () => {
    const { c, out, feed } = wired(create, { raw, window: 2 });
    for (let k = 0; k < 4; k++) assert.ok(c.publish("t", String(k), { qos: 1 }));
    assert.equal(out.map((p) => p.split(" ").slice(5, 7).join(" ")), ["00 01", "00 02"]);
    feed("40 02 00 01 40 02 00 02");
    assert.is(c.queued(), 2);
    assert.equal(out.map((p) => p.split(" ").slice(5, 7).join(" ")), ["00 01", "00 02", "00 03", "00 04"]);
    feed("40");
    feed("02 00 03");
    assert.is(c.queued(), 1);
    feed("40 02 00 04");
    assert.is(c.queued(), 0);
  });

  // The device build takes a run of PUBACKs for the oldest messages sent, in order, in one step; what
  // does not start that way goes through the decoder. The same outcome either way, on both builds.
  const ids = (out: string[]) => out.map((p) => p.split(" ").slice(5, 7).join(" "));

  t("a chunk of all the PUBACKs in flight, in order, frees them and sends the held messages behind them", () => {
    const { c, out, feed } = wired(create, { raw, window: 3 });
    for (let k = 0; k < 5; k++) assert.ok(c.publish("t", String(k), { qos: 1 }));
    feed("40 02 00 01 40 02 00 02 40 02 00 03");
    assert.is(c.queued(), 2);
    assert.equal(ids(out), ["00 01", "00 02", "00 03", "00 04", "00 05"]);
    assert.ok(out.slice(3).every((p) => p.startsWith("32")), "first sends: DUP=0");
  });

  needs(name, ["cb"], "a chunk of the oldest PUBACKs then a PUBLISH: the rest in flight stay held, the PUBLISH is delivered") && t("a chunk of the oldest PUBACKs then a PUBLISH: the rest in flight stay held, the PUBLISH is delivered", () => {
    const { c, out, feed } = wired(create, { raw, window: 4 });
    const got: string[] = [];
    c.subscribe("in", { onMessage: (tp: string, p: any) => got.push(String(p)) });
    feed("90 03 00 01 00"); // SUBACK
    out.length = 0;
    for (let k = 0; k < 4; k++) assert.ok(c.publish("t", String(k), { qos: 1 }));
    feed("40 02 00 02 40 02 00 03 30 05 00 02 69 6E 68"); // ids 2 and 3 (the subscription took 1), PUBLISH in "h"
    assert.equal(got, ["h"]);
    assert.is(c.queued(), 2);
    feed("40 02 00 04 40 02 00 05");
    assert.is(c.queued(), 0);
  });

  t("PUBACKs out of order, or for an id not in flight, in one chunk: each taken on its own", () => {
    const { c, feed } = wired(create, { raw, window: 4 });
    for (let k = 0; k < 4; k++) assert.ok(c.publish("t", String(k), { qos: 1 }));
    feed("40 02 00 03 40 02 00 01 40 02 00 09");
    assert.is(c.queued(), 2);
    feed("40 02 00 02 40 02 00 04");
    assert.is(c.queued(), 0);
  });

  t("PUBACKs after part of a packet, or again for an id already acknowledged, change nothing else", () => {
    const { c, out, feed } = wired(create, { raw, window: 2 });
    for (let k = 0; k < 3; k++) assert.ok(c.publish("t", String(k), { qos: 1 }));
    feed("40 02 00"); // three bytes of the PUBACK of id 1
    feed("01 40 02 00 02");
    assert.is(c.queued(), 1);
    feed("40 02 00 01 40 02 00 02"); // acknowledged already: ignored [MQTT-4.3.2]
    assert.is(c.queued(), 1);
    assert.equal(ids(out), ["00 01", "00 02", "00 03"]);
  });

  t("after a reconnect to a kept session, a run of PUBACKs for the resent messages (DUP=1) frees them", () => {
    const { c, out, feed, reconnect } = wired(create, { raw, window: 2, clean: false });
    for (let k = 0; k < 3; k++) assert.ok(c.publish("t", String(k), { qos: 1 }));
    reconnect(true);
    assert.equal(out.map((p) => p.slice(0, 2)), ["3A", "3A"]);
    feed("40 02 00 01 40 02 00 02");
    assert.is(c.queued(), 1);
    assert.equal(out.map((p) => p.slice(0, 2)), ["3A", "3A", "32"]);
    assert.equal(ids(out), ["00 01", "00 02", "00 03"]);
  });

  t("a PUBACK with packet id 0 is a malformed packet (-6): the link is dropped and the message kept", () => {
    const { c, feed } = wired(create, { raw });
    const errors: any[] = [];
    c.on("error", (e: any) => errors.push(e));
    assert.ok(c.publish("t", "1", { qos: 1 }));
    feed("40 02 00 00");
    assert.equal(errors.map((e) => e.code), [-6]);
    assert.is(c.state(), 0);
    assert.is(c.queued(), 1);
  });

  needs(name, ["cb"], "a QoS 1 reading from the connected handler, on the short path, goes out after the restored subscription and the held messages") && t("a QoS 1 reading from the connected handler, on the short path, goes out after the restored subscription and the held messages", () => {
    const { out } = wired(create, { raw }, (c) => {
      c.publish("s", "x", { qos: 1 }); // held, and "s" has passed: the handler's publish takes the short path
      c.subscribe("cmd", { onMessage: () => {} });
      c.on("connected", () => c.publish("s", "on", { qos: 1, retain: true }));
    });
    // The held PUBLISH id 1, the handler's id 2; the SUBSCRIBE gets its id 3 when it is sent, first.
    assert.equal(out, ["82 08 00 03 00 03 63 6D 64 00", "32 06 00 01 73 00 01 78", "33 07 00 01 73 00 02 6F 6E"]);
  });

  needs(name, ["cb"], "a connected handler that subscribes sends one SUBSCRIBE per connection, the restored one replaced") && t("a connected handler that subscribes sends one SUBSCRIBE per connection, the restored one replaced", () => {
    const { out, feed, reconnect } = wired(create, { raw }, (c) => c.on("connected", () => c.subscribe("cmd", { onMessage: () => {} })));
    assert.equal(out, ["82 08 00 01 00 03 63 6D 64 00"]);
    feed("90 03 00 01 01");
    reconnect(); // a new session (clean: true): the subscription is restored, and the handler makes it again
    assert.equal(out, ["82 08 00 02 00 03 63 6D 64 00"]);
  });

  t("a QoS 0 publish from the connected handler goes ahead of held messages that fill the link", () => {
    const { out } = wired(create, { raw, linkHw: 30 }, (c) => {
      for (let k = 0; k < 4; k++) c.publish("t", "12345678901234567890", { qos: 1 });
      c.on("connected", () => assert.ok(c.publish("s", "online"), "not dropped"));
    });
    // The QoS 0 status first, then held messages until the link holds its 30 bytes: the rest wait for drain.
    assert.equal(out[0], "30 09 00 01 73 6F 6E 6C 69 6E 65");
    assert.equal(out.slice(1).map((p) => p.slice(0, 5)), ["32 19"]);
  });

  t("held messages go out as far as the link allows, the last while fewer than hw bytes are unsent; on a board in one write", () => {
    // 27-byte packets behind the 15-byte CONNECT: sent at 15, 42 and 69 bytes unsent. A 70-byte link
    // takes the third; a 69-byte one is full at 69, so the third waits for drain.
    for (const [hw, sent] of [[70, 3], [69, 2]]) {
      const { out, writes } = wired(create, { raw, linkHw: hw }, (c) => {
        for (let k = 0; k < 5; k++) c.publish("t", "1234567890123456789" + k, { qos: 1 });
      });
      assert.equal(ids(out), ["00 01", "00 02", "00 03"].slice(0, sent), "hw " + hw);
      assert.ok(out.every((p) => p.startsWith("32 19")), "first sends: DUP=0");
      if (raw) assert.equal(writes, [sent]);
    }
  });

  t("a store filled with large messages and then acknowledged takes as many again, round after round", () => {
    // 205-byte bodies (two length bytes): what the store counts for one must be what it gives back.
    const { c, out, feed } = wired(create, { raw, storeSize: 2048, window: 100 });
    const counts: number[] = [];
    for (let r = 0; r < 40; r++) {
      let n = 0;
      while (c.publish("t", "x".repeat(200), { qos: 1 })) n++;
      counts.push(n);
      feed(out.map((p) => "40 02 " + p.split(" ").slice(6, 8).join(" ")).join(" "));
      out.length = 0;
      assert.is(c.queued(), 0);
    }
    assert.ok(counts[0] > 1);
    assert.equal(counts, counts.map(() => counts[0]));
  });

  t.run();
}
