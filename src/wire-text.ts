// The String wire of the device build (Espruino): a packet is built by native String concatenation and
// handed to socket.write() as it is, and received bytes, which arrive as Strings, are cut with substr.
// No per-byte loop touches a topic or a payload, and no buffer is held while nothing is in transit.
// Same functions as wire.ts, which it replaces in the device bundle.
import { Err, PACKET } from "./codec/constants";
import type { Data, ConnectOptions } from "./codec/encode";
import type { PacketRecord } from "./codec/decode";
import { put } from "./link";
import type { Out } from "./link";
import { chr } from "./codec/native";
import { V31, QOS2, BIN, FAST } from "./features";

/** A length-prefixed field; Strings are bytes on the boards, a Uint8Array is turned into one natively. */
function field(x: Data | undefined): string {
  const s = x == null ? "" : !BIN || typeof x == "string" ? x : E.toString(x);
  return chr(s.length >> 8, s.length & 255) + s;
}

/** Fixed header (remaining length: at most 4 loop steps) and body. */
function packet(byte1: number, body: string): string {
  let n = body.length;
  let h = chr(byte1);
  do {
    h += chr((n & 127) | (n > 127 ? 128 : 0));
    n >>= 7;
  } while (n);
  return h + body;
}

/** Hand a packet to the link: its length, or Err.SPACE (nothing sent) when it is over txSize. */
function send(c: Out, p: string): number {
  if (p.length > c.z) return Err.SPACE;
  put(c, p, 0, p.length);
  return p.length;
}

export function txBuf(size: number): Uint8Array | null {
  return null;
}

/** The CONNECT packet for `o`, made once per client, or Err.ARG when a field is over 65,535 bytes. */
export function connectPacket(o: ConnectOptions): Uint8Array | string | number {
  const v3 = V31 && o.protocol == 3;
  const w = o.will;
  const flags = (o.username != null ? 0x80 : 0) | (o.password != null ? 0x40 : 0) | (w ? (w.retain ? 0x20 : 0) | ((w.qos || 0) << 3) | 4 : 0) | (o.clean === false ? 0 : 2);
  const f = [o.clientId, w && w.topic, w && w.payload, o.username, o.password];
  const ka = o.keepalive == null ? 60 : o.keepalive;
  let body = field(v3 ? "MQIsdp" : "MQTT") + chr(v3 ? 3 : 4, flags, ka >> 8, ka & 255);
  for (let k = 0; k < 5; k++) {
    if (k && f[k] == null && (k > 2 || !w)) continue;
    // Without BIN (features.ts) every field is a String: another type is refused, never sent as garbage.
    if (!BIN && f[k] != null && typeof f[k] != "string") return Err.ARG;
    const x = field(f[k]);
    if (x.length > 65537) return Err.ARG;
    body += x;
  }
  return packet(0x10, body);
}

/**
 * A QoS 0 PUBLISH sent on `c`: its length, or Err.SPACE with nothing sent. With no `c`, the PUBLISH of
 * QoS `qos` and packet id `id` as a String, which is how the store makes a QoS 1 entry. The
 * hot path of every publish on a board, so it is written out in one body: Espruino lexes the source of
 * each call it makes again, and a call costs more there than the concatenation it wraps.
 */
export function txPublish(c: Out | null, topic: string, payload: Data | undefined, retain: boolean, qos?: number, id?: number): any {
  // The client has checked the topic (1 to 65,535 bytes, no wildcard).
  const n = topic.length;
  const b = chr(n >> 8, n & 255) + topic + (qos ? chr(id! >> 8, id! & 255) : "") + (payload == null ? "" : !BIN || typeof payload == "string" ? payload : E.toString(payload));
  // Without FAST (features.ts) the one header builder, packet().
  if (!FAST) {
    const w = packet(0x30 | (qos! << 1) | (retain ? 1 : 0), b);
    return c ? send(c, w) : w;
  }
  let m = b.length;
  let p = chr(0x30 | (qos! << 1) | (retain ? 1 : 0), m & 127 | (m > 127 ? 128 : 0));
  // Telemetry fits a 1-byte remaining length; longer packets add the rest of it.
  while ((m >>= 7)) p += chr((m & 127) | (m > 127 ? 128 : 0));
  p += b;
  if (!c) return p;
  if (p.length > c.z) return Err.SPACE;
  // put(), written out: the caller checked the link is up.
  c.w += p.length;
  c.tx = 1;
  c.l!.write(p, 0, p.length);
  return p.length;
}

