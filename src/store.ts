// The QoS 1 store: one preallocated byte array holding encoded PUBLISH packets back to back, in the
// order they were published. No object per message: an entry is its own wire bytes.
//   [_h, _c)  sent on this connection, awaiting PUBACK (acknowledged ones become tombstones: byte 0 = 0)
//   [_c, _t)  not yet sent on this connection
//   [_t, end) free
// After the first transmission the DUP bit is set in place, so any resend carries DUP=1 [MQTT-3.3.1-1].
import { Err } from "./codec/constants";
import { encodePublish } from "./codec/encode";
import type { Data } from "./codec/encode";

export interface Store {
  _b: Uint8Array;
  _h: number;
  _c: number;
  _t: number;
  /** Entries sent on this connection and not yet acknowledged. */
  _n: number;
}

export function storeCreate(size: number): Store {
  return { _b: new Uint8Array(size), _h: 0, _c: 0, _t: 0, _n: 0 };
}

/** Offset just past the entry at `o` (fixed header + remaining length). */
export function entryEnd(b: Uint8Array, o: number): number {
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

/** Append a QoS 1 PUBLISH. Returns the new tail (> 0), Err.SPACE when the store is full, or another Err. */
export function storePut(s: Store, topic: string, payload: Data | undefined, retain: boolean, id: number): number {
  let e = encodePublish(s._b, s._t, topic, payload, 1, retain, false, id);
  if (e == Err.SPACE && s._h < s._t) {
    // Slide the live entries to the front, leaving out acknowledged ones (tombstones), so one
    // unacknowledged message cannot pin the space behind it. Rare: the head moves up as PUBACKs arrive.
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
  if (e > 0) s._t = e;
  return e;
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

/** Live entries in the store (sent or not). */
export function storeCount(s: Store): number {
  const b = s._b;
  let n = 0;
  for (let o = s._h; o < s._t; o = entryEnd(b, o)) if (b[o]) n++;
  return n;
}
