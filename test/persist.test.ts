// persist.ts, the QoS 1 store kept in Storage: the log over Espruino's Storage rules (test/sim/flash.ts),
// with the Node store. What a restart loads, acknowledgements, the window, compaction, a full log, and a
// power cut at every byte written.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { storeCreate, storeSend, storeRewind, storeCount } from "../src/store";
import type { Store } from "../src/store";
import { persistOpen, persistPut, persistAck, persistCount, persistUp } from "../src/persist";
import { fakeFlash, reboot, PowerCut } from "./sim/flash";
import type { FakeFlash } from "./sim/flash";
import { toHex } from "./hex";

const t = suite("persist: the QoS 1 store in Storage");

/** A store with persist over `f`, as a client makes it after a restart. */
function open(f: FakeFlash, size = 512, wn = 4) {
  const s = storeCreate(2048);
  const id = persistOpen(s, "q", size, wn, f);
  return { s, id, p: s.p };
}

/** A link that keeps what is written: each write as hex. */
function link(wn = 4) {
  const out: string[] = [];
  const c: any = { l: { write: (d: Uint8Array, a: number, b: number) => out.push(toHex(d, a, b).toLowerCase()), close() {} }, w: 0, tx: 0, z: 512, b: null, wn, hw: 1 << 20 };
  return { c, out };
}

/** Topics and DUP flags of what `s` sends on a new connection (kept: the session was kept). */
function sendAll(s: Store, kept: boolean, wn = 4) {
  const { c, out } = link(wn);
  storeRewind(s, !kept);
  storeSend(s, c);
  return out;
}

t("a message is in Storage when put returns 1: after a restart the store holds it, bytes and id unchanged", () => {
  const f = fakeFlash();
  const a = open(f);
  assert.is(persistPut(a.s, "t/1", "21.5", false, 1), 1);
  assert.is(persistPut(a.s, "t/1", "21.6", true, 2), 1);
  const b = open(reboot(f));
  assert.is(b.id, 2, "new ids go on from the newest held");
  assert.is(storeCount(b.s), 2);
  assert.equal(sendAll(b.s, true), [
    "32 0b 00 03 74 2f 31 00 01 32 31 2e 35", // PUBLISH QoS 1, "t/1", id 1, "21.5"
    "33 0b 00 03 74 2f 31 00 02 32 31 2e 36", // retain
  ]);
});

t("a message that went to the sender is resent with DUP=1 to a kept session, and as new (DUP=0) to a new one", () => {
  const f = fakeFlash();
  const a = open(f);
  const { c } = link();
  persistPut(a.s, "t", "1", false, 1, c);
  persistPut(a.s, "t", "2", false, 2);
  const kept = open(reboot(f));
  assert.equal(sendAll(kept.s, true), ["3a 06 00 01 74 00 01 31", "32 06 00 01 74 00 02 32"], "DUP=1 for the one sent");
  const fresh = open(reboot(f));
  assert.equal(sendAll(fresh.s, false), ["32 06 00 01 74 00 01 31", "32 06 00 01 74 00 02 32"], "DUP=0");
});

t("an acknowledged message is marked in place (one byte) and not loaded again", () => {
  const f = fakeFlash();
  const a = open(f);
  const { c } = link();
  for (let i = 1; i <= 3; i++) persistPut(a.s, "t", String(i), false, i, c);
  const w = f.written;
  assert.ok(persistAck(a.s, 2));
  assert.is(f.written - w, 1, "one byte written for the acknowledgement");
  assert.is(f.made, 1, "no new file");
  const b = open(reboot(f));
  assert.equal(sendAll(b.s, true).map((x) => x.slice(-2)), ["31", "33"]);
});

t("beyond the window messages wait in Storage only, and move up in order as PUBACKs come", () => {
  const f = fakeFlash();
  const a = open(f, 512, 2);
  const { c, out } = link(2);
  for (let i = 1; i <= 5; i++) assert.is(persistPut(a.s, "t", String(i), false, i, c), 1);
  assert.is(storeCount(a.s), 2, "RAM holds the window");
  assert.is(persistCount(a.s), 5, "Storage holds all");
  for (let i = 1; i <= 5; i++) {
    assert.ok(persistAck(a.s, i));
    storeSend(a.s, c);
  }
  assert.equal(out.map((x) => x.slice(-2)), ["31", "32", "33", "34", "35"]);
  assert.is(persistCount(a.s), 0);
});

t("a full log refuses (0) until a quarter is acknowledged, then compacts into the other file once", () => {
  const f = fakeFlash();
  const a = open(f, 6 + 10 * 14, 8); // 10 records of 14 bytes (6 + an 8-byte PUBLISH)
  const { c } = link(8);
  const cm = a.p.cm;
  for (let i = 1; i <= 10; i++) assert.is(persistPut(a.s, "t", String(i % 10), false, i, c), 1);
  assert.is(persistPut(a.s, "t", "x", false, 11, c), 0, "full");
  for (let i = 1; i <= 2; i++) persistAck(a.s, i);
  assert.is(persistPut(a.s, "t", "x", false, 11, c), 0, "2 of 10 acknowledged: still full");
  persistAck(a.s, 3);
  assert.is(persistPut(a.s, "t", "x", false, 11, c), 1, "3 of 10: compacted");
  assert.is(a.p.cm - cm, 1);
  assert.equal([...f.files.keys()], ["q~"], "the old generation is erased");
  const b = open(reboot(f), 6 + 10 * 14, 8);
  assert.equal(sendAll(b.s, true, 8).map((x) => x.slice(-8)), ["00 04 34", "00 05 35", "00 06 36", "00 07 37", "00 08 38", "00 09 39", "00 0a 30", "00 0b 78"], "ids 4-11 in order");
});

