// Held publishes of the MQTT-SN client: a FIFO of entries within a byte budget. (Not "store.ts": the
// device build swaps every "./store" import for the MQTT board store.) The MQTT store keeps encoded
// packets, but an MQTT-SN PUBLISH names its topic by an id that is only known once the gateway
// has answered a REGISTER (and changes with every connection), so entries keep the topic name and are
// encoded when sent. QoS 1 entries stay until PUBACK, across lost datagrams, reconnects and gateway
// restarts; QoS 0 entries wait here only for their topic's registration.
import { strLen } from "../codec/strings";

export type Data = string | Uint8Array;

export interface Held {
  /** Topic name, payload, message id. */
  t: string;
  p: Data;
  m: number;
  /**
   * The PUBLISH flags byte without the topic id type: QoS (0 or 1), retain, and DUP once sent. One
   * number, not three fields: on a board each field of a held message is a block more.
   */
  f: number;
  /** Bytes it counts against the budget. */
  z: number;
}

export interface SnStore {
  e: Held[];
  /** Bytes held, and the budget. */
  n: number;
  x: number;
  /** persist.ts's log, when the client has one (sn/persist.ts), and the QoS 1 messages it holds. */
  p?: any;
  c?: number;
}

export function snStore(size: number): SnStore {
  return { e: [], n: 0, x: size };
}

/** Hold a message: 1 held, 0 the budget is used up now, -1 it can never fit. */
export function snHold(s: SnStore, t: string, p: Data, f: number, m: number): number {
  const z = 8 + strLen(t) + (typeof p == "string" ? strLen(p) : p.length);
  if (z > s.x) return -1;
  if (s.n + z > s.x) return 0;
  s.e.push({ t: t, p: p, m: m, f: f, z: z });
  s.n += z;
  return 1;
}

/** Remove the oldest entry (acknowledged, sent at QoS 0, or refused by the gateway). */
export function snShift(s: SnStore): void {
  const h = s.e.shift();
  if (h) s.n -= h.z;
}
