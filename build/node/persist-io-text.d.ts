import type { Data } from "./codec/encode";
/** The part of Espruino's Storage library persist.ts uses (persist-io.ts gives Node the same over files). */
export interface Flash {
    read(name: string, offset: number, length: number): string | undefined;
    /** offset 0 with a size: a new file of that size (the rest erased, 0xFF); otherwise into erased bytes of one. */
    write(name: string, data: string, offset: number, size?: number): boolean;
    erase(name: string): void;
}
/** On a board every name is a file of the one Storage. */
export declare function flash(name: string): Flash;
/** The QoS 1 PUBLISH, as the store would send it first (DUP=0). */
export declare function packet(topic: string, payload: Data | undefined, retain: boolean, id: number): string | number;
/** CRC-32, native on Espruino. */
export declare function crc(s: string): number;
/** A stored packet's topic and payload as storePut takes them: on a board the byte Strings themselves. */
export declare function text(s: string): string;
export declare function bytes(s: string): Data;
