// MQTT-SN v1.2 codec: one datagram is one message. The decoder fills one reused record and returns the
// message type, or a negative SnErr for malformed input; it never throws and never reads outside
// [from, to). The encoder makes a new Uint8Array per message (datagrams are small and a transport may
// hold on to what it sends). Fields follow a per-type layout string, so each type is one table entry:
//   g  1 byte: gateway id, or radius (SEARCHGW)          -> m.g
//   f  flags byte; F: flags present only with more bytes  -> m.f (and m.q, m.tt)
//   p  protocol id, always 1
//   d  2-byte duration; D: present or absent (DISCONNECT) -> m.d (-1 when absent)
//   t  topic id -> m.i;  m  message id -> m.m;  c  return code -> m.c
//   x  the rest: client id, topic name, data, gateway address, will topic or message -> m.x, m.n
import { N, F, SnErr } from "./constants";
import { strLen, strWrite, strRead } from "../codec/strings";

// Index = message type; null = reserved.
const L: (string | null)[] = [
  "gd", "g", "gx", null, "fpdx", "c", "", "Fx", "", "x", "tmx", "tmc", "ftmx", "tmc", "m", "m",
  "m", null, "fmx", "ftmc", "fmx", "m", "x", "", "D", null, "Fx", "c", "x", "c",
];

/** The last decoded message. Offsets index `b`, the datagram given to snDecode. */
export interface SnMsg {
  /** Message type. */
  t: number;
  /** Flags byte (0 when the type has none), its QoS (-1..2) and topic id type (F.NORMAL, PREDEFINED, SHORT). */
  f: number;
  q: number;
  tt: number;
  /** Topic id (also the two bytes of a short or predefined topic in SUBSCRIBE / UNSUBSCRIBE). */
  i: number;
  /** Message id. */
  m: number;
  /** Return code. */
  c: number;
  /** Duration (ADVERTISE, CONNECT, DISCONNECT; -1 = DISCONNECT without one). */
  d: number;
  /** Gateway id or radius; ENCAPSULATED: offset of the inner message. */
  g: number;
  /** Variable part: offset and length in b. */
  x: number;
  n: number;
  b: Uint8Array;
}

export function snMsg(): SnMsg {
  return { t: 0, f: 0, q: 0, tt: 0, i: 0, m: 0, c: 0, d: -1, g: 0, x: 0, n: 0, b: new Uint8Array(0) };
}

function u16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

/**
 * Decode the datagram b[from, to) (default: all of b) into `m`. Returns the message type, or an SnErr.
 * ENCAPSULATED reports ctrl in m.f, the wireless node id as m.x/m.n and the inner message's offset in
 * m.g: decode it with snDecode(m2, b, m.g, to).
 */
export function snDecode(m: SnMsg, d: Uint8Array | string, from?: number, to?: number): number {
  const b = typeof d == "string" ? bytes(d) : d;
  let o = from || 0;
  const e = to == null ? b.length : to;
  if (e - o < 2) return SnErr.SHORT;
  let n = b[o];
  let h = 1;
  if (n == 1) {
    if (e - o < 4) return SnErr.LONG;
    n = u16(b, o + 1);
    h = 3;
    if (n < 4) return SnErr.LONG;
  } else if (n < 2) return SnErr.LENGTH;
  const t = b[o + h];
  m.b = b;
  m.t = t;
  m.f = m.q = m.tt = m.i = m.m = m.c = m.g = m.x = m.n = 0;
  m.d = -1;
  if (t == N.ENCAPSULATED) {
    // Length covers Length, MsgType, Ctrl and the node id; a whole MQTT-SN message follows.
    if (h > 1 || n < 3) return SnErr.LENGTH;
    if (e - o < n + 2) return SnErr.SHORT;
    m.f = b[o + 2];
    m.x = o + 3;
    m.n = n - 3;
    m.g = o + n;
    return t;
  }
  if (n > e - o) return SnErr.SHORT;
  if (n < e - o) return SnErr.LENGTH;
  const lay = t < L.length ? L[t] : null;
  if (lay == null) return SnErr.TYPE;
  o += h + 1;
  for (let k = 0; k < lay.length; k++) {
    const c = lay.charAt(k);
    const w = c == "d" || c == "t" || c == "m" ? 2 : c == "D" ? (e - o ? 2 : 0) : c == "F" ? (e - o ? 1 : 0) : c == "x" ? e - o : 1;
    if (o + w > e) return SnErr.FIELD;
    if (c == "g") m.g = b[o];
    else if (c == "f" || (c == "F" && w)) {
      m.f = b[o];
      m.q = ((m.f >> F.QOS_SHIFT) & 3) == 3 ? -1 : (m.f >> F.QOS_SHIFT) & 3;
      m.tt = m.f & 3;
    } else if (c == "p") {
      if (b[o] != 1) return SnErr.VALUE;
    } else if (c == "d" || (c == "D" && w)) m.d = u16(b, o);
    else if (c == "t") m.i = u16(b, o);
    else if (c == "m") m.m = u16(b, o);
    else if (c == "c") {
      m.c = b[o];
      if (m.c > 3) return SnErr.VALUE;
    } else if (c == "x") {
      m.x = o;
      m.n = w;
    }
    o += w;
  }
  if (o != e) return SnErr.FIELD;
  if (t == N.PUBLISH || t == N.SUBSCRIBE || t == N.UNSUBSCRIBE) {
    if (m.tt == 3) return SnErr.VALUE;
    // SUBSCRIBE / UNSUBSCRIBE: a topic name, or exactly the two bytes of a predefined id or short name.
    if (t != N.PUBLISH && (m.tt ? m.n != 2 : !m.n)) return SnErr.FIELD;
    if (t != N.PUBLISH && m.tt) m.i = u16(b, m.x);
  }
  if (t == N.REGISTER && !m.n) return SnErr.FIELD;
  return t;
}

