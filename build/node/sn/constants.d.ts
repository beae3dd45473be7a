/** Message types (MQTT-SN v1.2 section 5.2.2). */
export declare const enum N {
    ADVERTISE = 0,
    SEARCHGW = 1,
    GWINFO = 2,
    CONNECT = 4,
    CONNACK = 5,
    WILLTOPICREQ = 6,
    WILLTOPIC = 7,
    WILLMSGREQ = 8,
    WILLMSG = 9,
    REGISTER = 10,
    REGACK = 11,
    PUBLISH = 12,
    PUBACK = 13,
    PUBCOMP = 14,
    PUBREC = 15,
    PUBREL = 16,
    SUBSCRIBE = 18,
    SUBACK = 19,
    UNSUBSCRIBE = 20,
    UNSUBACK = 21,
    PINGREQ = 22,
    PINGRESP = 23,
    DISCONNECT = 24,
    WILLTOPICUPD = 26,
    WILLTOPICRESP = 27,
    WILLMSGUPD = 28,
    WILLMSGRESP = 29,
    /** Encapsulated message (forwarder): Ctrl, Wireless Node Id, then a whole MQTT-SN message. */
    ENCAPSULATED = 254
}
/** Flags byte (section 5.3.4). */
export declare const enum F {
    DUP = 128,
    /** QoS bits 6..5: 00 = 0, 01 = 1, 10 = 2, 11 = -1. */
    QOS_SHIFT = 5,
    RETAIN = 16,
    WILL = 8,
    CLEAN = 4,
    /** Topic id type bits 1..0. */
    NORMAL = 0,
    PREDEFINED = 1,
    SHORT = 2
}
/** Return codes (section 5.3.10). */
export declare const enum RC {
    ACCEPTED = 0,
    CONGESTION = 1,
    INVALID_TOPIC = 2,
    NOT_SUPPORTED = 3
}
/**
 * What snDecode returns for a datagram it cannot take; a message type (>= 0) otherwise. Plain negative
 * numbers: a caller switches on them without a table.
 */
export declare const enum SnErr {
    /** Fewer than 2 bytes, or a length field larger than the datagram. */
    SHORT = -1,
    /** The length field is smaller than the datagram (one datagram carries one message), or below its own size. */
    LENGTH = -2,
    /** The 3-byte form (01 LL LL) cut short, or a length in it under 4 (its own header and the type). */
    LONG = -3,
    /** A reserved message type. */
    TYPE = -4,
    /** The message is too short or too long for its type's fields. */
    FIELD = -5,
    /** A field holds a reserved value: protocol id not 1, topic id type 3, return code over 3. */
    VALUE = -6
}
