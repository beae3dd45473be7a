import { createDecoder, decode } from "../src/codec/decode";
import type { Decoder } from "../src/codec/decode";

export interface Seen {
  st: number;
  type: number;
  flags?: number;
  id?: number;
  qos?: number;
  rc?: number;
  sp?: number;
  topic?: string;
  payload?: string;
  granted?: number[];
  size?: number;
}

function hexOf(b: Uint8Array, o: number, n: number): string {
  let s = "";
  for (let i = o; i < o + n && i < b.length; i++) s += (s ? " " : "") + b[i].toString(16).toUpperCase().padStart(2, "0");
  return s;
}

/** A plain snapshot of the decoder's record, with topic and payload as hex (payload) and text (topic). */
export function snapshot(d: Decoder): Seen {
  const s: Seen = { st: d.st, type: d.type };
  if (d.st < 0) {
    if (d.st == -8) s.size = d.size;
    return s;
  }
  if (d.type == 2) return { ...s, sp: d.sp, rc: d.rc };
  if (d.type == 3) return { ...s, qos: d.qos, id: d.id, flags: d.flags, topic: Buffer.from(d.buf.subarray(d.topic, d.topic + d.tlen)).toString(), payload: hexOf(d.buf, d.pay, d.plen) };
  if (d.type == 9) return { ...s, id: d.id, granted: Array.from(d.buf.subarray(d.pay, d.pay + d.plen)) };
  if (d.type == 13) return s;
  return { ...s, id: d.id };
}

/** Feed every chunk in order; collect each packet or error the decoder reports. */
export function feedAll(chunks: (Uint8Array | string)[], size = 256, d: Decoder = createDecoder(size)): Seen[] {
  const out: Seen[] = [];
  for (const c of chunks) {
    let i = 0;
    while (i < c.length) {
      const j = decode(d, c, i);
      if (j <= i && d.st == 0) throw new Error("no progress at " + i);
      i = j;
      if (d.st) out.push(snapshot(d));
    }
  }
  return out;
}

/** A Uint8Array as an Espruino-style byte string (one char per byte). */
export function byteString(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
