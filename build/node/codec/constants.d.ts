export declare const enum T {
    CONNECT = 1,
    CONNACK = 2,
    PUBLISH = 3,
    PUBACK = 4,
    PUBREC = 5,
    PUBREL = 6,
    PUBCOMP = 7,
    SUBSCRIBE = 8,
    SUBACK = 9,
    UNSUBSCRIBE = 10,
    UNSUBACK = 11,
    PINGREQ = 12,
    PINGRESP = 13,
    DISCONNECT = 14
}
export declare const enum Err {
    /** Encoder: the packet does not fit in the buffer from the given offset; nothing was written. */
    SPACE = -1,
    /** Decoder: packet type 0 or 15, or a type a server never sends to a client. */
    TYPE = -2,
    /** Decoder: fixed-header flags other than those the spec fixes for the type. */
    FLAGS = -3,
    /** Decoder: a fifth remaining-length byte, or a remaining length wrong for the type. */
    LENGTH = -4,
    /** Decoder: QoS 3 in a PUBLISH. */
    QOS = -5,
    /** Decoder: packet identifier 0 where one is required. */
    ID = -6,
    /** Decoder: a topic or string longer than the bytes left in the packet; encoder: topic empty or over 65,535 bytes. */
    TOPIC = -7,
    /** Decoder: the packet is larger than the receive buffer; its bytes were skipped, `size` holds its length. */
    BIG = -8,
    /** Encoder: a string field (client id, username, ...) over 65,535 bytes, or an argument out of range. */
    ARG = -9
}
/** Decoder status: a complete packet is in the record. */
export declare const PACKET = 1;
