// The MQTT-SN codec of the device bundles: the same functions as codec.ts (the build swaps it in), over
// byte Strings. On Espruino a datagram arrives as a String and leaves as one (dgram.send takes nothing
// else), so the Uint8Array codec cost a copy each way plus a per-byte loop for every topic and payload;
// here a message is one concatenation of native Strings, and a field is read with charCodeAt in place.
// The same layout table as codec.ts; test/sn-codec-text.test.ts checks both give the same bytes and fields.
import { chr } from "../codec/native";
import { N, F, SnErr } from "./constants";
import type { SnMsg as Msg } from "./codec";

const L: (string | null)[] = [
  "gd", "g", "gx", null, "fpdx", "c", "", "Fx", "", "x", "tmx", "tmc", "ftmx", "tmc", "m", "m",
  "m", null, "fmx", "ftmc", "fmx", "m", "x", "", "D", null, "Fx", "c", "x", "c",
];

/** As codec.ts's SnMsg, with the datagram kept as the String it arrived as. */
export interface SnMsg extends Omit<Msg, "b"> {
  b: string;
}

/** The record snDecode fills; each decode sets every field before the client reads any. */
export function snMsg(): SnMsg {
  return {} as SnMsg;
}

/** Decode one datagram (a byte String, or bytes) into `m`: the message type, or an SnErr. */
export function snDecode(m: SnMsg, d: string | Uint8Array): number {
  const b = typeof d == "string" ? d : E.toString(d);
  const e = b.length;
  if (e < 2) return SnErr.SHORT;
  let n = b.charCodeAt(0);
  let o = 2;
  if (n == 1) {
    if (e < 4) return SnErr.LONG;
    n = (b.charCodeAt(1) << 8) | b.charCodeAt(2);
    o = 4;
    if (n < 4) return SnErr.LONG;
  } else if (n < 2) return SnErr.LENGTH;
  const t = b.charCodeAt(o - 1);
  m.b = b;
  m.t = t;
  m.f = m.q = m.tt = m.i = m.m = m.c = m.g = m.x = m.n = 0;
  m.d = -1;
  if (n > e) return SnErr.SHORT;
  if (n < e) return SnErr.LENGTH;
  const lay = L[t];
  if (lay == null) return SnErr.TYPE; // ENCAPSULATED too: a forwarder's, never sent to a client
  for (let k = 0; k < lay.length; k++) {
    const c = lay[k];
    // Width: 2 for d t m, and for D when bytes remain; 1 for F when bytes remain; the rest for x.
    const w = c == "x" ? e - o : c == "d" || c == "t" || c == "m" || (c == "D" && e > o) ? 2 : c == "D" || (c == "F" && e == o) ? 0 : 1;
    if (o + w > e) return SnErr.FIELD;
    const v = w == 2 ? (b.charCodeAt(o) << 8) | b.charCodeAt(o + 1) : b.charCodeAt(o);
    if (c == "x") {
      m.x = o;
      m.n = w;
    } else if (c == "g") m.g = v;
    else if (c == "t") m.i = v;
    else if (c == "m") m.m = v;
    else if (c == "p") {
      if (v != 1) return SnErr.VALUE;
    } else if (c == "c") {
      if ((m.c = v) > 3) return SnErr.VALUE;
    } else if (w && (c == "f" || c == "F")) {
      m.f = v;
      m.q = (v >> F.QOS_SHIFT) & 3;
      if (m.q == 3) m.q = -1;
      m.tt = v & 3;
    } else if (w) m.d = v;
    o += w;
  }
  if (o != e) return SnErr.FIELD;
  // SUBSCRIBE and UNSUBSCRIBE are not checked further (codec.ts does): a gateway never sends them.
  if (t == N.PUBLISH && m.tt == 3) return SnErr.VALUE;
  if (t == N.REGISTER && !m.n) return SnErr.FIELD;
  return t;
}

/** The variable part of the last decoded message: a String, or bytes with `bin`. */
export function snStr(m: SnMsg, bin?: unknown): any {
  const s = m.b.substr(m.x, m.n);
  return bin ? E.toUint8Array(s) : s;
}

/** Two characters as a 16-bit topic id (a short topic name), or the reverse. */
export function shortId(s: string): number {
  return (s.charCodeAt(0) << 8) | s.charCodeAt(1);
}
export function shortName(i: number): string {
  return chr(i >> 8, i & 255);
}

/** A 16-bit value as the two bytes of a variable part (SUBSCRIBE to a predefined id). */
export const snId = shortName;

/** As codec.ts's snEncode, making a byte String: the fields in layout order, `x` the variable part. */
export function snEncode(t: number, x?: string | Uint8Array | null, a?: number, b?: number, c?: number, d?: number): string | null {
  const lay = L[t];
  if (lay == null) return null;
  const xs = x == null ? "" : typeof x == "string" ? x : E.toString(x);
  let s = "";
  let v = 0;
  for (let k = 0; k < lay.length; k++) {
    const ch = lay[k];
    if (ch == "x") s += xs;
    else if (ch == "p") s += "\x01";
    else {
      let y = v == 0 ? a : v == 1 ? b : v == 2 ? c : d;
      v++;
      if (y == null) y = -1;
      if (ch == "d" || ch == "t" || ch == "m" || (ch == "D" && y >= 0)) s += chr((y >> 8) & 255, y & 255);
      else if (ch != "D" && (ch != "F" || xs)) s += chr(y & 255);
    }
  }
  const n = s.length + 2;
  if (n <= 255) return chr(n, t) + s;
  return n + 2 > 65535 ? null : chr(1, (n + 2) >> 8, (n + 2) & 255, t) + s;
}

/** The datagram `d` (a PUBLISH) with DUP set, for a resend. */
export function snDup(d: string): string {
  const k = d.charCodeAt(0) == 1 ? 4 : 2;
  return d.substr(0, k) + chr(d.charCodeAt(k) | F.DUP) + d.substr(k + 1);
}
