export type Data = string | Uint8Array;
export interface Held {
    /** Topic name, payload, retain, QoS (0 or 1), message id. */
    t: string;
    p: Data;
    r: boolean;
    q: number;
    m: number;
    /** Sent before: a resend carries DUP. */
    d: boolean;
    /** Bytes it counts against the budget. */
    z: number;
}
export interface SnStore {
    e: Held[];
    /** Bytes held, and the budget. */
    n: number;
    x: number;
}
export declare function snStore(size: number): SnStore;
/** Hold a message: 1 held, 0 the budget is used up now, -1 it can never fit. */
export declare function snHold(s: SnStore, t: string, p: Data, r: boolean, q: number, m: number): number;
/** Remove the oldest entry (acknowledged, sent at QoS 0, or refused by the gateway). */
export declare function snShift(s: SnStore): void;
