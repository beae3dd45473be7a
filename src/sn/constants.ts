// MQTT-SN v1.2 message types, flags, return codes and the decoder's error codes. const enums: every use
// inlines to a number, so nothing of this file reaches a bundle.

/** Message types (MQTT-SN v1.2 section 5.2.2). */
export const enum N {
  ADVERTISE = 0x00,
  SEARCHGW = 0x01,
  GWINFO = 0x02,
  CONNECT = 0x04,
  CONNACK = 0x05,
  WILLTOPICREQ = 0x06,
  WILLTOPIC = 0x07,
  WILLMSGREQ = 0x08,
  WILLMSG = 0x09,
  REGISTER = 0x0a,
  REGACK = 0x0b,
  PUBLISH = 0x0c,
  PUBACK = 0x0d,
  PUBCOMP = 0x0e,
  PUBREC = 0x0f,
  PUBREL = 0x10,
  SUBSCRIBE = 0x12,
  SUBACK = 0x13,
  UNSUBSCRIBE = 0x14,
  UNSUBACK = 0x15,
  PINGREQ = 0x16,
  PINGRESP = 0x17,
  DISCONNECT = 0x18,
  WILLTOPICUPD = 0x1a,
  WILLTOPICRESP = 0x1b,
  WILLMSGUPD = 0x1c,
  WILLMSGRESP = 0x1d,
  /** Encapsulated message (forwarder): Ctrl, Wireless Node Id, then a whole MQTT-SN message. */
  ENCAPSULATED = 0xfe,
}

/** Flags byte (section 5.3.4). */
export const enum F {
  DUP = 0x80,
  /** QoS bits 6..5: 00 = 0, 01 = 1, 10 = 2, 11 = -1. */
  QOS_SHIFT = 5,
  RETAIN = 0x10,
  WILL = 0x08,
  CLEAN = 0x04,
  /** Topic id type bits 1..0. */
  NORMAL = 0,
  PREDEFINED = 1,
  SHORT = 2,
}

/** Return codes (section 5.3.10). */
export const enum RC {
  ACCEPTED = 0,
  CONGESTION = 1,
  INVALID_TOPIC = 2,
  NOT_SUPPORTED = 3,
}

/**
 * What snDecode returns for a datagram it cannot take; a message type (>= 0) otherwise. Plain negative
 * numbers: a caller switches on them without a table.
 */
export const enum SnErr {
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
  VALUE = -6,
}
