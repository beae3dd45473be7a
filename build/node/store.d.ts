import type { Data } from "./codec/encode";
import type { Flow } from "./link";
export interface Store {
    _b: Uint8Array;
    _h: number;
    _c: number;
    _t: number;
    /** Entries sent on this connection and not yet acknowledged. */
    _n: number;
    /** persist.ts's log, when the client has one. */
    p?: any;
}
export declare function storeCreate(size: number): Store;
/**
 * Append a QoS 1 PUBLISH: 1 stored, 0 the store is full now, Err.SPACE it can never fit, or the
 * encoder's Err for a bad argument. With `c` (connected), what may go out then goes out (storeSend).
 */
export declare function storePut(s: Store, topic: string, payload: Data | undefined, retain: boolean, id: number, c?: Flow | null): number;
/**
 * Send entries not yet sent on this connection, oldest first, skipping acknowledged ones, while fewer
 * than `c.wn` are in flight and the link takes more (under `c.hw` bytes unsent). Each carries DUP=1
 * from its first send on [MQTT-3.3.1-1].
 */
export declare function storeSend(s: Store, c: Flow): void;
/**
 * A new connection: everything unacknowledged goes out again, from the oldest. `fresh` (a new session)
 * sends them as new messages, DUP=0: the broker has never seen them in this session.
 */
export declare function storeRewind(s: Store, fresh: boolean): void;
/** Mark the in-flight entry with packet id `id` acknowledged; false when no such entry is in flight. */
export declare function storeAck(s: Store, id: number): boolean;
/** True when an entry (sent or not) holds packet id `id`. */
export declare function storeHas(s: Store, id: number): boolean;
/** Live entries in the store (sent or not), or with `sent` only those sent on this connection and awaiting PUBACK. */
export declare function storeCount(s: Store, sent?: boolean): number;
/** Every entry held now has been sent before, in the session a restart may find kept: a resend carries DUP=1. */
export declare function storeSent(s: Store): void;
/** Whether a PUBLISH of `n` bytes can ever be held. */
export declare function storeFits(s: Store, n: number): boolean;
