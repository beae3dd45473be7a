import type { Data } from "./codec/encode";
import type { Flow } from "./link";
export interface Store {
    /** Encoded packets, oldest first; [0, _c) sent on this connection and unacknowledged. */
    _q: string[];
    /** Their PUBACKs, 4 bytes an entry, in the same order: the packet ids as a broker sends them back. One
     * String (a block for 3 entries) in place of an array of ids (a block or two each); a packet id is
     * found with one indexOf, and a run of PUBACKs for the oldest entries with one compare (storeAcks). */
    _a: string;
    _c: number;
    /** [0, _s) have been sent at least once (in this session): they go out again with DUP=1. */
    _s: number;
    /** Bytes held, and the bound. */
    _u: number;
    _m: number;
    /** persist.ts's log, when the client has one. */
    p?: any;
}
export declare function storeCreate(size: number): Store;
export declare function storePut(s: Store, topic: string, payload: Data | undefined, retain: boolean, id: number, c?: Flow | null): number;
/** Send what the window (`c.wn` in flight) and the link (`c.hw` bytes unsent) allow, oldest first. */
export declare function storeSend(s: Store, c: Flow): void;
export declare function storeRewind(s: Store, fresh: boolean): void;
export declare function storeAck(s: Store, id: number): boolean;
/**
 * The PUBACKs at the start of `b` when they are those of the oldest entries sent, in the order they were
 * sent, which is how a broker answers a QoS 1 publisher [MQTT-4.6.0-2]: all of them taken in one compare
 * and one splice, where one at a time costs a pass through the decoder and storeAck each. The bytes
 * taken (4 a PUBACK), or 0 when `b` starts otherwise (the decoder then reads it as usual).
 */
export declare function storeAcks(s: Store, b: string): number;
export declare function storeHas(s: Store, id: number): boolean;
/** Entries held (sent or not), or with `sent` only those sent on this connection and awaiting PUBACK. */
export declare function storeCount(s: Store, sent?: boolean): number;
/** Every entry held now has been sent before, in the session a restart may find kept: a resend carries DUP=1. */
export declare function storeSent(s: Store): void;
/** Whether a PUBLISH of `n` bytes can ever be held: storePut's bound. */
export declare function storeFits(s: Store, n: number): boolean;
