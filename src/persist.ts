// The QoS 1 store kept in Storage (option `persist`, issue 31): held messages survive a reset, a power
// cut and deep sleep. A layer over the RAM store (store.ts / store-text.ts), which keeps only what is
// in the sending window; the rest waits in Storage alone, so a held message costs no RAM until its turn.
//
// Why this scheme, from how Espruino writes flash (src/jsflash.c, src/jswrap_storage.c, 2v29):
// - Storage.write(name, data, offset) writes only into erased (0xFF) bytes of an existing file and throws
//   otherwise; a write at offset 0 makes a new file, and a replaced or erased file is only marked as trash
//   (its header's name zeroed). Pages are erased only when Storage compacts, which copies every live file
//   after the first trash and erases the pages behind them: each new file brings that day closer.
// - StorageFile (open(name,"a")) appends into 4 KB chunk files, but cannot hold 0xFF (its end-of-data
//   mark, and a packet id or length may be 0xFF), cannot mark a record in place, and finds its end by
//   scanning; acknowledgements would be records of their own.
// So: one preallocated file, written as a log, records never moved while it lasts:
//   header  'm' 'q' gen sizeHi sizeLo commit   (commit 0xFF until the file is complete, then 0x00)
//   record  lenHi lenLo crcHi crcLo S A packet  (len and CRC-16 of the PUBLISH; S, A: 0xFF, or 0x00 once
//           the message was handed to the sending window / acknowledged; each written once, in place)
// A record is written in one Storage.write; an acknowledgement clears its A byte (one byte, no new
// file). When the file is full and at least a quarter of it is acknowledged records (or none is held),
// the held records are copied to a new file of the other generation (name, or name + "~"): made,
// filled, then committed, and only then is the old one erased. Storage sees one new file per
// compaction, so its own page erases come once per (free Storage / persistSize) compactions.
// Power cuts: a torn record fails its length or CRC and ends the log (load then compacts, so nothing is
// appended after garbage); a torn compaction leaves an uncommitted file that load erases, keeping the
// old one; of two committed files the newer generation wins. S set before a message is handed to the
// sender (at CONNACK, or as it enters the RAM store while it may go out), so a resend after a restart
// to a kept session carries DUP=1 ("might be re-delivery" [MQTT-3.3.1-1]; a message published offline
// after a link dropped counts too); in a new session held messages go as new publishes (the store's
// rewind). Espruino's own Storage compaction is not ours to protect.
import { storePut, storeAck, storeCount, storeSent, storeFits } from "./store";
import { storeAcks } from "./store-text";
import type { Store } from "./store";
import type { Data } from "./codec/encode";
import type { Flow } from "./link";
import { Err } from "./codec/constants";
import { chr } from "./codec/native";
// __INLINE__: the board's seams are one line each; written out where they are called, a board holds
// that many functions fewer (about 6 blocks each) while the module is loaded.
import { flash, packet, crc, text, bytes } from "./persist-io";
import type { Flash } from "./persist-io";

declare const __PERSIST__: boolean;
/** The build has persist: always on Node, in the device bundle built with it (rollup.config.js). */
export const PERSIST = typeof __PERSIST__ == "undefined" || __PERSIST__;

const enum L {
  /** Header and record header bytes. */
  H = 6,
  R = 6,
}

/** The log's state, on the store record as `p` (a store with persist). */
export interface Log {
  f: Flash;
  /** Base name, generation, file size. */
  n: string;
  g: number;
  z: number;
  /** End of the log; the first record not in the RAM store (== w when none waits); bytes of records held. */
  w: number;
  r: number;
  v: number;
  /** The RAM store's entries: their PUBACKs (4 bytes each, as store-text.ts's _a) and offset+length (4 bytes each). */
  k: string;
  o: string;
  wn: number;
  /** A CONNACK has come since the restart: what enters the RAM store from now on may go out at once. */
  u: number;
  /** Bytes written and compactions made, for the bench. */
  wb: number;
  cm: number;
}

