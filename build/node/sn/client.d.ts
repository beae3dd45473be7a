import type { Data } from "./held";
import type { Datagram, DatagramEvents, DatagramTransport } from "./udp";
import type { Clock } from "../client";
import type { CodedError } from "../events";
export type { Datagram, DatagramEvents, DatagramTransport, Clock, Data };
export interface SnWill {
    topic: string;
    payload?: Data;
    qos?: 0 | 1 | 2;
    retain?: boolean;
}
export interface SnOptions {
    /** Gateway address; default 127.0.0.1:10000. */
    host?: string;
    port?: number;
    /** Find the gateway first: SEARCHGW by unicast to this address; the one that answers GWINFO is used. */
    search?: {
        host?: string;
        port: number;
        radius?: number;
    };
    clientId?: string;
    /** Seconds; the CONNECT duration and the PINGREQ period. Default 60; 0 turns keepalive off. */
    keepalive?: number;
    /**
     * The clean flag of CONNECT, default true. A client that went to sleep connects with clean=0 and no
     * will prompt until it is connected again, whatever this says (wake(), and a reconnect after it was
     * lost asleep or in an awake period): the gateway keeps what it buffered and the topic ids it gave.
     */
    clean?: boolean;
    will?: SnWill;
    /** Topic names the gateway knows by id (its PredefinedTopicList). */
    predefined?: {
        [name: string]: number;
    };
    /** ms before a request is sent again (Tretry), default 10000. */
    retry?: number;
    /** Times a request is sent again before the gateway counts as lost (Nretry), default 3. */
    retries?: number;
    /** Bytes of held messages, default 2048. */
    storeSize?: number;
    /**
     * Keep held QoS 1 messages in Storage (a file path on Node, a Storage file name on a board): they
     * survive a restart, and a client made again with the same name sends them first. Builds with persist
     * only (build/mqttiny-sn-persist.min.js on a board).
     */
    persist?: string;
    /** Bytes of the Storage file for `persist`, default 2048. */
    persistSize?: number;
    /**
     * Topic registrations remembered, default 32. The gateway's (REGISTER, SUBACK) are never pushed out by
     * ours; when the table holds only those, publish() to a topic with no id returns false (in `dropped`).
     */
    topics?: number;
    /** Inbound QoS 1 and QoS 2 message ids remembered against duplicates, default 16. */
    qos2?: number;
    /** Reconnect backoff bounds in ms, default 1000 and 60000. */
    reconnectMin?: number;
    reconnectMax?: number;
    /** Local UDP port to send from (a QoS -1 client is known to the gateway by it). */
    localPort?: number;
    /** No CONNECT: the client only sends QoS -1 publishes. */
    passive?: boolean;
    /** Deliver payloads as bytes instead of strings. */
    binary?: boolean;
    transport?: DatagramTransport;
    clock?: Clock;
    random?: () => number;
}
export interface SnPublishOptions {
    qos?: -1 | 0 | 1;
    retain?: boolean;
}
export interface SnPacket {
    qos: number;
    retain: boolean;
    dup: boolean;
    topicId: number;
    topicIdType: number;
    messageId: number;
}
export type SnPayload = string | Uint8Array;
export type SnMessageCallback = (topic: string, payload: SnPayload, packet: SnPacket) => void;
/** subscribe()'s callback: once, at the SUBACK (qos 128 and the gateway's code when refused), or "superseded", "ended". */
export type SnSubscribeCallback = (err: SnError | null, granted?: {
    topic: string;
    qos: number;
}[]) => void;
export interface SnError extends CodedError {
    /** "congestion", "invalid topic", "not supported", "topics full", "timeout", "gateway", "malformed", "ended", "callback", "socket", "suback", "regack". */
    code: string | number;
}
export interface SnClient {
    /**
     * true when sent (QoS -1, 0) or held for sending (QoS 1, and QoS 0 waiting for its registration); false
     * (counted in `dropped`) when the store is full, at QoS 0 when not connected, and when the topic needs a
     * registration and the topic table holds only the gateway's ids.
     */
    publish(topic: string, payload?: Data | null, opts?: SnPublishOptions): boolean;
    /** As the MQTT client's: `cb(err, [{ topic, qos }])` once at the SUBACK; `onMessage` per filter. */
    subscribe(filter: string, cb?: SnSubscribeCallback): SnClient;
    subscribe(filter: string, opts?: {
        qos?: 0 | 1 | 2;
        onMessage?: SnMessageCallback;
    } | null, cb?: SnSubscribeCallback): SnClient;
    /** `cb(err)` once at the UNSUBACK. */
    unsubscribe(filter: string, cb?: (err: SnError | null) => void): SnClient;
    /** WILLTOPICUPD and WILLMSGUPD; null deletes the will. */
    updateWill(will: SnWill | null): void;
    /** DISCONNECT with a duration: asleep, with awake periods (PINGREQ + client id) every `every` s (default 3/4 of seconds). */
    sleep(seconds: number, every?: number): void;
    /** Back to active: CONNECT. */
    wake(): void;
    /** DISCONNECT and close at once (held messages are counted in an "ended" error); `cb` runs once, at the close. */
    end(force?: boolean, cb?: () => void): void;
    end(cb: () => void): void;
    /** Adds a listener; several per event. A `connected` listener added while connected runs on the next tick. */
    on(event: string, f: (...a: any[]) => void): SnClient;
    once(event: string, f: (...a: any[]) => void): SnClient;
    off(event: string, f: (...a: any[]) => void): SnClient;
    removeListener(event: string, f: (...a: any[]) => void): SnClient;
    /** 0 offline, 1 searching, 2 connecting, 3 connected, 4 asleep, 5 awake, 6 ended. */
    state(): number;
    /** Messages held (QoS 1 unacknowledged, in Storage too with persist; QoS 0 waiting for a registration). */
    queued(): number;
    /** Publishes that returned false: the link down (QoS 0), no room in the store or in the topic table. */
    dropped: number;
    attempts: number;
}
/** An MQTT-SN client for `opts` (copied, never written). `make` builds the transport when none is given. */
export declare function createSnClient(opts?: SnOptions | null, make?: (o: any) => DatagramTransport, defaults?: SnOptions): SnClient;
