/** The last decoded message. Offsets index `b`, the datagram given to snDecode. */
export interface SnMsg {
    /** Message type. */
    t: number;
    /** Flags byte (0 when the type has none), its QoS (-1..2) and topic id type (F.NORMAL, PREDEFINED, SHORT). */
    f: number;
    q: number;
    tt: number;
    /** Topic id (also the two bytes of a short or predefined topic in SUBSCRIBE / UNSUBSCRIBE). */
    i: number;
    /** Message id. */
    m: number;
    /** Return code. */
    c: number;
    /** Duration (ADVERTISE, CONNECT, DISCONNECT; -1 = DISCONNECT without one). */
    d: number;
    /** Gateway id or radius; ENCAPSULATED: offset of the inner message. */
    g: number;
    /** Variable part: offset and length in b. */
    x: number;
    n: number;
    b: Uint8Array;
}
export declare function snMsg(): SnMsg;
/**
 * Decode the datagram b[from, to) (default: all of b) into `m`. Returns the message type, or an SnErr.
 * ENCAPSULATED reports ctrl in m.f, the wireless node id as m.x/m.n and the inner message's offset in
 * m.g: decode it with snDecode(m2, b, m.g, to).
 */
export declare function snDecode(m: SnMsg, d: Uint8Array | string, from?: number, to?: number): number;
/** The variable part of the last decoded message: a string (UTF-8), or with `bin` its bytes (a view, not a copy). */
export declare function snStr(m: SnMsg, bin?: unknown): any;
/** A 16-bit value as the two bytes of a variable part (SUBSCRIBE to a predefined id). */
export declare function snId(v: number): Uint8Array;
/** The datagram `d` (a PUBLISH) with DUP set, for a resend. */
export declare function snDup(d: Uint8Array): Uint8Array;
/** Two characters as a 16-bit topic id (a short topic name), or the reverse. */
export declare function shortId(s: string): number;
export declare function shortName(i: number): string;
/**
 * Encode a message of type `t`: `x` is the variable part (string or bytes), `a`..`d` the numeric fields
 * in layout order (the protocol id is implied). An optional flags byte (F) is written when x is not
 * empty; an optional duration (D) when its value is >= 0. Returns null for a reserved type or a message
 * over 65,535 bytes.
 */
export declare function snEncode(t: number, x?: string | Uint8Array | null, a?: number, b?: number, c?: number, d?: number): Uint8Array | null;
/** ENCAPSULATED: the forwarder header (ctrl, wireless node id) followed by the whole message `inner`. */
export declare function snEncap(ctrl: number, node: Uint8Array, inner: Uint8Array): Uint8Array;
