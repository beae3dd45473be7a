// The byte wire of the Node build: packets are encoded into the client's scratch buffer and received
// into the decoder's fixed buffer, so nothing is allocated per packet. The device build swaps in
// wire-text.ts, which exports the same functions over Strings.
import { connectLen, encodeConnect, encodePublish, encodeAck, encodeSubscribe, encodeEmpty } from "./codec/encode";
import type { Data, ConnectOptions } from "./codec/encode";
import { createDecoder, resetDecoder, decode } from "./codec/decode";
import type { Decoder } from "./codec/decode";
import { strRead } from "./codec/strings";
import { nodeBuf } from "./codec/native";
import { put } from "./link";
import type { Out } from "./link";

/** The scratch buffer for packets sent outside the store. */
export function txBuf(size: number): Uint8Array | null {
  return new Uint8Array(size);
}

/** Send what the encoder wrote; returns its length, or its negative Err with nothing sent. */
function send(c: Out, n: number): number {
  if (n > 0) put(c, c.b!, 0, n);
  return n;
}

/** The CONNECT packet for `o`, made once per client (it never changes), or Err.ARG (a field over 65,535 bytes). */
export function connectPacket(o: ConnectOptions): Uint8Array | string | number {
  const n = connectLen(o);
  if (n < 0) return n;
  const b = new Uint8Array(1 + 4 + n);
  return b.subarray(0, encodeConnect(b, 0, o));
}

/** A QoS 0 PUBLISH (QoS 1 goes through the store). */
export function txPublish(c: Out, topic: string, payload: Data | undefined, retain: boolean): number {
  return send(c, encodePublish(c.b!, 0, topic, payload, 0, retain, false, 0));
}

/** A packet of a fixed first byte and a packet id: PUBACK, PUBREC, PUBREL, PUBCOMP; with `id` < 0 none (PINGREQ, DISCONNECT). */
export function txAck(c: Out, byte1: number, id: number): void {
  send(c, id < 0 ? encodeEmpty(c.b!, 0, byte1 >> 4) : encodeAck(c.b!, 0, byte1 >> 4, id));
}

/** SUBSCRIBE to one filter, or UNSUBSCRIBE when `qos` < 0. */
export function txSub(c: Out, id: number, filter: string, qos: number): number {
  return send(c, encodeSubscribe(c.b!, 0, id, [filter], qos < 0 ? undefined : [qos]));
}

/** The decoder record and the chunk it is working through. */
export interface Rx extends Decoder {
  c: Uint8Array | string | null;
  x: number;
}

export function rxCreate(size: number): Rx {
  const d = createDecoder(size) as Rx;
  d.c = null;
  d.x = 0;
  return d;
}

export function rxReset(d: Rx): void {
  resetDecoder(d);
  d.c = null;
}

/** Decode on, from the start of `chunk` if one is given: a packet (1) or an Err (< 0) is in the record, or 0 when the chunk is used up. */
export function rxNext(d: Rx, chunk: Uint8Array | string | null): number {
  if (chunk) {
    d.c = chunk;
    d.x = 0;
  }
  const c = d.c;
  if (!c || d.x >= c.length) {
    d.c = null;
    return (d.st = 0);
  }
  d.x = decode(d, c, d.x);
  return d.st;
}

export function rxTopic(d: Rx): string {
  return strRead(d.buf, d.topic, d.tlen);
}

/** The payload as a string, or as a copy of its bytes (a Buffer on Node). */
export function rxPayload(d: Rx, bin: boolean): string | Uint8Array {
  const a = d.pay;
  const n = d.plen;
  if (!bin) return strRead(d.buf, a, n);
  if (!nodeBuf) return new Uint8Array(d.buf.subarray(a, a + n));
  const p = nodeBuf.allocUnsafe(n);
  nodeBuf.prototype.copy.call(d.buf, p, 0, a, a + n);
  return p;
}

/** Byte `k` of a SUBACK's return codes. */
export function rxByte(d: Rx, k: number): number {
  return d.buf[d.pay + k];
}
