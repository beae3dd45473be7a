import type { SnMsg as Msg } from "./codec";
/** As codec.ts's SnMsg, with the datagram kept as the String it arrived as. */
export interface SnMsg extends Omit<Msg, "b"> {
    b: string;
}
/** The record snDecode fills; each decode sets every field before the client reads any. */
export declare function snMsg(): SnMsg;
/** Decode one datagram (a byte String, or bytes) into `m`: the message type, or an SnErr. */
export declare function snDecode(m: SnMsg, d: string | Uint8Array): number;
/** The variable part of the last decoded message: a String, or bytes with `bin`. */
export declare function snStr(m: SnMsg, bin?: unknown): any;
/** Two characters as a 16-bit topic id (a short topic name), or the reverse. */
export declare function shortId(s: string): number;
export declare function shortName(i: number): string;
/** A 16-bit value as the two bytes of a variable part (SUBSCRIBE to a predefined id). */
export declare const snId: typeof shortName;
/** As codec.ts's snEncode, making a byte String: the fields in layout order, `x` the variable part. */
export declare function snEncode(t: number, x?: string | Uint8Array | null, a?: number, b?: number, c?: number, d?: number): string | null;
/** The datagram `d` (a PUBLISH) with DUP set, for a resend. */
export declare function snDup(d: string): string;
