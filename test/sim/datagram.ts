// Datagram mode of the simulator, for the MQTT-SN client: a lossy datagram network on the virtual clock
// (seeded loss, duplication, reordering by random delay, a gateway that vanishes) and a scripted
// MQTT-SN gateway whose "broker side" records what it delivered. The gateway remembers QoS 1 message
// ids as a broker does, so a resend (DUP) whose PUBACK was lost is acknowledged, not delivered again.
import type { VirtualClock } from "./clock";
import type { Datagram, DatagramEvents, DatagramTransport } from "../../src/sn/udp";
import { snDecode, snEncode, snMsg, snStr } from "../../src/sn/codec";
import { rng } from "./rng.mjs";

export interface DatagramNetOptions {
  seed?: number;
  /** One-way delay in ms, default 5. */
  latency?: number;
  /** Probability that a datagram is lost, duplicated; extra random delay up to `jitter` ms reorders them. */
  loss?: number;
  dup?: number;
  jitter?: number;
  /** Deliver to the client as byte Strings (one char per byte), as Espruino's dgram does. */
  strings?: boolean;
}

export interface Delivered {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

export interface SimGateway {
  /** What reached the broker side, in order. */
  delivered: Delivered[];
  /** Types of every message the gateway received, and sent. */
  got: number[];
  sent: number[];
  /** Every datagram the gateway received, in hex. */
  raw: string[];
  /** QoS 1 resends recognised by message id and not delivered again. */
  dups: number;
  connected: boolean;
  /** Scripting: the return code for the next PUBACKs / REGACKs (shifted off per message); default 0. */
  pubackRc: number[];
  regackRc: number[];
  /** Scripting: answer PINGREQ? */
  pingresp: boolean;
  /** A restart: every session, registration and remembered id is forgotten. */
  restart(): void;
  /** Send a message to the client (from the broker side). */
  send(d: Uint8Array): void;
  /** Topic ids by name, as registered. */
  topics: Map<string, number>;
}

export interface DatagramNet {
  transport: DatagramTransport;
  gateway: SimGateway;
  /** The gateway stops answering and hears nothing (powered off), or is back. */
  vanish(on: boolean): void;
  /** Datagrams lost, duplicated. */
  lost: number;
  duplicated: number;
}

const GW = "10.0.0.1";
const GWPORT = 10000;

export function createDatagramNet(clock: VirtualClock, o: DatagramNetOptions = {}): DatagramNet {
  const r = rng(o.seed ?? 1);
  const lat = o.latency ?? 5;
  let gone = false;
  let client: DatagramEvents | null = null;
  const m = snMsg();

  /** Carry `d` over the lossy link and hand it to `to` (unless lost), maybe twice. */
  function carry(d: Uint8Array, to: (d: Uint8Array) => void) {
    if (gone) return;
    if (o.loss && r() < o.loss) return void net.lost++;
    const copies = o.dup && r() < o.dup ? 2 : 1;
    if (copies == 2) net.duplicated++;
    for (let k = 0; k < copies; k++) {
      const copy = Uint8Array.from(d);
      clock.set(() => !gone && to(copy), lat + (o.jitter ? Math.floor(r() * o.jitter) : 0));
    }
  }

  const seen: number[] = [];
  const g: SimGateway = {
    delivered: [],
    got: [],
    sent: [],
    raw: [],
    dups: 0,
    connected: false,
    pubackRc: [],
    regackRc: [],
    pingresp: true,
    topics: new Map(),
    restart() {
      g.connected = false;
      g.topics.clear();
      seen.splice(0);
    },
    send(d) {
      g.sent.push(type(d));
      carry(d, (x) => client && client.message(o.strings ? Buffer.from(x).toString("latin1") : x, GW, GWPORT));
    },
  };
  const reply = (t: number, x?: string | Uint8Array | null, a?: number, b?: number, c?: number, d?: number) => g.send(snEncode(t, x, a, b, c, d)!);

  function nameOf(tt: number, id: number): string | undefined {
    if (tt == 2) return String.fromCharCode(id >> 8, id & 255);
    for (const [n, i] of g.topics) if (i == id) return n;
    return undefined;
  }

  function receive(d: Uint8Array) {
    const t = snDecode(m, d);
    g.got.push(t);
    g.raw.push(Buffer.from(d).toString("hex"));
    if (t < 0) return;
    if (t == 0x01) return reply(0x02, null, 1);
    if (t == 0x04) {
      g.connected = true;
      if (m.f & 0x04) g.topics.clear();
      return reply(0x05, null, 0);
    }
    // A gateway that does not know this client answers with DISCONNECT, as Paho's does.
    if (!g.connected) return t == 0x0c && m.q == -1 ? undefined : reply(0x18);
    if (t == 0x0a) {
      const rc = g.regackRc.shift() || 0;
      const name = snStr(m);
      if (!g.topics.has(name)) g.topics.set(name, g.topics.size + 1);
      return reply(0x0b, null, rc ? 0 : g.topics.get(name)!, m.m, rc);
    }
    if (t == 0x0c) {
      const name = nameOf(m.tt, m.i);
      if (m.q == 1) {
        const rc = name == null ? 2 : g.pubackRc.shift() || 0;
        if (!rc && seen.includes(m.m)) g.dups++;
        else if (!rc) {
          seen.push(m.m);
          if (seen.length > 64) seen.shift();
          g.delivered.push({ topic: name!, payload: Buffer.from(d.subarray(m.x, m.x + m.n)).toString(), qos: 1, retain: !!(m.f & 0x10) });
        }
        return reply(0x0d, null, m.i, m.m, rc);
      }
      if (name != null) g.delivered.push({ topic: name, payload: Buffer.from(d.subarray(m.x, m.x + m.n)).toString(), qos: m.q, retain: !!(m.f & 0x10) });
      return;
    }
    if (t == 0x12) {
      const name = snStr(m);
      return reply(0x13, null, m.f & 0x60, m.tt == 0 && !/[+#]/.test(name) ? ensure(name) : 0, m.m, 0);
    }
    if (t == 0x14) return reply(0x15, null, m.m);
    if (t == 0x16) return g.pingresp ? reply(0x17) : undefined;
    if (t == 0x18) {
      if (m.d < 0) g.connected = false;
      return reply(0x18);
    }
    if (t == 0x0f) return reply(0x10, null, m.m);
    // PUBACK, PUBCOMP, REGACK from the client need nothing more here.
  }

  function ensure(name: string) {
    if (!g.topics.has(name)) g.topics.set(name, g.topics.size + 1);
    return g.topics.get(name)!;
  }

  const net: DatagramNet = {
    gateway: g,
    lost: 0,
    duplicated: 0,
    vanish(on) {
      gone = on;
      if (on) g.restart();
    },
    transport(ev: DatagramEvents): Datagram {
      client = ev;
      return {
        send(d) {
          const b = typeof d == "string" ? Uint8Array.from(Buffer.from(d, "latin1")) : d;
          carry(b, receive);
        },
        close() {
          client = null;
        },
      };
    },
  };
  return net;
}

function type(d: Uint8Array) {
  return d[0] == 1 ? d[3] : d[1];
}
