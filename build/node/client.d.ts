import type { Data, Will } from "./codec/encode";
import type { CodedError } from "./events";
import type { Link, LinkEvents, Transport } from "./link";
export type { Link, LinkEvents, Transport };
export interface Clock {
    now(): number;
    /** Call f(a) after ms; returns a handle for clear. */
    set(f: (a: any) => void, ms: number, a?: any): unknown;
    clear(t: unknown): void;
}
export interface ClientOptions {
    transport?: Transport;
    /**
     * Brokers to try in turn, as MQTT.js names it: a failed connect or a lost link moves to the next one,
     * the backoff grows once per pass over the list, and a refusal that cannot fix itself (CONNACK 1, 2, 4,
     * 5, an unknown host name) moves on at once instead of waiting reconnectMax there. Each entry's fields
     * override the options' host, port (and tls) for that broker.
     */
    servers?: {
        host?: string;
        port?: number;
        tls?: boolean;
    }[];
    clock?: Clock;
    clientId?: string;
    /** 4 = MQTT 3.1.1 (default), 3 = MQTT 3.1. */
    protocol?: 3 | 4;
    clean?: boolean;
    /** Seconds; 0 turns keepalive off. Default 60. */
    keepalive?: number;
    username?: string;
    password?: Data;
    will?: Will;
    /** Largest inbound packet body, default 1024 bytes. */
    rxSize?: number;
    /** Largest packet sent outside the QoS 1 store, default 512 bytes. */
    txSize?: number;
    /** Bytes of QoS 1 messages held, default 2048. */
    storeSize?: number;
    /** QoS 1 messages in flight at once, default 8. */
    window?: number;
    /** Keep held QoS 1 messages in Storage (a Storage file name on a board, a file path on Node): they
     * survive a restart, and connect() with the same name sends them first. Builds with persist only. */
    persist?: string;
    /** Bytes of Storage for them, default 2048 (up to 65000). */
    persistSize?: number;
    /** Reconnect backoff bounds in ms, default 1000 and 60000. */
    reconnectMin?: number;
    reconnectMax?: number;
    /** ms to wait for the link and CONNACK, default 10000. */
    connectTimeout?: number;
    /** ms to wait for any packet after a PINGREQ, default 10000 (and at most the keepalive). */
    pingTimeout?: number;
    /** ms to wait for a PUBACK before the link is taken as dead, default 30000. */
    ackTimeout?: number;
    /** ms end() waits for held QoS 1 messages to be acknowledged, default 10000. */
    endTimeout?: number;
    /** Deliver payloads as bytes (a Buffer on Node, a Uint8Array on Espruino) instead of a string. */
    binary?: boolean;
    /** Inbound QoS 2 packet ids remembered until PUBREL, default 16. */
    qos2?: number;
    random?: () => number;
}
export type Payload = string | Uint8Array;
export type MessageCallback = (topic: string, payload: Payload) => void;
export interface MqttError extends CodedError {
    /** A CONNACK return code (1-5), "connect", "closed", "timeout", "protocol", "suback", "superseded", "ended", "callback", "qos2", or a decoder code (-2..-8). */
    code: string | number;
}
export interface PublishOptions {
    qos?: 0 | 1;
    retain?: boolean;
}
export interface SubscribeOptions {
    qos?: 0 | 1 | 2;
    /** Called for each message that matches this filter, before the `message` listeners. Full builds only. */
    onMessage?: MessageCallback;
}
/** What a SUBACK granted, as MQTT.js gives it: the filter and the QoS (128 when refused). */
export interface Granted {
    topic: string;
    qos: number;
}
/**
 * subscribe()'s callback, as MQTT.js calls it: once, at the SUBACK (err null, or code "suback" when
 * refused), or with code "superseded" (a later subscribe/unsubscribe of the filter came first) or "ended".
 */
export type SubscribeCallback = (err: MqttError | null, granted?: Granted[]) => void;
export interface ClientEvents {
    /** sessionPresent: the broker kept the session; always true for MQTT 3.1 with clean false (3.1 has no flag). */
    connected: (info: {
        sessionPresent: boolean;
    }) => void;
    message: MessageCallback;
    error: (err: MqttError) => void;
    offline: () => void;
    close: () => void;
    /** The socket took everything: room for more QoS 0. */
    drain: () => void;
}
export type ClientEvent = keyof ClientEvents;
export interface Client {
    /** true when sent (QoS 0) or held for sending (QoS 1); false when dropped or refused. No payload (or null) is an empty message. */
    publish(topic: string, payload?: Data | null, opts?: PublishOptions): boolean;
    subscribe(filter: string, cb?: SubscribeCallback): Client;
    subscribe(filter: string, opts?: SubscribeOptions | null, cb?: SubscribeCallback): Client;
    /** `cb` runs once: at the UNSUBACK (err null), or with code "superseded" or "ended". */
    unsubscribe(filter: string, cb?: (err: MqttError | null) => void): Client;
    /** DISCONNECT once held QoS 1 messages are acknowledged (at most endTimeout), or at once with end(true); `cb` runs once, then. */
    end(force?: boolean, cb?: () => void): void;
    end(cb: () => void): void;
    /** Adds a listener; several per event. A `connected` listener added while connected runs on the next tick. */
    on<K extends ClientEvent>(event: K, f: ClientEvents[K]): Client;
    once<K extends ClientEvent>(event: K, f: ClientEvents[K]): Client;
    off<K extends ClientEvent>(event: K, f: ClientEvents[K]): Client;
    removeListener<K extends ClientEvent>(event: K, f: ClientEvents[K]): Client;
    /** 0 offline, 1 opening, 2 waiting for CONNACK, 3 connected, 4 ended. */
    state(): 0 | 1 | 2 | 3 | 4;
    /** QoS 1 messages held (sent and unacknowledged, or not yet sent). */
    queued(): number;
    /** Publishes that returned false: QoS 0 with the link down or the socket full, QoS 1 with the store full. */
    dropped: number;
    /** Connect attempts made so far. */
    attempts: number;
}
/**
 * A client for the options `opts` (copied, never written). `make` builds the transport when the options
 * name none; `defaults` are the platform's defaults under the user's options. Options that can never
 * work throw here, before any link is opened.
 */
export declare function createClient(opts?: ClientOptions | null, make?: (o: any) => Transport, defaults?: ClientOptions): Client;
