// The board's side of persist.ts: Espruino's Storage, and packets as byte Strings, which is how the
// device store holds them (wire-text.ts builds them). Same functions as persist-io.ts, which it
// replaces in the device bundles.
import type { Data } from "./codec/encode";
import { txPublish } from "./wire-text";

/** The part of Espruino's Storage library persist.ts uses (persist-io.ts gives Node the same over files). */
export interface Flash {
  read(name: string, offset: number, length: number): string | undefined;
  /** offset 0 with a size: a new file of that size (the rest erased, 0xFF); otherwise into erased bytes of one. */
  write(name: string, data: string, offset: number, size?: number): boolean;
  erase(name: string): void;
}

/** On a board every name is a file of the one Storage. */
export function flash(name: string): Flash {
  return require("Storage");
}

/** The QoS 1 PUBLISH, as the store would send it first (DUP=0). */
export function packet(topic: string, payload: Data | undefined, retain: boolean, id: number): string | number {
  return txPublish(null, topic, payload, retain, 1, id);
}

/** CRC-32, native on Espruino. */
export function crc(s: string): number {
  return E.CRC32(s);
}

/** A stored packet's topic and payload as storePut takes them: on a board the byte Strings themselves. */
export function text(s: string): string {
  return s;
}
export function bytes(s: string): Data {
  return s;
}
