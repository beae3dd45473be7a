/** What a transport hands back for one connection attempt. It must copy or send the data before write returns. */
export interface Link {
    /** Bytes [from, to) of a Uint8Array (Node build), or a whole byte String (device build: from 0, to its length). */
    write(d: Uint8Array | string, from: number, to: number): void;
    close(): void;
    /** Bytes the client may hand over before waiting for drain (bounds what the socket holds in RAM). */
    hw?: number;
}
/** Callbacks a transport calls as methods of this object, never synchronously from inside the open call itself. */
export interface LinkEvents {
    open(): void;
    data(chunk: Uint8Array | string): void;
    drain(): void;
    close(err?: unknown): void;
}
export type Transport = (h: LinkEvents) => Link;
/** The port a built-in transport connects to: 1883, or 8883 with TLS; anything but a whole 1-65535 throws at connect(). */
export declare function linkPort(o: {
    port?: number;
    tls?: boolean;
}): number;
/** The part of a client record that outbound code touches. */
export interface Out {
    /** The current link, or null. */
    l: Link | null;
    /** Bytes handed to the link since its last drain. */
    w: number;
    /** Something went out since the last tick (keepalive counts silence, not time). */
    tx: number;
    /** Largest packet sent outside the store (txSize). */
    z: number;
    /** The scratch buffer of the byte wire (Node); null on the device, which builds Strings. */
    b: Uint8Array | null;
}
/** What the store sends within: the link, at most `wn` messages in flight, and `hw` bytes handed over. */
export interface Flow extends Out {
    wn: number;
    hw: number;
}
export declare function put(c: Out, d: Uint8Array | string, from: number, to: number): void;
