// The log of the QoS 1 store kept in Storage (option `persist`, issue 31), shared by the MQTT client's
// store (persist.ts) and the MQTT-SN client's (sn/persist.ts): records, CRC, S/A bytes, the two-generation
// compaction and the torn tail. Each record holds its message as an MQTT PUBLISH packet (the MQTT-SN client
// keeps the topic name there: its topic ids change with every connection). The client's RAM store keeps
// only what is in the sending window; the rest waits in Storage alone, so a held message costs no RAM
// until its turn.
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
// old one; of two committed files the newer generation wins. S is set before a message is handed to
// the sender, so that a resend after a restart to a kept session carries DUP=1; A once it is
// acknowledged. Espruino's own Storage compaction is not ours to protect.
import { chr } from "./codec/native";
// __INLINE__ only where a call runs once (opening the log): terser makes an inlined call in an expression
// an immediately called function, which a board defines, copying its text, each time the call runs (the
// reason rollup.config.js turns reduce_funcs off). On the paths of every publish, PUBACK and record, the
// seams stay plain calls, a function held (about 6 blocks) against a copy per call.
import { flash, crc } from "./persist-io";
import type { Flash } from "./persist-io";

declare const __PERSIST__: boolean;
/** The build has persist: always on Node, in the device bundle built with it (rollup.config.js). */
export const PERSIST = typeof __PERSIST__ == "undefined" || __PERSIST__;

export const enum L {
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
  /** The MQTT store's entries' PUBACKs (4 bytes each, as store-text.ts's _a); the RAM store's entries' offset+length (4 bytes each). */
  k: string;
  o: string;
  wn: number;
  /** A CONNACK has come since the restart: what enters the RAM store from now on may go out at once. */
  u: number;
  /** MQTT: records held in Storage alone (from r, not acknowledged), so that queued() reads no flash. */
  hc: number;
  /** Bytes written and compactions made, for the bench. */
  wb: number;
  cm: number;
}

export function nm(p: Log, g: number): string {
  return p.n + (g & 1 ? "~" : "");
}

export function wr(p: Log, d: string, at: number): void {
  p.f.write(nm(p, p.g), d, at);
  p.wb += d.length;
}

export function rd(p: Log, at: number, n: number): string {
  return p.f.read(nm(p, p.g), at, n) || "";
}

export function u16(s: string, k: number): number {
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

/** A log record for `name` (of `size` bytes, a RAM store of `wn` entries), not opened yet. */
export function logNew(name: string, size: number, wn: number, f?: Flash): Log {
  return { f: f || /*@__INLINE__*/ flash(name), n: name, g: 0, z: size, w: L.H, r: L.H, v: 0, k: "", o: "", wn: wn, u: 0, hc: 0, wb: 0, cm: 0 };
}

/**
 * Open the log: the newer committed file and its end, a torn tail compacted away, a new `size` applied
 * when what is held fits it (nothing is in the RAM store yet: r is its first record). Returns the
 * packet id of the newest record, from which new ids go on.
 */
export function logOpen(p: Log, size: number): number {
  const a = head(p, 0);
  const b = head(p, 1);
  const g = a < 0 ? b : b < 0 || ((b - a) & 255) != 1 ? a : b;
  if (g < 0) {
    // Nothing readable: a new log of generation 0, made over whatever is there, and the other name
    // erased (when Storage has no room for it, every publish is refused until it has).
    p.g = 255;
    if (!compact(p, 0, 1)) p.r = p.w = p.z;
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
    const pk = packetAt(p, o, h);
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
  // A new persistSize takes effect when what is held fits it. Nothing is appended after a torn record:
  // until a compaction succeeds (Storage has room for the new file), the log counts as full where it ends.
  const z = p.z;
  if (p.v <= size - L.H) p.z = size;
  if ((torn || p.z != z) && !compact(p, 0, 1)) p.z = torn ? o : z;
  return id;
}

/**
 * Copy the held records to a new file of the next generation (of size z), commit it, erase the old one.
 * Unless `force`, only when the new record of `need` bytes then fits and acknowledged records are at
 * least a quarter of the file (or nothing is held): a file of live records is not copied again and again.
 */
export function compact(p: Log, need: number, force?: number): boolean {
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
 * Append the record of `pk` (its S byte `s`: 0 handed to the sender, else 255) at the end: its offset,
 * or 0 when the log is full even after compaction.
 */
export function logPut(p: Log, pk: string, s: number): number {
  const n = pk.length;
  if (p.w + L.R + n > p.z && !compact(p, L.R + n)) return 0;
  const o = p.w;
  const x = crc(pk);
  wr(p, chr(n >> 8, n & 255, (x >> 8) & 255, x & 255, s, 255) + pk, o);
  p.w += L.R + n;
  p.v += L.R + n;
  return o;
}

/** The RAM store's entries [j, j + m) were acknowledged: their A bytes cleared, out of the index. */
export function logDone(p: Log, j: number, m: number): void {
  for (let q = j; q < j + m; q++) {
    wr(p, "\0", u16(p.o, q * 4) + 5);
    p.v -= L.R + u16(p.o, q * 4 + 2);
  }
  p.o = p.o.substr(0, j * 4) + p.o.substr((j + m) * 4);
}

/** Records held in Storage alone (not in the RAM store). */
export function logHeld(p: Log): number {
  let n = 0;
  for (let o = p.r; o < p.w; ) {
    const h = rd(p, o, L.R);
    if (h.charCodeAt(5) == 255) n++;
    o += L.R + u16(h, 0);
  }
  return n;
}
