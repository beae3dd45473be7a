import type { Store } from "./store";
import type { Data } from "./codec/encode";
import type { Flow } from "./link";
import type { Flash } from "./persist-io";
export { PERSIST } from "./persist-log";
/**
 * Open the log `name` for the store `s`: the newer committed file, what it holds loaded into the RAM store
 * up to the window (those handed to the sender before marked sent, for DUP=1 in a kept session), a torn
 * tail compacted away. Returns the packet id of the newest record, from which new ids go on.
 */
export declare function persistOpen(s: Store, name: string, size: number, wn: number, f?: Flash): number;
/**
 * storePut with persist: the message is written to Storage first (1), or refused when the log is full
 * even after compaction (0), or can never be held (Err.SPACE, or the encoder's Err). It enters the RAM
 * store, and goes out, when nothing older waits in Storage and the window has room.
 */
export declare function persistPut(s: Store, topic: string, payload: Data | undefined, retain: boolean, id: number, c?: Flow | null): number;
/**
 * A CONNACK: what the RAM store holds goes out now, so each is marked handed to the sender first. From
 * here on (while connected, and offline after it, where a message may have gone out before the link
 * dropped) a message is marked as it enters the RAM store.
 */
export declare function persistUp(s: Store): void;
/** storeAck with persist: the message is marked acknowledged in Storage, and the next held ones move up. */
export declare function persistAck(s: Store, id: number): boolean;
/** storeAcks (the board's run of PUBACKs) with persist. */
export declare function persistAcks(s: Store, b: string): number;
/** Messages held: in Storage with persist, else in the RAM store. */
export declare function persistCount(s: Store): number;
