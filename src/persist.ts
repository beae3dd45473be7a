// The QoS 1 store kept in Storage (option `persist`, issue 31) for the MQTT client: held messages survive
// a reset, a power cut and deep sleep. A layer over the RAM store (store.ts / store-text.ts), which keeps
// only what is in the sending window; the rest waits in Storage alone (the log, persist-log.ts, where the
// scheme and its reasons are written), so a held message costs no RAM until its turn.
// S is set before a message is handed to the sender (at CONNACK, or as it enters the RAM store while it
// may go out), so a resend after a restart to a kept session carries DUP=1 ("might be re-delivery"
// [MQTT-3.3.1-1]; a message published offline after a link dropped counts too); in a new session held
// messages go as new publishes (the store's rewind).
import { storePut, storeAck, storeCount, storeSent, storeFits } from "./store";
import { storeAcks } from "./store-text";
import type { Store } from "./store";
import type { Data } from "./codec/encode";
import type { Flow } from "./link";
import { Err } from "./codec/constants";
import { chr } from "./codec/native";
import { packet, crc, text, bytes } from "./persist-io";
import type { Flash } from "./persist-io";
import { L, logNew, logOpen, logHeld, compact, rd, wr, u16 } from "./persist-log";
import type { Log } from "./persist-log";

export { PERSIST } from "./persist-log";

/**
 * Open the log `name` for the store `s`: the newer committed file, what it holds loaded into the RAM store
 * up to the window (those handed to the sender before marked sent, for DUP=1 in a kept session), a torn
 * tail compacted away. Returns the packet id of the newest record, from which new ids go on.
 */
export function persistOpen(s: Store, name: string, size: number, wn: number, f?: Flash): number {
  const p: Log = logNew(name, size, wn, f);
  (s as any).p = p;
  const id = /*@__INLINE__*/ logOpen(p, size);
  p.hc = /*@__INLINE__*/ logHeld(p);
  // Those marked handed to the sender come first (a prefix): loaded, then marked sent in the store.
  refill(p, s, 1);
  /*@__INLINE__*/ storeSent(s);
  refill(p, s, 0);
  return id;
}

/**
 * Move held records into the RAM store, oldest first, while the window has room: from `r` on, skipping
 * acknowledged ones. Each is marked handed to the sender first (its S byte). With `q`, stops at the first
 * not yet marked.
 */
function refill(p: Log, s: Store, q: number): void {
  while (p.r < p.w && storeCount(s) < p.wn) {
    const o = p.r;
    const h = rd(p, o, L.R);
    const n = u16(h, 0);
    if (h.charCodeAt(5) == 255) {
      if (q && h.charCodeAt(4) == 255) return;
      const pk = rd(p, o + L.R, n);
      let j = 1;
      while (pk.charCodeAt(j++) & 128);
      const tl = u16(pk, j);
      j += 2 + tl;
      const e = storePut(s, /*@__INLINE__*/ text(pk.substr(j - tl, tl)), /*@__INLINE__*/ bytes(pk.substr(j + 2)), !!(pk.charCodeAt(0) & 1), u16(pk, j), null);
      if (!e) return;
      p.hc--;
      if (e < 0) {
        // Larger than the RAM store now takes (storeSize made smaller since it was held): it can never
        // be sent, and would hold up all behind it.
        wr(p, "\0", o + 5);
        p.v -= L.R + n;
      } else {
        if (p.u && h.charCodeAt(4) == 255) wr(p, "\0", o + 4);
        p.k += chr(0x40, 2, pk.charCodeAt(j), pk.charCodeAt(j + 1));
        p.o += chr(o >> 8, o & 255, n >> 8, n & 255);
      }
    }
    p.r = o + L.R + n;
  }
}

/**
 * storePut with persist: the message is written to Storage first (1), or refused when the log is full
 * even after compaction (0), or can never be held (Err.SPACE, or the encoder's Err). It enters the RAM
 * store, and goes out, when nothing older waits in Storage and the window has room.
 */
export function persistPut(s: Store, topic: string, payload: Data | undefined, retain: boolean, id: number, c?: Flow | null): number {
  const p: Log = (s as any).p;
  const pk = packet(topic, payload, retain, id);
  if (typeof pk == "number") return pk;
  const n = pk.length;
  if (n + L.R > p.z - L.H || !storeFits(s, n)) return Err.SPACE;
  // As logPut (persist-log.ts), written out: a call less on a board.
  if (p.w + L.R + n > p.z && !compact(p, L.R + n)) return 0;
  const ram = p.r == p.w && storeCount(s) < p.wn;
  const o = p.w;
  const x = crc(pk);
  wr(p, chr(n >> 8, n & 255, (x >> 8) & 255, x & 255, ram && (c || p.u) ? 0 : 255, 255) + pk, o);
  p.w += L.R + n;
  p.v += L.R + n;
  if (ram && storePut(s, topic, payload, retain, id, c) > 0) {
    p.k += chr(0x40, 2, id >> 8, id & 255);
    p.o += chr(o >> 8, o & 255, n >> 8, n & 255);
    p.r = p.w;
  } else p.hc++;
  return 1;
}

/**
 * A CONNACK: what the RAM store holds goes out now, so each is marked handed to the sender first. From
 * here on (while connected, and offline after it, where a message may have gone out before the link
 * dropped) a message is marked as it enters the RAM store.
 */
export function persistUp(s: Store): void {
  const p: Log = s.p;
  for (let q = 0; q < p.o.length; q += 4) {
    const o = u16(p.o, q);
    if (rd(p, o + 4, 1) == "\xff") wr(p, "\0", o + 4);
  }
  p.u = 1;
}

/** The RAM store's entries [j, j + m) were acknowledged: their A bytes cleared, out of the index. */
function done(p: Log, j: number, m: number): void {
  // As logDone (persist-log.ts) with the PUBACK index as well, written out: inlined, terser makes logDone
  // an immediately called function, which a board would define (copying its text) at every PUBACK.
  for (let q = j; q < j + m; q++) {
    wr(p, "\0", u16(p.o, q * 4) + 5);
    p.v -= L.R + u16(p.o, q * 4 + 2);
  }
  p.o = p.o.substr(0, j * 4) + p.o.substr((j + m) * 4);
  p.k = p.k.substr(0, j * 4) + p.k.substr((j + m) * 4);
}

/** storeAck with persist: the message is marked acknowledged in Storage, and the next held ones move up. */
export function persistAck(s: Store, id: number): boolean {
  if (!storeAck(s, id)) return false;
  const p: Log = (s as any).p;
  done(p, p.k.indexOf(chr(0x40, 2, id >> 8, id & 255)) >> 2, 1);
  refill(p, s, 0);
  return true;
}

/** storeAcks (the board's run of PUBACKs) with persist. */
export function persistAcks(s: Store, b: string): number {
  const n = storeAcks(s as any, b);
  if (n) {
    done((s as any).p, 0, n >> 2);
    refill((s as any).p, s, 0);
  }
  return n;
}

/** Messages held: in Storage with persist, else in the RAM store. */
export function persistCount(s: Store): number {
  const p: Log = (s as any).p;
  return p ? p.hc + p.k.length / 4 : storeCount(s);
}
