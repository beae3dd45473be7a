// The QoS 1 store of the Node build: one preallocated byte array holding encoded PUBLISH packets back
// to back, in the order they were published. No object per message: an entry is its own wire bytes,
// so a publish and its PUBACK allocate nothing. The device build swaps in store-text.ts (same functions).
//   [_h, _c)  sent on this connection, awaiting PUBACK (acknowledged ones are tombstones: byte 0 = 0)
//   [_c, _t)  not yet sent on this connection
//   [_t, end) free
// The store alone moves these cursors; the client asks it to put, send, acknowledge and rewind.
import { Err } from "./codec/constants";
import { encodePublish, lenSize } from "./codec/encode";
import { strLen } from "./codec/strings";
import type { Data } from "./codec/encode";
import { put } from "./link";
import type { Flow } from "./link";

export interface Store {
  _b: Uint8Array;
  _h: number;
  _c: number;
  _t: number;
  /** Entries sent on this connection and not yet acknowledged. */
  _n: number;
  /** persist.ts's log, when the client has one. */
  p?: any;
}

export function storeCreate(size: number): Store {
  return { _b: new Uint8Array(size), _h: 0, _c: 0, _t: 0, _n: 0 };
}

/** Offset just past the entry at `o` (fixed header + remaining length). */
function entryEnd(b: Uint8Array, o: number): number {
  let n = 0;
  let m = 1;
  let x: number;
  do {
    x = b[++o];
    n += (x & 127) * m;
    m *= 128;
  } while (x & 128);
  return o + 1 + n;
}

/** Packet id of the entry at `o`: after the fixed header and the topic. */
function entryId(b: Uint8Array, o: number): number {
  while (b[++o] & 128);
  o += 3 + ((b[o + 1] << 8) | b[o + 2]);
  return (b[o] << 8) | b[o + 1];
}

/**
 * Append a QoS 1 PUBLISH: 1 stored, 0 the store is full now, Err.SPACE it can never fit, or the
 * encoder's Err for a bad argument. With `c` (connected), what may go out then goes out (storeSend).
 */
export function storePut(s: Store, topic: string, payload: Data | undefined, retain: boolean, id: number, c?: Flow | null): number {
  let e = encodePublish(s._b, s._t, topic, payload, 1, retain, false, id);
  if (e == Err.SPACE && s._h < s._t) {
    // Slide the live entries to the front, leaving out acknowledged ones, so one unacknowledged
    // message cannot pin the space behind it. Rare: the head moves up as PUBACKs arrive.
    const b = s._b;
    let j = 0;
    let c = 0;
    for (let o = s._h; o < s._t; ) {
      const end = entryEnd(b, o);
      if (o < s._c) c = j + (b[o] ? end - o : 0);
      if (b[o]) while (o < end) b[j++] = b[o++];
      o = end;
    }
    s._c = s._c > s._h ? c : 0;
    s._h = 0;
    s._t = j;
    e = encodePublish(b, j, topic, payload, 1, retain, false, id);
  }
  if (e > 0) {
    s._t = e;
    if (c) storeSend(s, c);
    return 1;
  }
  if (e != Err.SPACE) return e;
  // Full now, or never: a packet larger than the whole store can never be held, whatever is held now.
  const n = 4 + strLen(topic) + (payload == null ? 0 : typeof payload == "string" ? strLen(payload) : payload.length);
  return 1 + lenSize(n) + n > s._b.length ? Err.SPACE : 0;
}

/**
 * Send entries not yet sent on this connection, oldest first, skipping acknowledged ones, while fewer
 * than `c.wn` are in flight and the link takes more (under `c.hw` bytes unsent). Each carries DUP=1
 * from its first send on [MQTT-3.3.1-1].
 */
export function storeSend(s: Store, c: Flow): void {
  const b = s._b;
  while (s._c < s._t && s._n < c.wn && c.w < c.hw && c.l) {
    const from = s._c;
    const to = entryEnd(b, from);
    s._c = to;
    if (!b[from]) continue;
    s._n++;
    put(c, b, from, to);
    b[from] |= 8;
  }
}

/**
 * A new connection: everything unacknowledged goes out again, from the oldest. `fresh` (a new session)
 * sends them as new messages, DUP=0: the broker has never seen them in this session.
 */
export function storeRewind(s: Store, fresh: boolean): void {
  const b = s._b;
  s._c = s._h;
  s._n = 0;
  if (fresh) for (let o = s._h; o < s._t; o = entryEnd(b, o)) if (b[o]) b[o] &= ~8;
}

/** Mark the in-flight entry with packet id `id` acknowledged; false when no such entry is in flight. */
export function storeAck(s: Store, id: number): boolean {
  const b = s._b;
  for (let o = s._h; o < s._c; o = entryEnd(b, o)) {
    if (b[o] && entryId(b, o) == id) {
      b[o] = 0;
      s._n--;
      while (s._h < s._t && !b[s._h]) s._h = entryEnd(b, s._h);
      if (s._h == s._t) s._h = s._c = s._t = 0;
      return true;
    }
  }
  return false;
}

/** True when an entry (sent or not) holds packet id `id`. */
export function storeHas(s: Store, id: number): boolean {
  const b = s._b;
  for (let o = s._h; o < s._t; o = entryEnd(b, o)) if (b[o] && entryId(b, o) == id) return true;
  return false;
}

/** Live entries in the store (sent or not), or with `sent` only those sent on this connection and awaiting PUBACK. */
export function storeCount(s: Store, sent?: boolean): number {
  if (sent) return s._n;
  const b = s._b;
  let n = 0;
  for (let o = s._h; o < s._t; o = entryEnd(b, o)) if (b[o]) n++;
  return n;
}

// For persist.ts only (the device bundle without it leaves these out).
/** Every entry held now has been sent before, in the session a restart may find kept: a resend carries DUP=1. */
export function storeSent(s: Store): void {
  const b = s._b;
  for (let o = s._h; o < s._t; o = entryEnd(b, o)) if (b[o]) b[o] |= 8;
}

/** Whether a PUBLISH of `n` bytes can ever be held. */
export function storeFits(s: Store, n: number): boolean {
  return n <= s._b.length;
}
