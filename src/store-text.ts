// The QoS 1 store of the device build, over Strings: each held message is its encoded PUBLISH as one
// byte String, ready for socket.write(). On Espruino every lookup here is a native call (indexOf,
// splice) instead of an interpreted scan, and an empty store holds no buffer at all: the bound is
// counted in bytes, RAM is spent only on what is held. Same functions as store.ts, which it replaces
// in the device bundle.
import { Err } from "./codec/constants";
import type { Data } from "./codec/encode";
import type { Flow } from "./link";
import { txPublish } from "./wire-text";
// One alias for the bundle: on a board each module-level name is held as long as the module is loaded.
import { chr } from "./codec/native";
import { BIN, FAST, ACKS } from "./features";

export interface Store {
  /** Encoded packets, oldest first; [0, _c) sent on this connection and unacknowledged. */
  _q: string[];
  /** Their PUBACKs, 4 bytes an entry, in the same order: the packet ids as a broker sends them back. One
   * String (a block for 3 entries) in place of an array of ids (a block or two each); a packet id is
   * found with one indexOf, and a run of PUBACKs for the oldest entries with one compare (storeAcks). */
  _a: string;
  _c: number;
  /** [0, _s) have been sent at least once (in this session): they go out again with DUP=1. */
  _s: number;
  /** Bytes held, and the bound. */
  _u: number;
  _m: number;
  /** persist.ts's log, when the client has one. */
  p?: any;
}

export function storeCreate(size: number): Store {
  return { _q: [], _a: "", _c: 0, _s: 0, _u: 0, _m: size };
}

/** As store.ts: 1 stored, 0 full now, Err.SPACE can never fit, or another Err. */
// What one held message costs beyond its bytes (its String's header block and two array slots), so that
// storeSize bounds the RAM held, not only the bytes, however small the messages are. A const enum: the
// number is written where it is used (a module constant costs a block on a board while loaded).
const enum Held {
  ENTRY = 24,
}

export function storePut(s: Store, topic: string, payload: Data | undefined, retain: boolean, id: number, c?: Flow | null): number {
  // Sized before it is built: a full store (a burst paced by publish() returning false) refuses at once.
  // A String payload is bytes on a board, as a Uint8Array's length is.
  const m = topic.length + 4 + (payload == null ? 0 : payload.length);
  // Exactly what storeAck and storeAcks give back: the packet's length and the entry's cost.
  const n = m + (m < 128 ? 2 : m < 16384 ? 3 : m < 2097152 ? 4 : 5) + Held.ENTRY;
  if (n > s._m) return Err.SPACE;
  if (s._u + n > s._m) return 0;
  // A reading's PUBLISH (body under 128 bytes) is built here, as client.ts builds a QoS 0 one: on a board
  // the call of txPublish, which makes the same bytes and every other length, costs more than this.
  // The id's two bytes are made once, for the packet and for the PUBACK it is waiting for.
  const k = chr(id >> 8, id & 255);
  // Pushed as it is made: on a board each local costs a step per call.
  s._q.push(FAST && m < 128 ? chr(retain ? 0x33 : 0x32, m, topic.length >> 8, topic.length & 255) + topic + k + (payload == null ? "" : !BIN || typeof payload == "string" ? payload : E.toString(payload)) : txPublish(null, topic, payload, retain, 1, id));
  s._a += "\x40\x02" + k;
  s._u += n;
  // With `c`, sent now if the window and the link allow: tested here, so that a publish while the window
  // is full (the usual case in a burst) costs no call of storeSend.
  if (c && s._c < c.wn && c.w < c.hw && c.l) storeSend(s, c);
  return 1;
}

/** Send what the window (`c.wn` in flight) and the link (`c.hw` bytes unsent) allow, oldest first. */
export function storeSend(s: Store, c: Flow): void {
  const q = s._q;
  while (s._c < q.length && s._c < c.wn && c.w < c.hw && c.l) {
    let e = s._c + 1;
    let p = q[s._c];
    // A resend carries DUP=1 [MQTT-3.3.1-1]: a flagged copy, made only then, one at a time.
    if (s._c < s._s) p = chr(p.charCodeAt(0) | 8) + p.substr(1);
    else {
      // First sends go out together, in one native join and one write, where a write each costs a call
      // per message on a board: those a write each would have sent (each while fewer than hw bytes are
      // unsent), counted first, so that the join copies no more than goes out.
      const k = !ACKS ? 0 : q.length < c.wn ? q.length : c.wn;
      for (let n = c.hw - c.w - p.length; e < k && n > 0; ) n -= q[e++].length;
      if (e > s._c + 1) p = q.slice(s._c, e).join("");
      s._s = e;
    }
    s._c = e;
    c.w += p.length;
    c.tx = 1;
    c.l.write(p, 0, p.length);
  }
}

export function storeRewind(s: Store, fresh: boolean): void {
  s._c = 0;
  if (fresh) s._s = 0;
}

// Every PUBACK starts 40 02, so the first match of one in _a is at a multiple of 4: one 2 bytes later
// would need its own 40 02 at an entry's id and the next entry's 40 02 as its id, the same id, which
// matches 2 bytes earlier first.
export function storeAck(s: Store, id: number): boolean {
  const a = s._a;
  const k = a.indexOf(chr(0x40, 2, id >> 8, id & 255));
  if (k < 0 || k >= s._c * 4) return false;
  s._u -= s._q.splice(k >> 2, 1)[0].length + Held.ENTRY;
  s._a = a.substr(0, k) + a.substr(k + 4);
  s._c--;
  s._s--;
  return true;
}

/**
 * The PUBACKs at the start of `b` when they are those of the oldest entries sent, in the order they were
 * sent, which is how a broker answers a QoS 1 publisher [MQTT-4.6.0-2]: all of them taken in one compare
 * and one splice, where one at a time costs a pass through the decoder and storeAck each. The bytes
 * taken (4 a PUBACK), or 0 when `b` starts otherwise (the decoder then reads it as usual).
 */
export function storeAcks(s: Store, b: string): number {
  let n = b.length < s._c * 4 ? b.length & ~3 : s._c * 4;
  if (!n || b.substr(0, n) != s._a.substr(0, n)) return 0;
  const q = s._q;
  const k = n >> 2;
  // A step per entry rather than a join of them all: a copy of a window of large messages would be RAM
  // beyond storeSize.
  for (let j = 0; j < k; j++) s._u -= q[j].length + Held.ENTRY;
  q.splice(0, k);
  s._a = s._a.substr(n);
  s._c -= k;
  s._s -= k;
  return n;
}

export function storeHas(s: Store, id: number): boolean {
  return s._a.indexOf(chr(0x40, 2, id >> 8, id & 255)) >= 0;
}

/** Entries held (sent or not), or with `sent` only those sent on this connection and awaiting PUBACK. */
export function storeCount(s: Store, sent?: boolean): number {
  return sent ? s._c : s._q.length;
}

// For persist.ts only (the device bundle without it leaves these out).
/** Every entry held now has been sent before, in the session a restart may find kept: a resend carries DUP=1. */
export function storeSent(s: Store): void {
  s._s = s._q.length;
}

/** Whether a PUBLISH of `n` bytes can ever be held: storePut's bound. */
export function storeFits(s: Store, n: number): boolean {
  return n + Held.ENTRY <= s._m;
}
