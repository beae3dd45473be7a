// The MQTT-SN client's held QoS 1 messages kept in Storage (option `persist`, issue 31): the log of
// persist-log.ts, whose records hold each message as an MQTT PUBLISH packet (topic name, payload, retain,
// id). A held entry keeps its topic name because topic ids change with every connection; it is decoded
// into the held FIFO (held.ts) when its turn comes and encoded as MQTT-SN when sent. The FIFO holds only
// the first few (the window: one in flight, the next ready); the rest waits in Storage alone.
// The FIFO may hold QoS 0 entries too (waiting for their topic's registration): those are not in the log,
// and the log's RAM index (p.o) lists the QoS 1 entries of the FIFO, in the same order.
// S is set as an entry is first sent (pump, before the PUBLISH leaves), so after a restart an entry that
// may have reached the gateway goes again with DUP=1 to a kept session (clean: false), and as a new
// publish (DUP=0) in a new one; A once the gateway acknowledged it, or refused it.
import { snHold, snShift } from "./held";
import { strLen } from "../codec/strings";
import { regPut, RF } from "./registry";
import type { Reg } from "./registry";
import type { SnStore, Data } from "./held";
import { F } from "./constants";
import { chr } from "../codec/native";
import { packet, text, bytes } from "../persist-io";
import type { Flash } from "../persist-io";
import { L, logNew, logOpen, logPut, logDone, logHeld, rd, wr, u16 } from "../persist-log";
import type { Log } from "../persist-log";

const enum W {
  /** QoS 1 entries of the FIFO taken from the log: the one in flight and the next. */
  N = 2,
  QOS1 = 1 << F.QOS_SHIFT,
}

/**
 * Open the log `name` (of `size` bytes) for the FIFO `s`: the oldest held messages loaded into it, those
 * that may have been sent with DUP when the session is `kept`. Returns the message id of the newest record.
 */
export function snPersistOpen(s: SnStore, g: Reg, name: string, size: number, kept: number, f?: Flash): number {
  const p: Log = logNew(name, size, W.N, f);
  s.p = p;
  const id = /*@__INLINE__*/ logOpen(p, size);
  // u: the session is kept, so an entry sent before a restart carries DUP.
  p.u = kept;
  fill(p, s);
  // Counted once here, then kept: queued() is polled, and each record read is a Storage call.
  s.c = /*@__INLINE__*/ logHeld(p) + p.o.length / 4;
  if (kept) {
    // The topic ids the gateway gave on the kept session (a deep sleep ends the process, not the
    // session): used at once by QoS 1, so a wake need not REGISTER. A gateway that forgot them (a
    // restart) answers that PUBLISH with "invalid topic id", and the client registers the topic again
    // (client.ts). QoS 0 registers first (registry.ts, RF.KEPT).
    const t = p.f.read(name + "#", 0, 65535);
    try {
      const o = t ? JSON.parse(t) : {};
      for (const k in o) regPut(g, k, o[k], RF.KEPT);
    } catch (x) {}
  }
  return id;
}

/** A REGACK on a kept session: the client's own topic ids into Storage beside the log ("<name>#") when they changed. */
export function snPersistTopics(s: SnStore, g: Reg): void {
  const p: Log = s.p;
  const o: { [k: string]: number } = {};
  for (let k = 0; k < g.n.length; k++) if (!(g.f[k] & RF.GW)) o[g.n[k]] = g.i[k];
  const t = JSON.stringify(o);
  if (p.f.read(p.n + "#", 0, 65535) != t) p.f.write(p.n + "#", t, 0);
}

/** Move held records into the FIFO, oldest first, while the window has room, skipping acknowledged ones. */
function fill(p: Log, s: SnStore): void {
  while (p.r < p.w && p.o.length < W.N * 4) {
    const o = p.r;
    const h = rd(p, o, L.R);
    const n = u16(h, 0);
    if (h.charCodeAt(5) == 255) {
      // A copy: on a board what Storage.read gives points into flash, and so would the held topic and
      // payload (substrings of it), read as null once Storage compacts the file away.
      const pk = rd(p, o + L.R, n) + "";
      let j = 1;
      while (pk.charCodeAt(j++) & 128);
      const tl = u16(pk, j);
      j += 2 + tl;
      const e = snHold(s, /*@__INLINE__*/ text(pk.substr(j - tl, tl)), /*@__INLINE__*/ bytes(pk.substr(j + 2)), W.QOS1 | (pk.charCodeAt(0) & 1 ? F.RETAIN : 0) | (p.u && !h.charCodeAt(4) ? F.DUP : 0), u16(pk, j));
      if (!e) return;
      if (e < 0) {
        // Larger than the FIFO now takes (storeSize made smaller since it was held): never sendable.
        wr(p, "\0", o + 5);
        p.v -= L.R + n;
        s.c!--;
      } else p.o += chr(o >> 8, o & 255, n >> 8, n & 255);
    }
    p.r = o + L.R + n;
  }
}

/**
 * snHold for a QoS 1 message with persist: 1 in Storage (and in the FIFO when nothing older waits in
 * Storage alone and the window has room), 0 the log is full even after compaction, -1 it can never be held.
 */
export function snPersistPut(s: SnStore, t: string, d: Data, f: number, m: number): number {
  const p: Log = s.p;
  const pk = /*@__INLINE__*/ packet(t, d, !!(f & F.RETAIN), m);
  // Larger than the log, or than the FIFO's storeSize (snHold's measure): never sendable, so refused
  // before it is written. Written first and dropped later, it would be a reading publish() said was held.
  if (typeof pk == "number" || pk.length + L.R > p.z - L.H || 8 + strLen(t) + (typeof d == "string" ? strLen(d) : d.length) > s.x) return -1;
  const ram = p.r == p.w && p.o.length < W.N * 4;
  const o = logPut(p, pk, 255);
  if (!o) return 0;
  const n = pk.length;
  if (ram) {
    if (snHold(s, t, d, f, m)) {
      p.o += chr(o >> 8, o & 255, n >> 8, n & 255);
      p.r = p.w;
    }
  }
  s.c!++;
  return 1;
}

/** The FIFO's first QoS 1 entry is sent for the first time: marked handed to the sender (S) first. */
export function snPersistSent(s: SnStore): void {
  const p: Log = s.p;
  const o = u16(p.o, 0) + 4;
  if (rd(p, o, 1) == "\xff") wr(p, "\0", o);
}

/** snShift with persist: a QoS 1 entry is marked done (A) in Storage, and the next held ones move up. */
export function snPersistShift(s: SnStore): void {
  const h = s.e[0];
  snShift(s);
  if (h && h.f & W.QOS1) {
    s.c!--;
    logDone(s.p, 0, 1);
  }
  // After a QoS 0 entry too: the FIFO's bytes may have kept a held one in Storage.
  fill(s.p, s);
}

/** Messages held: the QoS 1 ones in Storage, and the FIFO's QoS 0 ones (waiting for a registration). */
export function snPersistCount(s: SnStore): number {
  return s.c! + s.e.length - s.p.o.length / 4;
}
