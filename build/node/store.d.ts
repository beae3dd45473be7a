import type { Data } from "./codec/encode";
export interface Store {
    _b: Uint8Array;
    _h: number;
    _c: number;
    _t: number;
    /** Entries sent on this connection and not yet acknowledged. */
    _n: number;
}
export declare function storeCreate(size: number): Store;
/** Offset just past the entry at `o` (fixed header + remaining length). */
export declare function entryEnd(b: Uint8Array, o: number): number;
/** Append a QoS 1 PUBLISH. Returns the new tail (> 0), Err.SPACE when the store is full, or another Err. */
export declare function storePut(s: Store, topic: string, payload: Data | undefined, retain: boolean, id: number): number;
/** Mark the in-flight entry with packet id `id` acknowledged; false when no such entry is in flight. */
export declare function storeAck(s: Store, id: number): boolean;
/** True when an entry (sent or not) holds packet id `id`. */
export declare function storeHas(s: Store, id: number): boolean;
/** Live entries in the store (sent or not). */
export declare function storeCount(s: Store): number;
