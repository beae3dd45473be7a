export declare const RAW: boolean;
/** Runs shorter than this stay in JS, where a native call costs more than the loop. */
export declare const NATIVE = 32;
export declare const nodeBuf: any;
/** The one String.fromCharCode alias of a device bundle (shorter to lex than the global and its member). */
export declare const chr: (...codes: number[]) => string;