function nm(p: Log, g: number): string {
  return p.n + (g & 1 ? "~" : "");
}

function wr(p: Log, d: string, at: number): void {
  p.f.write(nm(p, p.g), d, at);
  p.wb += d.length;
}

function rd(p: Log, at: number, n: number): string {
  return p.f.read(nm(p, p.g), at, n) || "";
}

function u16(s: string, k: number): number {
  return (s.charCodeAt(k) << 8) | s.charCodeAt(k + 1);
}

/** The generation of a committed file of this name, else -1. */
function head(p: Log, g: number): number {
  const h = p.f.read(nm(p, g), 0, L.H);
  return h && h.length == L.H && h.charCodeAt(0) == 0x6d && h.charCodeAt(1) == 0x71 && !h.charCodeAt(5) && (h.charCodeAt(2) & 1) == (g & 1) ? h.charCodeAt(2) : -1;
}

/** The packet of the record at `o`, or "" when the record is torn (or not one). */
function packetAt(p: Log, o: number, h: string): string {
  const n = u16(h, 0);
  if (h.length < L.R || o + L.R + n > p.z || n < 7) return "";
  const pk = rd(p, o + L.R, n);
  return pk.length == n && (/*@__INLINE__*/ crc(pk) & 0xffff) == u16(h, 2) && (pk.charCodeAt(0) & 0xf6) == 0x32 ? pk : "";
}

/**
 * Open the log `name` for the store `s`: the newer committed file, what it holds loaded into the RAM store
 * up to the window (those handed to the sender before marked sent, for DUP=1 in a kept session), a torn
 * tail compacted away. Returns the packet id of the newest record, from which new ids go on.
 */
