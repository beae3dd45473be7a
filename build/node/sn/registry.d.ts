export interface Reg {
    n: string[];
    i: number[];
    /** Largest number of entries; 0 = unbounded (predefined topics). */
    z: number;
}
export declare function regCreate(max: number): Reg;
/** The id registered for `name`, or 0. */
export declare function regId(g: Reg, name: string): number;
/** The name registered for `id`, or null. */
export declare function regName(g: Reg, id: number): string | null;
/** Record name <-> id; an older entry with either the name or the id is replaced. */
export declare function regPut(g: Reg, name: string, id: number): void;
export declare function regDrop(g: Reg, name: string): void;
/** Forget every registration (a new connection: the gateway's ids were for the old one). */
export declare function regClear(g: Reg): void;
