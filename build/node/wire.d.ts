import type { Data, ConnectOptions } from "./codec/encode";
import type { Decoder } from "./codec/decode";
import type { Out } from "./link";
/** The scratch buffer for packets sent outside the store. */
export declare function txBuf(size: number): Uint8Array | null;
/** The CONNECT packet for `o`, made once per client (it never changes), or Err.ARG (a field over 65,535 bytes). */
export declare function connectPacket(o: ConnectOptions): Uint8Array | string | number;
/** A QoS 0 PUBLISH (QoS 1 goes through the store). */
export declare function txPublish(c: Out, topic: string, payload: Data | undefined, retain: boolean): number;
/** A packet of a fixed first byte and a packet id: PUBACK, PUBREC, PUBREL, PUBCOMP; with `id` < 0 none (PINGREQ, DISCONNECT). */
export declare function txAck(c: Out, byte1: number, id: number): void;
/** SUBSCRIBE to one filter, or UNSUBSCRIBE when `qos` < 0. */
export declare function txSub(c: Out, id: number, filter: string, qos: number): number;
/** The decoder record and the chunk it is working through. */
export interface Rx extends Decoder {
    c: Uint8Array | string | null;
    x: number;
}
export declare function rxCreate(size: number): Rx;
export declare function rxReset(d: Rx): void;
/** Decode on, from the start of `chunk` if one is given: a packet (1) or an Err (< 0) is in the record, or 0 when the chunk is used up. */
export declare function rxNext(d: Rx, chunk: Uint8Array | string | null): number;
export declare function rxTopic(d: Rx): string;
/** The payload as a string, or as a copy of its bytes (a Buffer on Node). */
export declare function rxPayload(d: Rx, bin: boolean): string | Uint8Array;
/** Byte `k` of a SUBACK's return codes. */
export declare function rxByte(d: Rx, k: number): number;
