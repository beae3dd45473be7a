import type { Data } from "./codec/encode";
import type { Out } from "./link";
export interface Store {
    /** Encoded packets, oldest first; [0, _c) sent on this connection and unacknowledged. */
    _q: string[];
    /** Their packet ids, index for index. */
    _i: number[];
    _c: number;
    /** [0, _s) have been sent at least once (in this session): they go out again with DUP=1. */
    _s: number;
    /** Bytes held, and the bound. */
    _u: number;
    _m: number;
}
export declare function storeCreate(size: number): Store;
export declare function storePut(s: Store, topic: string, payload: Data | undefined, retain: boolean, id: number): number;
/** Send what the window (`c.wn` in flight) and the link (`c.hw` bytes unsent) allow, oldest first. */
export declare function storeSend(s: Store, c: Out & {
    wn: number;
    hw: number;
}): void;
export declare function storeRewind(s: Store, fresh: boolean): void;
export declare function storeAck(s: Store, id: number): boolean;
export declare function storeHas(s: Store, id: number): boolean;
/** Entries held (sent or not), or with `sent` only those sent on this connection and awaiting PUBACK. */
export declare function storeCount(s: Store, sent?: boolean): number;
