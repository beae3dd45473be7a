import type { Data } from "./codec/encode";
export interface Flash {
    read(name: string, offset: number, length: number): string | undefined;
    write(name: string, data: string, offset: number, size?: number): boolean;
    erase(name: string): void;
}
/** Files behave as Storage files do: made at offset 0 with a size (the rest 0xFF), then written in place. */
export declare function flash(name: string): Flash;
/** The QoS 1 PUBLISH as a byte String, or the encoder's Err. */
export declare function packet(topic: string, payload: Data | undefined, retain: boolean, id: number): string | number;
/** CRC-32 (the one E.CRC32 computes), over a byte String. */
export declare function crc(s: string): number;
/** A stored topic (UTF-8 bytes) as the String storePut encodes again. */
export declare function text(s: string): string;
/** A stored payload as bytes, so that storePut copies it unchanged. */
export declare function bytes(s: string): Data;
