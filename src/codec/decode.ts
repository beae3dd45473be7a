// The incremental decoder: one fixed receive buffer, a resumable state machine (fixed header byte,
// remaining length, body) and one reused record. Nothing is allocated per packet; topic and payload
// are reported as offsets into `buf`, valid until the next call to decode().
import { T, Err, PACKET } from "./constants";
import { NATIVE, nodeBuf } from "./native";

/** What a decoder reports of the last packet; the board's String decoder (src/wire-text.ts) reports the same. */
export interface PacketRecord {
  /** Status of the last call: 0 = need more bytes, 1 (PACKET) = a packet is in the record, < 0 = an Err code. */
  st: number;
  /** Packet type (T) and the low nibble of its first byte. */
  type: number;
  flags: number;
  /** PUBLISH QoS (flags bits 2..1). */
  qos: number;
  /** Packet identifier (PUBLISH QoS > 0, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK), else 0. */
  id: number;
  /** CONNACK return code and session-present bit. */
  rc: number;
  sp: number;
  /** Length of the PUBLISH payload, or of a SUBACK's granted-QoS list (one byte per filter). */
  plen: number;
  /** Remaining length of the last packet (the whole of it, also when it was too big and skipped). */
  size: number;
}

export interface Decoder extends PacketRecord {
  /** The receive buffer; a packet body is at buf[0, min(size, buf.length)). */
  buf: Uint8Array;
  /** PUBLISH topic: offset and byte length in buf; the payload (or SUBACK list) starts at `pay`. */
  topic: number;
  tlen: number;
  pay: number;
  // Progress, kept between calls.
  ph: number;
  h: number;
  len: number;
  mul: number;
  got: number;
  /** The bytes of a QoS 1/2 PUBLISH's packet id that lay past the buffer's end. */
  xid: number;
}

/** A decoder with a receive buffer of `size` bytes (the largest packet body it will hold). */
export function createDecoder(size: number): Decoder {
  return { buf: new Uint8Array(size), st: 0, type: 0, flags: 0, qos: 0, id: 0, rc: 0, sp: 0, topic: 0, tlen: 0, pay: 0, plen: 0, size: 0, ph: 0, h: 0, len: 0, mul: 1, got: 0, xid: 0 };
}

/** Forget any partial packet (after a reconnect the stream starts afresh). */
export function resetDecoder(d: Decoder): void {
  d.ph = d.got = d.len = 0;
  d.mul = 1;
  d.st = 0;
}

/**
 * Consume bytes of `c` (Uint8Array/Buffer, or a byte string as Espruino sockets deliver: one char per
 * byte) from index `i` until one packet completes, an error is found, or the chunk ends. Returns the
 * index to continue from; `d.st` says which. Call again while the returned index is below c.length.
 */
export function decode(d: Decoder, c: Uint8Array | string, i: number): number {
  const s = typeof c == "string";
  const n = c.length;
  const b = d.buf;
  d.st = 0;
  while (i < n) {
    if (d.ph == 2) {
      // Body: copy what belongs to this packet; bytes past the buffer's end are counted, not stored.
      let k = d.len - d.got;
      if (k > n - i) k = n - i;
      let o = d.got;
      const e = o + k;
      const m = e < b.length ? e : b.length;
      if (s) for (let j = i; o < m; ) b[o++] = (c as string).charCodeAt(j++);
      else if (nodeBuf && m - o > NATIVE) nodeBuf.prototype.copy.call(c, b, o, i, i + m - o);
      else for (let j = i; o < m; ) b[o++] = (c as Uint8Array)[j++];
      // A QoS 1/2 PUBLISH whose topic alone fills the buffer: its packet id is taken as it passes, so
      // that the message can still be acknowledged.
      if (e > b.length && d.h >> 4 == T.PUBLISH && d.h & 6) {
        const p = ((b[0] << 8) | b[1]) + 2;
        for (let q = p; q < p + 2; q++) if (q >= b.length && q >= d.got && q < e) d.xid |= (s ? (c as string).charCodeAt(i + q - d.got) & 255 : (c as Uint8Array)[i + q - d.got]) << (q == p ? 8 : 0);
      }
      d.got = e;
      i += k;
      if (e == d.len) return done(d, i);
      continue;
    }
    const x = s ? (c as string).charCodeAt(i++) & 255 : (c as Uint8Array)[i++];
    if (d.ph == 0) {
      d.h = x;
      d.ph = 1;
      d.len = d.got = d.xid = 0;
      d.mul = 1;
    } else {
      d.len += (x & 127) * d.mul;
      if (x & 128) {
        // A fourth byte with its continuation bit set announces a fifth: malformed [MQTT-2.2.3].
        if (d.mul == 2097152) {
          d.ph = 0;
          d.st = Err.LENGTH;
          return i;
        }
        d.mul *= 128;
      } else {
        d.ph = 2;
        if (!d.len) return done(d, i);
      }
    }
  }
  return i;
}

function done(d: Decoder, i: number): number {
  d.ph = 0;
  d.st = parse(d);
  return i;
}

function parse(d: Decoder): number {
  const b = d.buf;
  const t = d.h >> 4;
  const f = d.h & 15;
  const n = d.len;
  d.type = t;
  d.flags = f;
  d.size = n;
  d.id = d.qos = d.rc = d.sp = d.topic = d.tlen = d.pay = d.plen = 0;
  if (t < T.CONNACK || t > T.PINGRESP || t == T.SUBSCRIBE || t == T.UNSUBSCRIBE || t == T.PINGREQ) return Err.TYPE;
  if (t != T.PUBLISH && f != (t == T.PUBREL ? 2 : 0)) return Err.FLAGS;
  const big = n > b.length;
  const m = big ? b.length : n; // bytes actually held
  if (t == T.PUBLISH) {
    const q = (f >> 1) & 3;
    if (q == 3) return Err.QOS;
    d.qos = q;
    if (m < 2) return big ? Err.BIG : Err.TOPIC;
    const tl = (b[0] << 8) | b[1];
    const p = 2 + tl + (q ? 2 : 0);
    if (p > m) {
      // Past the buffer: only the packet id, which decode() kept, to acknowledge the skipped message.
      if (big && q && p <= n) d.id = (p - 2 < m ? b[p - 2] << 8 : 0) | d.xid;
      return big ? Err.BIG : Err.TOPIC;
    }
    if (!tl) return Err.TOPIC;
    d.topic = 2;
    d.tlen = tl;
    if (q) {
      d.id = (b[p - 2] << 8) | b[p - 1];
      if (!d.id) return Err.ID;
    }
    d.pay = p;
    d.plen = n - p;
    return big ? Err.BIG : PACKET;
  }
  if (big) return Err.BIG;
  if (t == T.PINGRESP) return n ? Err.LENGTH : PACKET;
  if (t == T.SUBACK ? n < 3 : n != 2) return Err.LENGTH;
  if (t == T.CONNACK) {
    d.sp = b[0] & 1;
    d.rc = b[1];
    return PACKET;
  }
  d.id = (b[0] << 8) | b[1];
  if (!d.id) return Err.ID;
  d.pay = 2;
  d.plen = n - 2;
  return PACKET;
}