/** Storage just before and just after a compaction that moves ids 3-4 (1-2 acknowledged) into "q~". */
function aroundCompaction() {
  const f = fakeFlash();
  const a = open(f, 6 + 4 * 14, 8);
  const { c } = link(8);
  for (let i = 1; i <= 4; i++) persistPut(a.s, "t", String(i), false, i, c);
  persistAck(a.s, 1);
  persistAck(a.s, 2);
  const before = reboot(f);
  persistPut(a.s, "t", "5", false, 5, c);
  return { before, after: reboot(f) };
}
const ids = (f: FakeFlash) => sendAll(open(f, 6 + 4 * 14, 8).s, true, 8).map((x) => x.slice(-2));

t("a compaction cut before its commit: the new file is erased and the old one used", () => {
  const { before, after } = aroundCompaction();
  const f = reboot(before);
  const q = after.files.get("q~")!.slice();
  q[5] = 255; // the commit byte not yet written
  f.files.set("q~", q);
  assert.equal(ids(f), ["33", "34"]);
  assert.equal([...f.files.keys()], ["q"]);
});

t("a compaction cut after its commit, before the old file is erased: the newer generation is used", () => {
  const { before, after } = aroundCompaction();
  const f = reboot(after);
  f.files.set("q", before.files.get("q")!.slice());
  assert.equal(ids(f), ["33", "34", "35"]);
  assert.equal([...f.files.keys()], ["q~"]);
});

t("a message larger than the log is refused as never fitting (Err.SPACE)", () => {
  const a = open(fakeFlash(), 64);
  assert.ok(persistPut(a.s, "t", "x".repeat(60), false, 1) < 0);
});

t("no room in Storage for the next file: the log stays as it is and put returns 0", () => {
  const f = fakeFlash();
  const a = open(f, 6 + 2 * 14, 8);
  persistPut(a.s, "t", "1", false, 1, link(8).c);
  persistAck(a.s, 1);
  persistPut(a.s, "t", "2", false, 2);
  const write = f.write;
  f.write = (n, d, o, z) => (o ? write(n, d, o, z) : (() => { throw new Error("Unable to find or create file"); })());
  assert.is(persistPut(a.s, "t", "3", false, 3), 0);
  assert.is(persistCount(a.s), 1);
  assert.is(open(reboot(f), 6 + 2 * 14).id, 2);
});

t("a record torn by a power cut ends the log; what came before loads, and the tail is compacted away", () => {
  const f = fakeFlash();
  const a = open(f);
  persistPut(a.s, "t", "1", false, 1);
  f.cut = 5;
  assert.throws(() => persistPut(a.s, "t", "2", false, 2), (e: any) => e instanceof PowerCut);
  const g = reboot(f);
  const b = open(g);
  assert.equal(sendAll(b.s, true).map((x) => x.slice(-2)), ["31"]);
  assert.equal([...g.files.keys()], ["q~"], "copied to a clean file");
  assert.is(persistPut(b.s, "t", "3", false, 3), 1);
  assert.is(open(reboot(g)).s && persistCount(open(reboot(g)).s), 2);
});

t("a power cut at any byte of any write loses nothing put returned 1 for, adds nothing, and leaves a readable log", () => {
  // A run of puts (window 2) and PUBACKs through several compactions; cut at every byte it writes.
  function run(f: FakeFlash, held: number[], acked: number[]) {
    const a = open(f, 6 + 6 * 14, 2);
    const { c } = link(2);
    persistUp(a.s);
    let id = 0;
    for (let round = 0; round < 12; round++) {
      for (let k = 0; k < 3; k++) {
        const n = ++id;
        if (persistPut(a.s, "t", String.fromCharCode(64 + n), false, n, c) == 1) held.push(n);
      }
      for (let k = 0; k < 2; k++) {
        // A PUBACK came: from here the message may be gone (a cut before its mark leaves it, a duplicate).
        const n = held.find((x) => !acked.includes(x));
        if (n == null) continue;
        acked.push(n);
        if (!persistAck(a.s, n)) acked.pop();
      }
      storeSend(a.s, c);
    }
    return a;
  }
  const clean = fakeFlash();
  const a = run(clean, [], []);
  assert.ok(a.p.cm >= 3, "the run compacts: " + a.p.cm);
  const total = clean.written;
  for (let cut = 0; cut <= total; cut++) {
    const f = fakeFlash();
    f.cut = cut;
    const held: number[] = [];
    const acked: number[] = [];
    try {
      run(f, held, acked);
    } catch (e) {
      if (!(e instanceof PowerCut)) throw e;
    }
    const b = open(reboot(f), 6 + 6 * 14, 64);
    const { c, out } = link(64);
    storeRewind(b.s, false);
    storeSend(b.s, c);
    const got = out.map((x) => parseInt(x.slice(-2), 16) - 64);
    const want = held.filter((x) => !acked.includes(x));
    // Everything held and not acknowledged is there, in order; an acknowledgement cut short may leave
    // its message (resent, a duplicate the broker allows); nothing else.
    const all = held;
    let j = 0;
    for (const x of got) {
      while (j < all.length && all[j] != x) j++;
      assert.ok(j < all.length, `cut at ${cut}: loaded a message never held`);
      j++;
    }
    for (const w of want) assert.ok(got.includes(w), `cut at ${cut}: lost ${w} (got ${got}, want ${want})`);
  }
});

t.run();
