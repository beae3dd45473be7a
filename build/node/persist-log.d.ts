import type { Flash } from "./persist-io";
/** The build has persist: always on Node, in the device bundle built with it (rollup.config.js). */
export declare const PERSIST: boolean;
export declare const enum L {
    /** Header and record header bytes. */
    H = 6,
    R = 6
}
/** The log's state, on the store record as `p` (a store with persist). */
export interface Log {
    f: Flash;
    /** Base name, generation, file size. */
    n: string;
    g: number;
    z: number;
    /** End of the log; the first record not in the RAM store (== w when none waits); bytes of records held. */
    w: number;
    r: number;
    v: number;
    /** The MQTT store's entries' PUBACKs (4 bytes each, as store-text.ts's _a); the RAM store's entries' offset+length (4 bytes each). */
    k: string;
    o: string;
    wn: number;
    /** A CONNACK has come since the restart: what enters the RAM store from now on may go out at once. */
    u: number;
    /** MQTT: records held in Storage alone (from r, not acknowledged), so that queued() reads no flash. */
    hc: number;
    /** Bytes written and compactions made, for the bench. */
    wb: number;
    cm: number;
}
export declare function nm(p: Log, g: number): string;
export declare function wr(p: Log, d: string, at: number): void;
export declare function rd(p: Log, at: number, n: number): string;
export declare function u16(s: string, k: number): number;
/** A log record for `name` (of `size` bytes, a RAM store of `wn` entries), not opened yet. */
export declare function logNew(name: string, size: number, wn: number, f?: Flash): Log;
/**
 * Open the log: the newer committed file and its end, a torn tail compacted away, a new `size` applied
 * when what is held fits it (nothing is in the RAM store yet: r is its first record). Returns the
 * packet id of the newest record, from which new ids go on.
 */
export declare function logOpen(p: Log, size: number): number;
/**
 * Copy the held records to a new file of the next generation (of size z), commit it, erase the old one.
 * Unless `force`, only when the new record of `need` bytes then fits and acknowledged records are at
 * least a quarter of the file (or nothing is held): a file of live records is not copied again and again.
 */
export declare function compact(p: Log, need: number, force?: number): boolean;
/**
 * Append the record of `pk` (its S byte `s`: 0 handed to the sender, else 255) at the end: its offset,
 * or 0 when the log is full even after compaction.
 */
export declare function logPut(p: Log, pk: string, s: number): number;
/** The RAM store's entries [j, j + m) were acknowledged: their A bytes cleared, out of the index. */
export declare function logDone(p: Log, j: number, m: number): void;
/** Records held in Storage alone (not in the RAM store). */
export declare function logHeld(p: Log): number;
