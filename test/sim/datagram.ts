// Datagram mode of the simulator, for the MQTT-SN client: a lossy datagram network on the virtual clock
// (seeded loss, duplication, reordering by random delay, a gateway that vanishes) and a scripted
// MQTT-SN gateway whose "broker side" records what it delivered. The gateway remembers QoS 1 message
// ids as a broker does, so a resend (DUP) whose PUBACK was lost is acknowledged, not delivered again.
import type { VirtualClock } from "./clock";
import type { Datagram, DatagramEvents, DatagramTransport } from "../../src/sn/udp";
import { snDecode, snEncode, snMsg, snStr } from "../../src/sn/codec";
import { rng } from "./rng.mjs";
import { brokerMatch as match } from "./match";

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
  /** Scripting: the return code for the next PUBACKs / REGACKs / SUBACKs (shifted off per message); default 0. */
  pubackRc: number[];
  regackRc: number[];
  subackRc: number[];
  /** Scripting: answer PINGREQ? */
  pingresp: boolean;
  /** A restart: every session, registration and remembered id is forgotten. */
  restart(): void;
  /** Send a message to the client (from the broker side). */
  send(d: Uint8Array): void;
  /** Topic ids by name, as registered (one table for both directions, as Paho's). */
  topics: Map<string, number>;
  /** Scripting: message types to ignore, once each (the first datagram of that type is lost). */
  drop: number[];
  /** The session: the client's subscriptions; asleep (DISCONNECT with a duration); the payloads buffered meanwhile. */
  subs: string[];
  asleep: boolean;
  readonly buffered: string[];
  /**
   * The broker side publishes: sent to the client when a subscription matches (REGISTER first for a topic
   * it has no id for), buffered while it sleeps. Returns whether the session took it (a subscription matched).
   */
  publish(topic: string, payload: string, qos: 0 | 1 | 2): boolean;
}

export interface DatagramNet {
  transport: DatagramTransport;
  gateway: SimGateway;
  /** The gateway stops answering and hears nothing (powered off), or is back. */
  vanish(on: boolean): void;
  /** The link is down both ways (or up again); the gateway keeps its sessions. */
  cut(on: boolean): void;
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
  let buf: [string, string, number][] = [];
  let mid = 0;
  const g: SimGateway = {
    delivered: [],
    got: [],
    sent: [],
    raw: [],
    dups: 0,
    connected: false,
    pubackRc: [],
    regackRc: [],
    subackRc: [],
    pingresp: true,
    topics: new Map(),
    drop: [],
    subs: [],
    asleep: false,
    get buffered() {
      return buf.map((b) => b[1]);
    },
    restart() {
      g.connected = g.asleep = false;
      g.topics.clear();
      g.subs = [];
      buf = [];
      mid = 0;
      seen.splice(0);
    },
    publish(topic, payload, qos) {
      const s = g.subs.filter((f) => match(f, topic));
      if (!s.length || (!g.connected && !g.asleep)) return false;
      if (g.asleep) buf.push([topic, payload, qos]);
      else toClient(topic, payload, qos);
      return true;
    },
    send(d) {
      g.sent.push(type(d));
      carry(d, (x) => client && client.message(o.strings ? Buffer.from(x).toString("latin1") : x, GW, GWPORT));
    },
  };
  const reply = (t: number, x?: string | Uint8Array | null, a?: number, b?: number, c?: number, d?: number) => g.send(snEncode(t, x, a, b, c, d)!);

  function toClient(topic: string, payload: string, qos: number) {
    let id = g.topics.get(topic);
    if (id == null) {
      id = ensure(topic);
      reply(0x0a, topic, id, ++mid % 65536 || ++mid);
    }
    reply(0x0c, payload, qos << 5, id, qos ? ++mid % 65536 || ++mid : 0);
  }

  function flush() {
    const b = buf;
    buf = [];
    for (const [t, p, q] of b) toClient(t, p, q);
  }

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
    const k = g.drop.indexOf(t);
    if (k >= 0) return void g.drop.splice(k, 1);
    if (t == 0x01) return reply(0x02, null, 1);
    if (t == 0x04) {
      g.connected = true;
      if (m.f & 0x04) {
        g.topics.clear();
        g.subs = [];
        buf = [];
      }
      g.asleep = false;
      reply(0x05, null, 0);
      // A kept session: what was buffered for the sleeping client follows the CONNACK.
      return flush();
    }
    // Awake period: PINGREQ with the client id; the buffered messages, then PINGRESP.
    if (t == 0x16 && g.asleep) {
      flush();
      return g.pingresp ? reply(0x17) : undefined;
    }
    // A gateway that does not know this client answers with DISCONNECT, as Paho's does.
    if (!g.connected && !g.asleep) return t == 0x0c && m.q == -1 ? undefined : reply(0x18);
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
      // PUBACK with "invalid topic id" to a QoS 0 PUBLISH too, as the spec allows (Paho 1.5.1 forwards it
      // instead, and the broker drops the gateway: test/sn-client.test.ts).
      else if (m.q == 0) reply(0x0d, null, m.i, 0, 2);
      return;
    }
    if (t == 0x12) {
      const name = m.tt == 2 ? String.fromCharCode(m.i >> 8, m.i & 255) : snStr(m);
      const rc = g.subackRc.shift() || 0;
      if (rc) return reply(0x13, null, 0, 0, m.m, rc);
      if (!g.subs.includes(name)) g.subs.push(name);
      return reply(0x13, null, m.f & 0x60, m.tt == 0 && !/[+#]/.test(name) ? ensure(name) : 0, m.m, 0);
    }
    if (t == 0x14) {
      const name = m.tt == 2 ? String.fromCharCode(m.i >> 8, m.i & 255) : snStr(m);
      g.subs = g.subs.filter((f) => f != name);
      return reply(0x15, null, m.m);
    }
    if (t == 0x16) return g.pingresp ? reply(0x17) : undefined;
    if (t == 0x18) {
      g.connected = false;
      g.asleep = m.d >= 0;
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
    cut(on) {
      gone = on;
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
