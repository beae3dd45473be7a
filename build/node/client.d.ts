import type { Data, Will } from "./codec/encode";
/** What a transport hands back for one connection attempt. It must copy or send the bytes before write returns. */
export interface Link {
    write(b: Uint8Array, from: number, to: number): void;
    close(): void;
    /** Bytes the client may hand over before waiting for drain (bounds what the socket holds in RAM). */
    hw?: number;
}
/** Callbacks a transport calls, never synchronously from inside the open call itself. */
export interface LinkEvents {
    open(): void;
    data(chunk: Uint8Array | string): void;
    drain(): void;
    close(err?: unknown): void;
}
export type Transport = (h: LinkEvents) => Link;
export interface Clock {
    now(): number;
    set(f: () => void, ms: number): unknown;
    clear(t: unknown): void;
}
export interface ClientOptions {
    transport: Transport;
    clock?: Clock;
    clientId?: string;
    /** 4 = MQTT 3.1.1 (default), 3 = MQTT 3.1. */
    protocol?: number;
    clean?: boolean;
    /** Seconds; 0 turns keepalive off. Default 60. */
    keepalive?: number;
    username?: string;
    password?: Data;
    will?: Will;
    /** Receive buffer (largest inbound packet body), default 1024 bytes. */
    rxSize?: number;
    /** Scratch buffer for QoS 0 publishes and control packets, default 512 bytes. */
    txSize?: number;
    /** QoS 1 store, default 2048 bytes. */
    storeSize?: number;
    /** QoS 1 messages in flight at once, default 8. */
    window?: number;
    /** Reconnect backoff bounds in ms, default 1000 and 60000. */
    reconnectMin?: number;
    reconnectMax?: number;
    /** ms to wait for the link and CONNACK, default 10000. */
    connectTimeout?: number;
    /** ms to wait for any packet after a PINGREQ, default 10000 (and at most the keepalive). */
    pingTimeout?: number;
    /** ms to wait for a PUBACK before the link is taken as dead, default 30000. */
    ackTimeout?: number;
    /** Deliver payloads as a Uint8Array view of the receive buffer (valid during the callback) instead of a string. */
    binary?: boolean;
    /** Inbound QoS 2 packet ids remembered until PUBREL, default 8. */
    qos2?: number;
    random?: () => number;
}
export interface Client {
    publish(topic: string, payload?: Data, opts?: {
        qos?: number;
        retain?: boolean;
    }): boolean;
    subscribe(filter: string, opts?: {
        qos?: number;
    } | null, cb?: (topic: string, payload: any) => void): void;
    unsubscribe(filter: string): void;
    end(): void;
    on(event: string, f: (...a: any[]) => void): Client;
    /** 0 offline, 1 opening, 2 waiting for CONNACK, 3 connected, 4 ended. */
    state(): number;
    /** QoS 1 messages held (sent and unacknowledged, or not yet sent). */
    queued(): number;
    /** QoS 0 publishes dropped because the link was down or the socket was full. */
    dropped: number;
    /** Connect attempts made so far. */
    attempts: number;
}
export declare function createClient(o: ClientOptions): Client;
