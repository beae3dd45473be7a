// Encoders for every packet a client sends. Each writes into a caller-owned buffer at `o` and returns
// the offset after the packet, or a negative Err code; on an error nothing at all has been written,
// because every packet is sized first and checked against the room left.
import { T, Err } from "./constants";
import { strLen, strWrite } from "./strings";
import { nodeBuf } from "./native";

/** A string (encoded by the platform rule) or raw bytes. */
export type Data = string | Uint8Array;

/** Number of bytes the remaining-length field takes for `n` (1..4; 7 bits per byte). */
export function lenSize(n: number): number {
  return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4;
}

function dataLen(x: Data | undefined): number {
  return x == null ? 0 : typeof x == "string" ? strLen(x) : x.length;
}

function dataWrite(b: Uint8Array, o: number, x: Data | undefined): number {
  if (x == null) return o;
  if (typeof x == "string") return strWrite(b, o, x);
  b.set(x, o);
  return o + x.length;
}

export function u16(b: Uint8Array, o: number, v: number): number {
  b[o] = v >> 8;
  b[o + 1] = v & 255;
  return o + 2;
}

/** A length-prefixed field: written, then its length put in front (so no string is measured twice). */
function field(b: Uint8Array, o: number, x: Data | undefined): number {
  const e = dataWrite(b, o + 2, x);
  u16(b, o, e - o - 2);
  return e;
}

/**
 * Fixed header: type/flags byte and remaining length `n`; returns the offset of the variable header,
 * or Err.SPACE when the whole packet would not fit (checked here so callers write nothing on failure).
 */
function head(b: Uint8Array, o: number, byte1: number, n: number): number {
  if (n > 268435455 || o + 1 + lenSize(n) + n > b.length) return Err.SPACE;
  b[o++] = byte1;
  do {
    b[o++] = (n & 127) | (n > 127 ? 128 : 0);
    n >>>= 7;
  } while (n);
  return o;
}

export interface Will {
  topic: string;
  payload?: Data;
  qos?: 0 | 1 | 2;
  retain?: boolean;
}

export interface ConnectOptions {
  /** 4 = MQTT 3.1.1 (default), 3 = MQTT 3.1 ("MQIsdp"). */
  protocol?: number;
  clientId: string;
  /** Clean session; default true. */
  clean?: boolean;
  /** Seconds, 0 = off. Default 60. */
  keepalive?: number;
  will?: Will;
  username?: string;
  password?: Data;
}

/**
 * Remaining length of the CONNECT for `c`, or Err.ARG for a password without a user name, a will QoS
 * over 2, a keepalive outside 0..65535 or a field over 65,535 bytes. Shared by both wires, so the
 * client can refuse options that can never be sent before it opens a link.
 */
export function connectLen(c: ConnectOptions): number {
  const w = c.will;
  const ka = c.keepalive == null ? 60 : c.keepalive;
  const idn = strLen(c.clientId);
  const wtn = w ? strLen(w.topic) : 0;
  const wpn = w ? dataLen(w.payload) : 0;
  const un = dataLen(c.username);
  const pn = dataLen(c.password);
  // Password without user name is not allowed [MQTT-3.1.2-22]; 16-bit lengths cap every field.
  if ((c.password != null && c.username == null) || (w && (w.qos || 0) > 2) || !(ka >= 0 && ka <= 65535) || idn > 65535 || wtn > 65535 || wpn > 65535 || un > 65535 || pn > 65535)
    return Err.ARG;
  return (c.protocol == 3 ? 12 : 10) + 2 + idn + (w ? 4 + wtn + wpn : 0) + (c.username != null ? 2 + un : 0) + (c.password != null ? 2 + pn : 0);
}

/** CONNECT [MQTT-3.1]; Err.ARG as connectLen. */
export function encodeConnect(b: Uint8Array, o: number, c: ConnectOptions): number {
  const v3 = c.protocol == 3;
  const w = c.will;
  const wq = w ? w.qos || 0 : 0;
  const n = connectLen(c);
  if (n < 0) return n;
  o = head(b, o, T.CONNECT << 4, n);
  if (o < 0) return o;
  o = field(b, o, v3 ? "MQIsdp" : "MQTT");
  b[o++] = v3 ? 3 : 4;
  b[o++] =
    (c.username != null ? 0x80 : 0) |
    (c.password != null ? 0x40 : 0) |
    (w ? (w.retain ? 0x20 : 0) | (wq << 3) | 4 : 0) |
    (c.clean === false ? 0 : 2);
  o = u16(b, o, c.keepalive == null ? 60 : c.keepalive);
  o = field(b, o, c.clientId);
  if (w) o = field(b, field(b, o, w.topic), w.payload);
  if (c.username != null) o = field(b, o, c.username);
  if (c.password != null) o = field(b, o, c.password);
  return o;
}

