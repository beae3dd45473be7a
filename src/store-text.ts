// The QoS 1 store of the device build, over Strings: each held message is its encoded PUBLISH as one
// byte String, ready for socket.write(). On Espruino every lookup here is a native call (indexOf,
// splice) instead of an interpreted scan, and an empty store holds no buffer at all: the bound is
// counted in bytes, RAM is spent only on what is held. Same functions as store.ts, which it replaces
// in the device bundle.
import { Err } from "./codec/constants";
import type { Data } from "./codec/encode";
import type { Out } from "./link";
import { txPublish } from "./wire-text";

const chr = String.fromCharCode;

export interface Store {
  /** Encoded packets, oldest first; [0, _c) sent on this connection and unacknowledged. */
  _q: string[];
  /** Their packet ids, index for index. */
  _i: number[];
  _c: number;
  /** [0, _s) have been sent at least once (in this session): they go out again with DUP=1. */
  _s: number;
  /** Bytes held, and the bound. */
  _u: number;
  _m: number;
}

export function storeCreate(size: number): Store {
  return { _q: [], _i: [], _c: 0, _s: 0, _u: 0, _m: size };
}

/** As store.ts: 1 stored, 0 full now, Err.SPACE can never fit, or another Err. */
// What one held message costs beyond its bytes (its String's header block and two array slots), so that
// storeSize bounds the RAM held, not only the bytes, however small the messages are.
const ENTRY = 24;

export function storePut(s: Store, topic: string, payload: Data | undefined, retain: boolean, id: number): number {
  // Sized before it is built: a full store (a burst paced by publish() returning false) refuses at once.
  // A String payload is bytes on a board, as a Uint8Array's length is.
  const m = topic.length + 4 + (payload == null ? 0 : payload.length);
  const n = m + (m < 128 ? 2 : m < 16384 ? 3 : m < 2097152 ? 4 : 5) + ENTRY;
  if (n > s._m) return Err.SPACE;
  if (s._u + n > s._m) return 0;
  // A reading's PUBLISH (body under 128 bytes) is built here, as client.ts builds a QoS 0 one: on a board
  // the call of txPublish, which makes the same bytes and every other length, costs more than this.
  const p = m < 128 ? chr(retain ? 0x33 : 0x32, m, topic.length >> 8, topic.length & 255) + topic + chr(id >> 8, id & 255) + (payload == null ? "" : typeof payload == "string" ? payload : E.toString(payload)) : txPublish(null, topic, payload, retain, 1, id);
  s._q.push(p);
  s._i.push(id);
  s._u += n;
  return 1;
}

/** Send what the window (`c.wn` in flight) and the link (`c.hw` bytes unsent) allow, oldest first. */
export function storeSend(s: Store, c: Out & { wn: number; hw: number }): void {
  const q = s._q;
  while (s._c < q.length && s._c < c.wn && c.w < c.hw && c.l) {
    let p = q[s._c];
    // A resend carries DUP=1 [MQTT-3.3.1-1]: the flagged copy is made only then, not for every message.
    if (s._c < s._s) p = String.fromCharCode(p.charCodeAt(0) | 8) + p.substr(1);
    else s._s = s._c + 1;
    // put(), written out: the loop has checked the link.
    c.w += p.length;
    c.tx = 1;
    c.l!.write(p, 0, p.length);
    s._c++;
  }
}

export function storeRewind(s: Store, fresh: boolean): void {
  s._c = 0;
  if (fresh) s._s = 0;
}

export function storeAck(s: Store, id: number): boolean {
  const k = s._i.indexOf(id);
  if (k < 0 || k >= s._c) return false;
  s._u -= s._q[k].length + ENTRY;
  s._q.splice(k, 1);
  s._i.splice(k, 1);
  s._c--;
  s._s--;
  return true;
}

export function storeHas(s: Store, id: number): boolean {
  return s._i.indexOf(id) >= 0;
}

/** Entries held (sent or not), or with `sent` only those sent on this connection and awaiting PUBACK. */
export function storeCount(s: Store, sent?: boolean): number {
  return sent ? s._c : s._q.length;
}
