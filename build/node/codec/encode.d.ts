/** A string (encoded by the platform rule) or raw bytes. */
export type Data = string | Uint8Array;
/** Number of bytes the remaining-length field takes for `n` (1..4; 7 bits per byte). */
export declare function lenSize(n: number): number;
export declare function u16(b: Uint8Array, o: number, v: number): number;
export interface Will {
    topic: string;
    payload?: Data;
    qos?: 0 | 1 | 2;
    retain?: boolean;
}
export interface ConnectOptions {
    /** 4 = MQTT 3.1.1 (default), 3 = MQTT 3.1 ("MQIsdp"). */
    protocol?: number;
    clientId: string;
    /** Clean session; default true. */
    clean?: boolean;
    /** Seconds, 0 = off. Default 60. */
    keepalive?: number;
    will?: Will;
    username?: string;
    password?: Data;
}
/**
 * Remaining length of the CONNECT for `c`, or Err.ARG for a password without a user name, a will QoS
 * over 2, a keepalive outside 0..65535 or a field over 65,535 bytes. Shared by both wires, so the
 * client can refuse options that can never be sent before it opens a link.
 */
export declare function connectLen(c: ConnectOptions): number;
/** CONNECT [MQTT-3.1]; Err.ARG as connectLen. */
export declare function encodeConnect(b: Uint8Array, o: number, c: ConnectOptions): number;
/**
 * PUBLISH [MQTT-3.3]. The packet identifier is written only for QoS 1 and 2 and must then be 1..65535.
 * Err.TOPIC for an empty topic or one over 65,535 bytes; Err.ARG for QoS outside 0..2 or a bad id.
 */
export declare function encodePublish(b: Uint8Array, o: number, topic: string, payload: Data | undefined, qos: number, retain: boolean, dup: boolean, id: number): number;
/** PUBACK, PUBREC, PUBREL or PUBCOMP for packet `id` (PUBREL carries the fixed flags 0010 [MQTT-3.6.1-1]). */
export declare function encodeAck(b: Uint8Array, o: number, type: number, id: number): number;
/**
 * SUBSCRIBE when `qos` is given (one requested QoS per filter), else UNSUBSCRIBE [MQTT-3.8, 3.10].
 * Both carry the fixed flags 0010. Err.TOPIC for an empty filter or one over 65,535 bytes.
 */
export declare function encodeSubscribe(b: Uint8Array, o: number, id: number, filters: string[], qos?: number[]): number;
/** A packet with no variable header: PINGREQ (C0 00) or DISCONNECT (E0 00). */
export declare function encodeEmpty(b: Uint8Array, o: number, type: number): number;