/**
 * PUBLISH [MQTT-3.3]. The packet identifier is written only for QoS 1 and 2 and must then be 1..65535.
 * Err.TOPIC for an empty topic or one over 65,535 bytes; Err.ARG for QoS outside 0..2 or a bad id.
 */
export function encodePublish(b: Uint8Array, o: number, topic: string, payload: Data | undefined, qos: number, retain: boolean, dup: boolean, id: number): number {
  const tl = topic.length;
  const byte1 = (T.PUBLISH << 4) | (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0);
  if (nodeBuf && tl && tl <= 21845 && qos >= 0 && qos <= 2 && (!qos || (id >= 1 && id <= 65535))) {
    // Node: measuring each string and then writing it are two passes; instead write the packet once
    // where it lands if every char is one byte (the least the remaining length can be), and move it in
    // the rare case the length field grows. Only when it surely fits (3 bytes per UTF-16 unit at most,
    // a 4-byte length field) and the topic surely is 1..65,535 bytes, so a packet that does not fit
    // still writes nothing and every error is left to the measuring path below.
    const pl = payload == null ? 0 : payload.length;
    const max = 4 + 3 * tl + (typeof payload == "string" ? 3 * pl : pl);
    if (o + 5 + max <= b.length && max <= 268435455) {
      const h = lenSize(2 + tl + (qos ? 2 : 0) + pl);
      const at = o + 1 + h;
      let e = strWrite(b, at + 2, topic);
      u16(b, at, e - at - 2);
      if (qos) e = u16(b, e, id);
      e = dataWrite(b, e, payload) - at;
      const d = lenSize(e) - h;
      if (d) b.copyWithin(at + d, at, at + e);
      return head(b, o, byte1, e) + e;
    }
  }
  const tn = strLen(topic);
  if (tn < 1 || tn > 65535) return Err.TOPIC;
  if (!(qos >= 0 && qos <= 2) || (qos && !(id >= 1 && id <= 65535))) return Err.ARG;
  o = head(b, o, byte1, 2 + tn + (qos ? 2 : 0) + dataLen(payload));
  if (o < 0) return o;
  o = field(b, o, topic);
  if (qos) o = u16(b, o, id);
  return dataWrite(b, o, payload);
}

/** PUBACK, PUBREC, PUBREL or PUBCOMP for packet `id` (PUBREL carries the fixed flags 0010 [MQTT-3.6.1-1]). */
export function encodeAck(b: Uint8Array, o: number, type: number, id: number): number {
  o = head(b, o, (type << 4) | (type == T.PUBREL ? 2 : 0), 2);
  return o < 0 ? o : u16(b, o, id);
}

/**
 * SUBSCRIBE when `qos` is given (one requested QoS per filter), else UNSUBSCRIBE [MQTT-3.8, 3.10].
 * Both carry the fixed flags 0010. Err.TOPIC for an empty filter or one over 65,535 bytes.
 */
export function encodeSubscribe(b: Uint8Array, o: number, id: number, filters: string[], qos?: number[]): number {
  let n = 2;
  for (let i = 0; i < filters.length; i++) {
    const k = strLen(filters[i]);
    if (k < 1 || k > 65535) return Err.TOPIC;
    if (qos && !(qos[i] >= 0 && qos[i] <= 2)) return Err.ARG;
    n += 2 + k + (qos ? 1 : 0);
  }
  if (!filters.length || !(id >= 1 && id <= 65535)) return Err.ARG;
  o = head(b, o, ((qos ? T.SUBSCRIBE : T.UNSUBSCRIBE) << 4) | 2, n);
  if (o < 0) return o;
  o = u16(b, o, id);
  for (let i = 0; i < filters.length; i++) {
    o = field(b, o, filters[i]);
    if (qos) b[o++] = qos[i];
  }
  return o;
}

/** A packet with no variable header: PINGREQ (C0 00) or DISCONNECT (E0 00). */
export function encodeEmpty(b: Uint8Array, o: number, type: number): number {
  o = head(b, o, type << 4, 0);
  return o;
}