export function persistOpen(s: Store, name: string, size: number, wn: number, f?: Flash): number {
  const p: Log = { f: f || /*@__INLINE__*/ flash(name), n: name, g: 0, z: size, w: L.H, r: L.H, v: 0, k: "", o: "", wn: wn, u: 0, wb: 0, cm: 0 };
  (s as any).p = p;
  const a = head(p, 0);
  const b = head(p, 1);
  const g = a < 0 ? b : b < 0 || ((b - a) & 255) != 1 ? a : b;
  if (g < 0) {
    // Nothing readable: a new log of generation 0, made over whatever is there, and the other name
    // erased (when Storage has no room for it, every publish is refused until it has).
    p.g = 255;
    if (!compact(p, s, 0, 1)) p.w = p.z;
    return 0;
  }
  // The other file is an older generation or one that was never committed.
  p.f.erase(nm(p, g + 1));
  p.g = g;
  p.z = u16(rd(p, 0, L.H), 3);
  let o: number = L.H;
  let id = 0;
  let torn = 0;
  for (;;) {
    const h = rd(p, o, L.R);
    if (h.length < L.R || h.charCodeAt(0) == 255) {
      // The end; bytes written past it (a header cut short) make it a torn tail.
      if (h != "\xff\xff\xff\xff\xff\xff".substr(0, h.length)) torn = 1;
      break;
    }
    const pk = /*@__INLINE__*/ packetAt(p, o, h);
    if (!pk) {
      torn = 1;
      break;
    }
    let j = 1;
    while (pk.charCodeAt(j++) & 128);
    id = u16(pk, j + 2 + u16(pk, j));
    if (h.charCodeAt(5) == 255) p.v += L.R + pk.length;
    o += L.R + pk.length;
  }
  p.w = o;
  // Those marked handed to the sender come first (a prefix): loaded, then marked sent in the store.
  refill(p, s, 1);
  /*@__INLINE__*/ storeSent(s);
  refill(p, s, 0);
  // A new persistSize takes effect when what is held fits it. Nothing is appended after a torn record:
  // until a compaction succeeds, the log counts as full.
  const z = p.z;
  if (p.v <= size - L.H) p.z = size;
  if ((torn || p.z != z) && !compact(p, s, 0, 1)) {
    p.z = z;
    if (torn) p.w = z;
  }
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
 * Copy the held records to a new file of the next generation (of size z), commit it, erase the old one.
 * Unless `force`, only when the new record of `need` bytes then fits and acknowledged records are at
 * least a quarter of the file (or nothing is held): a file of live records is not copied again and again.
 */
function compact(p: Log, s: Store, need: number, force?: number): boolean {
  const room = p.z - L.H;
  if (!force && (p.v + need > room || (p.v && (p.w - L.H - p.v) * 4 < room))) return false;
  const g = (p.g + 1) & 255;
  const to = nm(p, g);
  try {
    if (!p.f.write(to, chr(0x6d, 0x71, g, p.z >> 8, p.z & 255, 255), 0, p.z)) return false;
  } catch (x) {
    // No room in Storage for the new file, even after its own compaction: the old file stays.
    return false;
  }
  p.wb += L.H;
  let w: number = L.H;
  let x = "";
  // The held records are the RAM store's entries (the oldest, where p.o says) and those from r on: no
  // acknowledged record is read.
  for (let q = 0; q < p.o.length; q += 4) {
    const n = u16(p.o, q + 2);
    const d = rd(p, u16(p.o, q), L.R + n);
    p.f.write(to, d, w);
    p.wb += d.length;
    x += chr(w >> 8, w & 255, n >> 8, n & 255);
    w += d.length;
  }
  const r = w;
  for (let o = p.r; o < p.w; ) {
    const h = rd(p, o, L.R);
    const n = u16(h, 0);
    if (h.charCodeAt(5) == 255 && w + L.R + n <= p.z) {
      const d = h + rd(p, o + L.R, n);
      p.f.write(to, d, w);
      p.wb += d.length;
      w += L.R + n;
    }
    o += L.R + n;
  }
  p.f.write(to, "\0", 5);
  p.wb++;
  p.f.erase(nm(p, p.g));
  p.g = g;
  p.o = x;
  p.r = r;
  p.w = w;
  p.cm++;
  return true;
}

/**
 * storePut with persist: the message is written to Storage first (1), or refused when the log is full
 * even after compaction (0), or can never be held (Err.SPACE, or the encoder's Err). It enters the RAM
 * store, and goes out, when nothing older waits in Storage and the window has room.
 */
export function persistPut(s: Store, topic: string, payload: Data | undefined, retain: boolean, id: number, c?: Flow | null): number {
  const p: Log = (s as any).p;
  const pk = /*@__INLINE__*/ packet(topic, payload, retain, id);
  if (typeof pk == "number") return pk;
  const n = pk.length;
  if (n + L.R > p.z - L.H || !(/*@__INLINE__*/ storeFits(s, n))) return Err.SPACE;
  if (p.w + L.R + n > p.z && !compact(p, s, L.R + n)) return 0;
  const ram = p.r == p.w && storeCount(s) < p.wn;
  const o = p.w;
  const x = /*@__INLINE__*/ crc(pk);
  wr(p, chr(n >> 8, n & 255, (x >> 8) & 255, x & 255, ram && (c || p.u) ? 0 : 255, 255) + pk, o);
  p.w += L.R + n;
  p.v += L.R + n;
  if (ram && storePut(s, topic, payload, retain, id, c) > 0) {
    p.k += chr(0x40, 2, id >> 8, id & 255);
    p.o += chr(o >> 8, o & 255, n >> 8, n & 255);
    p.r = p.w;
  }
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
  for (let q = j; q < j + m; q++) {
    wr(p, "\0", u16(p.o, q * 4) + 5);
    p.v -= L.R + u16(p.o, q * 4 + 2);
  }
  p.k = p.k.substr(0, j * 4) + p.k.substr((j + m) * 4);
  p.o = p.o.substr(0, j * 4) + p.o.substr((j + m) * 4);
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
  if (!p) return storeCount(s);
  let n = 0;
  for (let o = p.r; o < p.w; ) {
    const h = rd(p, o, L.R);
    if (h.charCodeAt(5) == 255) n++;
    o += L.R + u16(h, 0);
  }
  return n + p.k.length / 4;
}
