// What the client, the store and the wire share about the link: the transport's contract and the one
// function every outbound byte passes through. Below the store and the wire, above events only.
import { fail } from "./events";
import { CHECK } from "./features";

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
export function linkPort(o: { port?: number; tls?: boolean }): number {
  const port = o.port == null ? (o.tls ? 8883 : 1883) : o.port;
  if (typeof port != "number" || (CHECK && (!(port >= 1 && port <= 65535) || port % 1))) throw fail("port must be a number from 1 to 65535", "options");
  return port;
}

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

export function put(c: Out, d: Uint8Array | string, from: number, to: number): void {
  const l = c.l;
  if (!l) return; // a callback may have ended the client mid-packet
  c.w += to - from;
  c.tx = 1;
  l.write(d, from, to);
}
