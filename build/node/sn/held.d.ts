export type Data = string | Uint8Array;
export interface Held {
    /** Topic name, payload, message id. */
    t: string;
    p: Data;
    m: number;
    /**
     * The PUBLISH flags byte without the topic id type: QoS (0 or 1), retain, and DUP once sent. One
     * number, not three fields: on a board each field of a held message is a block more.
     */
    f: number;
    /** Bytes it counts against the budget. */
    z: number;
}
export interface SnStore {
    e: Held[];
    /** Bytes held, and the budget. */
    n: number;
    x: number;
    /** persist.ts's log, when the client has one (sn/persist.ts), and the QoS 1 messages it holds. */
    p?: any;
    c?: number;
}
export declare function snStore(size: number): SnStore;
/** Hold a message: 1 held, 0 the budget is used up now, -1 it can never fit. */
export declare function snHold(s: SnStore, t: string, p: Data, f: number, m: number): number;
/** Remove the oldest entry (acknowledged, sent at QoS 0, or refused by the gateway). */
export declare function snShift(s: SnStore): void;
