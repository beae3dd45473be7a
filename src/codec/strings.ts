// The string-to-bytes rule differs per platform and is explicit:
// - UTF-8 (Node, Duktape): strings are UTF-16, so each code point is UTF-8 encoded.
// - raw (Espruino boards): strings are already bytes (no unicode support in the firmware), so each
//   char code is one byte. UTF-8 encoding there would double-encode "\xb0" into C2 B0.
// It is a property of the interpreter, not of a connection, so it is one switch for the process.
// The device bundle is built with the RAW constant true: the UTF-8 code is then dead and removed by terser.
import { RAW, NATIVE, nodeBuf } from "./native";

let raw = RAW || (typeof E != "undefined" && !!E.toString);

// On Node, long strings are measured and written by Buffer's native UTF-8 code (same rules: a lone
// surrogate becomes U+FFFD).

/** Select the rule: true = one byte per char code (Espruino), false = UTF-8 (Node). Returns the old rule. */
export function rawStrings(on?: boolean): boolean {
  const was = raw;
  if (on != null && !RAW) raw = on;
  return was;
}

/** Byte length of `s` under the current rule; a lone surrogate counts as the 3-byte U+FFFD. */
export function strLen(s: string): number {
  const n = s.length;
  if (RAW || raw) return n;
  if (nodeBuf && n > NATIVE) return nodeBuf.byteLength(s, "utf8");
  let m = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) m++;
    else if (c < 0x800) m += 2;
    else if (isHigh(c) && i + 1 < n && isLow(s.charCodeAt(i + 1))) (m += 4), i++;
    else m += 3;
  }
  return m;
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Write the leading chars of `s` below 128 at `o` (one byte each under both rules); returns how many. */
function ascii(b: Uint8Array, o: number, s: string): number {
  const n = s.length;
  let k = 0;
  for (; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c > 127) break;
    b[o + k] = c;
  }
  return k;
}

/** Write `s` at `o` under the current rule; the caller has checked the room with strLen. Returns the new offset. */
export function strWrite(b: Uint8Array, o: number, s: string): number {
  const n = s.length;
  if (nodeBuf && !raw && n > NATIVE) return o + nodeBuf.prototype.utf8Write.call(b, s, o, b.length - o);
  // Plain ASCII (the common case) in a tight loop; anything else is written again by the full loop.
  if (!RAW && ascii(b, o, s) == n) return o + n;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (RAW || raw || c < 0x80) b[o++] = c;
    else if (c < 0x800) {
      b[o++] = 0xc0 | (c >> 6);
      b[o++] = 0x80 | (c & 63);
    } else {
      if (isHigh(c) && i + 1 < n && isLow(s.charCodeAt(i + 1))) {
        c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
        b[o++] = 0xf0 | (c >> 18);
        b[o++] = 0x80 | ((c >> 12) & 63);
      } else {
        if (isHigh(c) || isLow(c)) c = 0xfffd;
        b[o++] = 0xe0 | (c >> 12);
      }
      b[o++] = 0x80 | ((c >> 6) & 63);
      b[o++] = 0x80 | (c & 63);
    }
  }
  return o;
}

/** The string held in b[o, o+n) under the current rule. Allocates: call it only when a string is wanted. */
export function strRead(b: Uint8Array, o: number, n: number): string {
  // Espruino builds the string natively; a JS loop per byte is slow on an interpreter.
  if ((RAW || raw) && typeof E != "undefined") return E.toString(b.subarray(o, o + n));
  // Node: one native UTF-8 slice makes the string in one allocation (same U+FFFD rule).
  if (nodeBuf && !raw) return nodeBuf.prototype.utf8Slice.call(b, o, o + n);
  const end = o + n;
  let s = "";
  while (o < end) {
    let c = b[o++];
    if (!RAW && !raw && c > 0x7f) {
      // Decode one UTF-8 sequence; anything malformed becomes U+FFFD rather than throwing.
      const k = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
      c = k ? c & (0x3f >> k) : 0xfffd;
      for (let j = 0; j < k; j++) {
        if (o < end && (b[o] & 0xc0) == 0x80) c = (c << 6) | (b[o++] & 63);
        else { c = 0xfffd; break; }
      }
      if (c > 0xffff) {
        c -= 0x10000;
        s += String.fromCharCode(0xd800 + (c >> 10));
        c = 0xdc00 + (c & 1023);
      }
    }
    s += String.fromCharCode(c);
  }
  return s;
}
