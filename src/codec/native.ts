// Node's Buffer, when present and this is not the device build: its native UTF-8 and copy routines
// work in place on any Uint8Array without allocating, and beat a JS loop for all but short runs.
// Absent on Espruino and Duktape; the device bundle (__RAW__) drops every use of it.
declare const Buffer: any;
declare const __RAW__: boolean;

export const RAW = typeof __RAW__ != "undefined" && __RAW__;

/** Runs shorter than this stay in JS, where a native call costs more than the loop. */
export const NATIVE = 32;

export const nodeBuf = !RAW && typeof Buffer == "function" && Buffer.prototype && Buffer.prototype.utf8Write ? Buffer : null;

/** The one String.fromCharCode alias of a device bundle (shorter to lex than the global and its member). */
export const chr = String.fromCharCode;
