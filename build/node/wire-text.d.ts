import type { Data, ConnectOptions } from "./codec/encode";
import type { PacketRecord } from "./codec/decode";
import type { Out } from "./link";
export declare function txBuf(size: number): Uint8Array | null;
/** The CONNECT packet for `o`, made once per client, or Err.ARG when a field is over 65,535 bytes. */
export declare function connectPacket(o: ConnectOptions): Uint8Array | string | number;
/**
 * A QoS 0 PUBLISH sent on `c`: its length, or Err.SPACE with nothing sent. With no `c`, the PUBLISH of
 * QoS `qos` and packet id `id` as a String, which is how the store makes a QoS 1 entry. The
 * hot path of every publish on a board, so it is written out in one body: Espruino lexes the source of
 * each call it makes again, and a call costs more there than the concatenation it wraps.
 */
export declare function txPublish(c: Out | null, topic: string, payload: Data | undefined, retain: boolean, qos?: number, id?: number): any;
/** A packet of a fixed first byte and a packet id: PUBACK, PUBREC, PUBREL, PUBCOMP; with `id` < 0 none (PINGREQ, DISCONNECT). */
export declare function txAck(c: Out, byte1: number, id: number): void;
/** SUBSCRIBE to one filter, or UNSUBSCRIBE when `qos` < 0; its length, or Err.SPACE. */
export declare function txSub(c: Out, id: number, filter: string, qos: number): number;
/** The decoder: bytes not yet consumed, and the record of the last packet. */
export interface Rx extends Omit<PacketRecord, "st" | "flags"> {
    /** Received bytes not yet consumed. */
    b: string;
    /** Largest packet body accepted (rxSize). */
    z: number;
    /** Bytes of an oversized packet still to skip. */
    k: number;
    /** -1, or the bytes after the packet id of an oversized PUBLISH whose id is still to be read. */
    g: number;
    /** PUBLISH topic and payload (or SUBACK list) of the last packet. */
    tp: string;
    p: string;
}
export declare function rxCreate(size: number): Rx;
export declare function rxReset(d: Rx): void;
/**
 * As wire.ts: take in `chunk` (if any); then a packet (1) or an Err (< 0) is in the record, or 0 when
 * more bytes are needed. The received String is read in place: for an ack or a PINGRESP no String is
 * made at all, and only the fields the packet's type defines are set.
 */
export declare function rxNext(d: Rx, chunk: Uint8Array | string | null): number;
export declare function rxTopic(d: Rx): string;
export declare function rxPayload(d: Rx, bin: boolean): string | Uint8Array;
export declare function rxByte(d: Rx, k: number): number;