/** The variable part of the last decoded message: a string (UTF-8), or with `bin` its bytes (a view, not a copy). */
export function snStr(m: SnMsg, bin?: unknown): any {
  return bin ? m.b.subarray(m.x, m.x + m.n) : strRead(m.b, m.x, m.n);
}

/** A byte String (a datagram from an Espruino-style transport) as bytes. */
function bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** A 16-bit value as the two bytes of a variable part (SUBSCRIBE to a predefined id). */
export function snId(v: number): Uint8Array {
  return Uint8Array.of(v >> 8, v & 255);
}

/** The datagram `d` (a PUBLISH) with DUP set, for a resend. */
export function snDup(d: Uint8Array): Uint8Array {
  d[d[0] == 1 ? 4 : 2] |= F.DUP;
  return d;
}

/** Two characters as a 16-bit topic id (a short topic name), or the reverse. */
export function shortId(s: string): number {
  return (s.charCodeAt(0) << 8) | s.charCodeAt(1);
}
export function shortName(i: number): string {
  return String.fromCharCode(i >> 8, i & 255);
}

/**
 * Encode a message of type `t`: `x` is the variable part (string or bytes), `a`..`d` the numeric fields
 * in layout order (the protocol id is implied). An optional flags byte (F) is written when x is not
 * empty; an optional duration (D) when its value is >= 0. Returns null for a reserved type or a message
 * over 65,535 bytes.
 */
export function snEncode(t: number, x?: string | Uint8Array | null, a?: number, b?: number, c?: number, d?: number): Uint8Array | null {
  const lay = t < L.length ? L[t] : null;
  if (lay == null) return null;
  const xs = x == null ? 0 : typeof x == "string" ? strLen(x) : x.length;
  let n = 0;
  let v = 0;
  for (let k = 0; k < lay.length; k++) {
    const ch = lay.charAt(k);
    if (ch == "x") n += xs;
    else if (ch == "F") {
      v++;
      if (xs) n++;
    }
    else if (ch == "D") n += arg(v++, a, b, c, d) >= 0 ? 2 : 0;
    else {
      n += ch == "d" || ch == "t" || ch == "m" ? 2 : 1;
      if (ch != "p") v++;
    }
  }
  const r = head(t, n);
  if (!r) return null;
  let o = r.length - n;
  v = 0;
  for (let k = 0; k < lay.length; k++) {
    const ch = lay.charAt(k);
    if (ch == "p") r[o++] = 1;
    else if (ch == "x") o = put(r, o, x);
    else {
      const y = arg(v++, a, b, c, d);
      if (ch == "d" || ch == "t" || ch == "m" || (ch == "D" && y >= 0)) {
        r[o++] = y >> 8;
        r[o++] = y;
      } else if (ch != "D" && (ch != "F" || xs)) r[o++] = y;
    }
  }
  return r;
}

function arg(k: number, a?: number, b?: number, c?: number, d?: number): number {
  const y = k == 0 ? a : k == 1 ? b : k == 2 ? c : d;
  return y == null ? -1 : y;
}

/** A message buffer for type t with a body of n bytes after the type: 1-byte length form up to 255 bytes in all, else 01 LL LL. */
function head(t: number, n: number): Uint8Array | null {
  const s = n + 2 <= 255 ? n + 2 : n + 4;
  if (s > 65535) return null;
  const r = new Uint8Array(s);
  if (s > 255) {
    r[0] = 1;
    r[1] = s >> 8;
    r[2] = s;
    r[3] = t;
  } else {
    r[0] = s;
    r[1] = t;
  }
  return r;
}

function put(r: Uint8Array, o: number, x?: string | Uint8Array | null): number {
  if (x == null) return o;
  if (typeof x == "string") return strWrite(r, o, x);
  r.set(x, o);
  return o + x.length;
}

/** ENCAPSULATED: the forwarder header (ctrl, wireless node id) followed by the whole message `inner`. */
export function snEncap(ctrl: number, node: Uint8Array, inner: Uint8Array): Uint8Array {
  const h = 3 + node.length;
  const r = new Uint8Array(h + inner.length);
  r[0] = h;
  r[1] = N.ENCAPSULATED;
  r[2] = ctrl;
  r.set(node, 3);
  r.set(inner, h);
  return r;
}
