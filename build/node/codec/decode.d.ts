/** What a decoder reports of the last packet; the board's String decoder (src/wire-text.ts) reports the same. */
export interface PacketRecord {
    /** Status of the last call: 0 = need more bytes, 1 (PACKET) = a packet is in the record, < 0 = an Err code. */
    st: number;
    /** Packet type (T) and the low nibble of its first byte. */
    type: number;
    flags: number;
    /** PUBLISH QoS (flags bits 2..1). */
    qos: number;
    /** Packet identifier (PUBLISH QoS > 0, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK), else 0. */
    id: number;
    /** CONNACK return code and session-present bit. */
    rc: number;
    sp: number;
    /** Length of the PUBLISH payload, or of a SUBACK's granted-QoS list (one byte per filter). */
    plen: number;
    /** Remaining length of the last packet (the whole of it, also when it was too big and skipped). */
    size: number;
}
export interface Decoder extends PacketRecord {
    /** The receive buffer; a packet body is at buf[0, min(size, buf.length)). */
    buf: Uint8Array;
    /** PUBLISH topic: offset and byte length in buf; the payload (or SUBACK list) starts at `pay`. */
    topic: number;
    tlen: number;
    pay: number;
    ph: number;
    h: number;
    len: number;
    mul: number;
    got: number;
    /** The bytes of a QoS 1/2 PUBLISH's packet id that lay past the buffer's end. */
    xid: number;
}
/** A decoder with a receive buffer of `size` bytes (the largest packet body it will hold). */
export declare function createDecoder(size: number): Decoder;
/** Forget any partial packet (after a reconnect the stream starts afresh). */
export declare function resetDecoder(d: Decoder): void;
/**
 * Consume bytes of `c` (Uint8Array/Buffer, or a byte string as Espruino sockets deliver: one char per
 * byte) from index `i` until one packet completes, an error is found, or the chunk ends. Returns the
 * index to continue from; `d.st` says which. Call again while the returned index is below c.length.
 */
export declare function decode(d: Decoder, c: Uint8Array | string, i: number): number;
