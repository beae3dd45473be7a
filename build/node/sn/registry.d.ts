/** Entry flags. */
export declare const enum RF {
    /** The gateway's: not pushed out by a registration of ours. */
    GW = 1,
    /** Known to hold on this connection: publish() may use it (after a lost connection the gateway may have restarted). */
    NOW = 2,
    /**
     * Kept in Storage from an earlier run of a kept session (persist): a QoS 1 PUBLISH may use it, and so
     * makes it NOW (a gateway that forgot it answers "invalid topic id", and it is registered again); a
     * QoS 0 one may not, as Paho 1.5.1 drops a client that sends QoS 0 to an id it does not know.
     */
    KEPT = 4
}
export interface Reg {
    n: string[];
    i: number[];
    f: number[];
    /** Largest number of entries; 0 = unbounded (predefined topics). */
    z: number;
}
export declare function regCreate(max: number): Reg;
/** The id registered for `name` that holds on this connection, or 0. */
export declare function regId(g: Reg, name: string): number;
/** regId for a QoS 1 PUBLISH: also an id kept from an earlier run (RF.KEPT), which now counts as holding. */
export declare function regKept(g: Reg, name: string): number;
/** The name registered for `id`, or null. The gateway used the id: it holds, and is the gateway's now too. */
export declare function regName(g: Reg, id: number): string | null;
/**
 * Where a registration of `name` goes: -1 appended, the index of the entry it replaces or pushes out, or
 * -2 no room (only the gateway's entries, and `gw` is 0: a registration of ours).
 */
export declare function regSpot(g: Reg, name: string, gw: number): number;
/**
 * Record name <-> id with flags `f` (RF); an older entry with either the name or the id is replaced
 * (a gateway may give a freed id to another topic). False when it is ours and there is no room.
 */
export declare function regPut(g: Reg, name: string, id: number, f: number): boolean;
/** The entry with `id` (every entry, when 0) may no longer hold: registered again before publishing to it. */
export declare function regOld(g: Reg, id: number): void;
/** Forget every registration (a new session: the gateway's ids were for the old one). */
export declare function regClear(g: Reg): void;
