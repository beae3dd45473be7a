import type { Reg } from "./registry";
import type { SnStore, Data } from "./held";
import type { Flash } from "../persist-io";
/**
 * Open the log `name` (of `size` bytes) for the FIFO `s`: the oldest held messages loaded into it, those
 * that may have been sent with DUP when the session is `kept`. Returns the message id of the newest record.
 */
export declare function snPersistOpen(s: SnStore, g: Reg, name: string, size: number, kept: number, f?: Flash): number;
/** A REGACK on a kept session: the client's own topic ids into Storage beside the log ("<name>#") when they changed. */
export declare function snPersistTopics(s: SnStore, g: Reg): void;
/**
 * snHold for a QoS 1 message with persist: 1 in Storage (and in the FIFO when nothing older waits in
 * Storage alone and the window has room), 0 the log is full even after compaction, -1 it can never be held.
 */
export declare function snPersistPut(s: SnStore, t: string, d: Data, f: number, m: number): number;
/** The FIFO's first QoS 1 entry is sent for the first time: marked handed to the sender (S) first. */
export declare function snPersistSent(s: SnStore): void;
/** snShift with persist: a QoS 1 entry is marked done (A) in Storage, and the next held ones move up. */
export declare function snPersistShift(s: SnStore): void;
/** Messages held: the QoS 1 ones in Storage, and the FIFO's QoS 0 ones (waiting for a registration). */
export declare function snPersistCount(s: SnStore): number;
