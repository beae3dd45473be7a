// Node's side of persist.ts: a "Storage" of plain files (the name is a path), and packets as byte
// Strings (latin1: one char per byte, as on a board) so that one log format and one code path serve
// both builds. The device bundles swap in persist-io-text.ts (same functions).
import type { Data } from "./codec/encode";
import { encodePublish } from "./codec/encode";

declare const Buffer: any;

export interface Flash {
  read(name: string, offset: number, length: number): string | undefined;
  write(name: string, data: string, offset: number, size?: number): boolean;
  erase(name: string): void;
}

/** Files behave as Storage files do: made at offset 0 with a size (the rest 0xFF), then written in place. */
export function flash(name: string): Flash {
  const fs = require("fs");
  return {
    read: function (n: string, off: number, len: number) {
      let fd: number;
      try {
        fd = fs.openSync(n, "r");
      } catch (x) {
        return undefined;
      }
      try {
        const b = Buffer.alloc(len);
        return b.toString("latin1", 0, fs.readSync(fd, b, 0, len, off));
      } finally {
        fs.closeSync(fd);
      }
    },
    write: function (n: string, d: string, off: number, size?: number) {
      if (!off) {
        const b = Buffer.alloc(size || d.length, 255);
        b.write(d, 0, "latin1");
        fs.writeFileSync(n, b);
        return true;
      }
      const fd = fs.openSync(n, "r+");
      try {
        fs.writeSync(fd, Buffer.from(d, "latin1"), 0, d.length, off);
      } finally {
        fs.closeSync(fd);
      }
      return true;
    },
    erase: function (n: string) {
      try {
        fs.unlinkSync(n);
      } catch (x) {}
    },
  };
}

/** The QoS 1 PUBLISH as a byte String, or the encoder's Err. */
export function packet(topic: string, payload: Data | undefined, retain: boolean, id: number): string | number {
  const b = new Uint8Array(9 + 3 * topic.length + (payload == null ? 0 : typeof payload == "string" ? 3 * payload.length : payload.length));
  const e = encodePublish(b, 0, topic, payload, 1, retain, false, id);
  return e < 0 ? e : Buffer.from(b.buffer, 0, e).toString("latin1");
}

let table: number[] | null = null;

/** CRC-32 (the one E.CRC32 computes), over a byte String. */
export function crc(s: string): number {
  if (!table) {
    table = [];
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = -1;
  for (let k = 0; k < s.length; k++) c = table[(c ^ s.charCodeAt(k)) & 255] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** A stored topic (UTF-8 bytes) as the String storePut encodes again. */
export function text(s: string): string {
  return Buffer.from(s, "latin1").toString("utf8");
}

/** A stored payload as bytes, so that storePut copies it unchanged. */
export function bytes(s: string): Data {
  return Buffer.from(s, "latin1");
}
