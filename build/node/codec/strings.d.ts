/** Select the rule: true = one byte per char code (Espruino), false = UTF-8 (Node). Returns the old rule. */
export declare function rawStrings(on?: boolean): boolean;
/** Byte length of `s` under the current rule; a lone surrogate counts as the 3-byte U+FFFD. */
export declare function strLen(s: string): number;
/** Write `s` at `o` under the current rule; the caller has checked the room with strLen. Returns the new offset. */
export declare function strWrite(b: Uint8Array, o: number, s: string): number;
/** The string held in b[o, o+n) under the current rule. Allocates: call it only when a string is wanted. */
export declare function strRead(b: Uint8Array, o: number, n: number): string;