/** A packet of a fixed first byte and a packet id: PUBACK, PUBREC, PUBREL, PUBCOMP; with `id` < 0 none (PINGREQ, DISCONNECT). */
export function txAck(c: Out, byte1: number, id: number): void {
  send(c, id < 0 ? chr(byte1, 0) : chr(byte1, 2, id >> 8, id & 255));
}

/** SUBSCRIBE to one filter, or UNSUBSCRIBE when `qos` < 0; its length, or Err.SPACE. */
export function txSub(c: Out, id: number, filter: string, qos: number): number {
  return send(c, packet(qos < 0 ? 0xa2 : 0x82, chr(id >> 8, id & 255) + field(filter) + (qos < 0 ? "" : chr(qos))));
}

/** The decoder: bytes not yet consumed, and the record of the last packet. */
// No `st` and no `flags`: the board client reads neither, and each field is a block per client.
export interface Rx extends Omit<PacketRecord, "st" | "flags"> {
  /** Received bytes not yet consumed. */
  b: string;
  /** Largest packet body accepted (rxSize). */
  z: number;
  /** Bytes of an oversized packet still to skip. */
  k: number;
  /** -1, or the bytes after the packet id of an oversized PUBLISH whose id is still to be read. */
  g: number;
  /** PUBLISH topic and payload (or SUBACK list) of the last packet. */
  tp: string;
  p: string;
}

export function rxCreate(size: number): Rx {
  return { b: "", z: size, k: 0, g: -1, type: 0, qos: 0, id: 0, rc: 0, sp: 0, size: 0, plen: 0, tp: "", p: "" };
}

export function rxReset(d: Rx): void {
  d.b = "";
  d.k = 0;
  d.g = -1;
}

/**
 * As wire.ts: take in `chunk` (if any); then a packet (1) or an Err (< 0) is in the record, or 0 when
 * more bytes are needed. The received String is read in place: for an ack or a PINGRESP no String is
 * made at all, and only the fields the packet's type defines are set.
 */
export function rxNext(d: Rx, chunk: Uint8Array | string | null): number {
  let b = d.b;
  // Into an empty buffer (the usual case: a chunk of whole packets) the chunk itself, not a copy of it:
  // 5% of a 534-byte PUBLISH's time on the 64-bit build.
  if (chunk) {
    if (typeof chunk != "string") chunk = E.toString(chunk);
    b = b ? b + chunk : (chunk as string);
  }
  if (d.k) {
    // The rest of an oversized packet, skipped as it arrives.
    const m = d.k < b.length ? d.k : b.length;
    b = b.substr(m);
    d.k -= m;
  }
  d.b = b;
  // An oversized PUBLISH whose packet id lay past rxSize (its topic alone was longer): the bytes up to
  // the id were skipped; now the id, to acknowledge the message, and the rest is skipped as it arrives.
  if (d.g >= 0 && !d.k) {
    if (b.length < 2) return 0;
    d.id = (b.charCodeAt(0) << 8) | b.charCodeAt(1);
    d.k = d.g;
    d.g = -1;
    const m = d.k < b.length - 2 ? d.k : b.length - 2;
    d.b = b.substr(2 + m);
    d.k -= m;
    return Err.BIG;
  }
  if (d.k || b.length < 2) return 0;
  // A PUBACK, what a QoS 1 publisher receives most: read here, without the framing below and parse()
  // (one call fewer per acknowledged message on a board). Id 0 is left to parse() to refuse.
  if (FAST && b.charCodeAt(0) == 0x40 && b.charCodeAt(1) == 2 && b.length > 3 && (d.id = (b.charCodeAt(2) << 8) | b.charCodeAt(3))) {
    d.type = 4;
    d.size = 2;
    d.b = b.substr(4);
    return PACKET;
  }
  let n = b.charCodeAt(1);
  let j = 2;
  if (n > 127) {
    n &= 127;
    let m = 128;
    let x: number;
    do {
      if (j == b.length) return 0;
      x = b.charCodeAt(j++);
      n += (x & 127) * m;
      m *= 128;
      // A fourth length byte announcing a fifth is malformed [MQTT-2.2.3].
      if (x & 128 && j == 5) {
        d.b = "";
        return Err.LENGTH;
      }
    } while (x & 128);
  }
  // An oversized packet: its first rxSize bytes are read (a PUBLISH's topic and id, to acknowledge
  // it), the rest is skipped as it arrives.
  const big = n > d.z;
  const held = big ? d.z : n;
  if (b.length < j + held) return 0;
  const end = j + n;
  d.k = end > b.length ? end - b.length : 0;
  d.b = b.substr(end);
  return parse(d, b, j, n, big);
}

