import type { Data, ConnectOptions } from "./codec/encode";
import type { PacketRecord } from "./codec/decode";
import type { Out } from "./link";
/**
 * A PUBLISH as a String, or Err.TOPIC. Used by the store for QoS 1 too. The hot path of every publish on
 * a board, so it is written out in one body: Espruino lexes the source of each call it makes again, and
 * a call costs more there than the concatenation it wraps.
 */
export declare function pubText(topic: string, payload: Data | undefined, qos: number, retain: boolean, id: number): string | number;
export declare function txBuf(size: number): Uint8Array | null;
/** The CONNECT packet for `o`, made once per client; the caller has checked its fields. */
export declare function connectPacket(o: ConnectOptions): Uint8Array | string;
export declare function txPublish(c: Out, topic: string, payload: Data | undefined, retain: boolean): number;
export declare function txAck(c: Out, type: number, id: number): void;
export declare function txSub(c: Out, id: number, filter: string, qos: number): number;
export declare function txEmpty(c: Out, type: number): void;
/** The decoder: bytes not yet consumed, and the record of the last packet. */
export interface Rx extends PacketRecord {
    /** Received bytes not yet consumed. */
    b: string;
    /** Largest packet body accepted (rxSize). */
    z: number;
    /** Bytes of an oversized packet still to skip. */
    k: number;
    /** PUBLISH topic and payload (or SUBACK list) of the last packet. */
    tp: string;
    p: string;
}
export declare function rxCreate(size: number): Rx;
export declare function rxReset(d: Rx): void;
export declare function rxFeed(d: Rx, chunk: Uint8Array | string): void;
/** As wire.ts: a packet (1) or an Err (< 0) is in the record, or 0 when more bytes are needed. */
export declare function rxNext(d: Rx): number;
export declare function rxTopic(d: Rx): string;
export declare function rxPayload(d: Rx, bin: boolean): string | Uint8Array;
export declare function rxByte(d: Rx, k: number): number;