/**
 * The checks of codec/decode.ts's parse, over the packet at the start of `b` whose body starts at `j`
 * and is `n` bytes long (only its first rxSize bytes are there when `big`). A function of its own:
 * Espruino reads the whole text of a function on each call, so the framing above, called once more
 * per chunk to find there is nothing left, stays short.
 */
function parse(d: Rx, b: string, j: number, n: number, big: boolean): number {
  const held = big ? d.z : n;
  const h = b.charCodeAt(0);
  const t = h >> 4;
  d.type = t;
  d.size = n;
  if (t == 3) {
    const q = (h >> 1) & 3;
    // Without QOS2 (features.ts) nothing is subscribed at QoS 2: a QoS 2 PUBLISH is a broker's error.
    if (q == 3 || (!QOS2 && q == 2)) return Err.QOS;
    d.qos = q;
    d.id = 0;
    if (held < 2) return big ? Err.BIG : Err.TOPIC;
    const tl = (b.charCodeAt(j) << 8) | b.charCodeAt(j + 1);
    const o = 2 + tl + (q ? 2 : 0);
    if (o > held) {
      if (!big) return Err.TOPIC;
      // The id follows the topic: read it whatever the topic's length, or the broker would resend
      // the message after every reconnect. Where it has not arrived yet, rxNext() reads it once the
      // bytes before it are skipped (g: the packet's bytes after the id).
      const a = j + o - 2;
      if (q && o <= n) {
        if (a + 2 <= b.length) d.id = (b.charCodeAt(a) << 8) | b.charCodeAt(a + 1);
        else {
          d.g = n - o;
          d.b = b.substr(a);
          d.k = a > b.length ? a - b.length : 0;
          return 0;
        }
      }
      return Err.BIG;
    }
    if (!tl) return Err.TOPIC;
    d.tp = b.substr(j + 2, tl);
    if (q && !(d.id = (b.charCodeAt(j + o - 2) << 8) | b.charCodeAt(j + o - 1))) return Err.ID;
    d.plen = n - o;
    if (big) return Err.BIG;
    d.p = b.substr(j + o, n - o);
    return PACKET;
  }
  // Types a server sends: CONNACK .. UNSUBACK and PINGRESP, never SUBSCRIBE, UNSUBSCRIBE or PINGREQ.
  if (t < 2 || t > 13 || t == 8 || t == 10 || t == 12) return Err.TYPE;
  if ((h & 15) != (t == 6 ? 2 : 0)) return Err.FLAGS;
  if (big) return Err.BIG;
  if (t == 13) return n ? Err.LENGTH : PACKET;
  if (t == 9 ? n < 3 : n != 2) return Err.LENGTH;
  if (t == 2) {
    d.sp = b.charCodeAt(j) & 1;
    d.rc = b.charCodeAt(j + 1);
    return PACKET;
  }
  if (!(d.id = (b.charCodeAt(j) << 8) | b.charCodeAt(j + 1))) return Err.ID;
  if (t == 9) {
    d.p = b.substr(j + 2, n - 2);
    d.plen = n - 2;
  }
  return PACKET;
}

// The client reads a packet's topic and payload as the record's `tp` and `p` on the board (rxTopic and
// rxPayload are the byte wire's).
export function rxTopic(d: Rx): string {
  return d.tp;
}

export function rxPayload(d: Rx, bin: boolean): string | Uint8Array {
  return bin ? E.toUint8Array(d.p) : d.p;
}

export function rxByte(d: Rx, k: number): number {
  return d.p.charCodeAt(k);
}
