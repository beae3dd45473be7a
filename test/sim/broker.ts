// A scriptable broker for the simulator. It parses with mqtt-packet (an independent codec), records
// every packet, answers like a broker (CONNACK, PUBACK, SUBACK, UNSUBACK, PINGRESP, PUBREC/PUBCOMP
// flows), keeps persistent sessions for clean=false clients, and routes publishes to subscribers.
// Each behaviour can be overridden to script faults.
import mqttPacket from "mqtt-packet";
import { brokerMatch as match } from "./match";

export interface Packet {
  cmd: string;
  [k: string]: any;
}

export interface BrokerConn {
  id: number;
  clientId?: string;
  protocol?: number;
  packets: Packet[];
  /** The type (high nibble of byte 0) of every packet the client sent, framed here by a splitter of
   * its own (not mqtt-packet), so a reserved type 0 or 15 is seen even where the parser gives up. */
  types: number[];
  data(chunk: Uint8Array): void;
  closed(): void;
  /** Send a packet (mqtt-packet object) or raw bytes to this client. */
  send(p: Packet | Uint8Array): void;
  close(): void;
  alive: boolean;
  /** The filters this connection's session holds now, with their granted QoS. */
  subs(): Map<string, number>;
  /** This connection's session state for outbound QoS 1/2 flows. */
  session(): Session;
}

export interface SimBroker {
  accept(write: (b: Uint8Array) => void, close: () => void): BrokerConn;
  conns: BrokerConn[];
  /** The newest connection. */
  last(): BrokerConn | undefined;
  /** Every packet from every client, in arrival order. */
  log: Packet[];
  /** Retained messages by topic. */
  retained: Map<string, Packet>;
  /** Scripting: the CONNACK return code (or null: never answer). */
  connack: number | null;
  /** Scripting: acknowledge a QoS 1 PUBLISH? */
  ackPublish: (p: Packet, c: BrokerConn) => boolean;
  /** Scripting: SUBACK return codes for a SUBSCRIBE. */
  suback: (p: Packet) => number[];
  pingresp: boolean;
  /** Answer a client's PUBREC with PUBREL at once (the broker-to-client QoS 2 flow). */
  autoPubrel: boolean;
  /** Publish from the broker side to every matching subscriber. */
  publish(topic: string, payload: string | Uint8Array, qos?: number, retain?: boolean): void;
  /** Sessions (clean=false) by client id: subscriptions kept across connections. */
  sessions: Map<string, Map<string, number>>;
  /** Per-session outbound QoS 1/2 messages awaiting their acknowledgement (when `resend` is on). */
  inflight: Map<string, Session>;
  /** Resend unacknowledged outbound QoS 1/2 messages (PUBLISH with DUP, or PUBREL) when a session is
   * resumed, as a broker must [MQTT-4.4.0-1]. Off by default: most tests script those flows by hand. */
  resend: boolean;
  /** Every packet type seen by the splitter, over all connections. */
  types: number[];
  /** A broker restart: every link closes; `keep` decides whether sessions survive (persistence). */
  restart(keep: boolean): void;
}

export interface Session {
  /** Next packet id the broker hands out in this session. */
  mid: number;
  /** id -> the PUBLISH, and whether its PUBREC came (then PUBREL is what is due). */
  out: Map<number, { p: Packet; rec: boolean; sent: boolean }>;
}

/** The next packet id not in flight in a session. */
function nextId(s: Session): number {
  let id: number;
  do {
    id = s.mid++;
    if (s.mid > 65535) s.mid = 1;
  } while (s.out.has(id));
  return id;
}

let nextConn = 1;

export function createBroker(): SimBroker {
  const b: SimBroker = {
    conns: [],
    log: [],
    retained: new Map(),
    sessions: new Map(),
    inflight: new Map(),
    resend: false,
    types: [],
    restart(keep) {
      for (const c of b.conns) if (c.alive) c.close();
      if (!keep) {
        b.sessions.clear();
        b.inflight.clear();
      }
    },
    connack: 0,
    pingresp: true,
    autoPubrel: true,
    ackPublish: () => true,
    suback: (p) => p.subscriptions.map((s: any) => s.qos),
    last: () => b.conns[b.conns.length - 1],
    accept(write, close) {
      let version = 4;
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      let subs = new Map<string, number>();
      let sess: Session = { mid: 1, out: new Map() };
      let raw: number[] = [];
      const c: BrokerConn = {
        id: nextConn++,
        packets: [],
        types: [],
        alive: true,
        subs: () => subs,
        session: () => sess,
        data: (chunk) => {
          frame(chunk);
          parser.parse(Buffer.from(chunk));
        },
        closed() {
          if (!c.alive) return;
          c.alive = false;
          // A link that dies without DISCONNECT publishes the will [MQTT-3.1.2-8].
          const will = (c as any).will;
          if (will) b.publish(will.topic, will.payload, will.qos, will.retain);
        },
        send(p) {
          if (!c.alive) return;
          write(p instanceof Uint8Array ? p : mqttPacket.generate(p as any, { protocolVersion: version }));
        },
        close() {
          c.closed();
          close();
        },
      };
      // Fixed header and remaining length, read here without mqtt-packet.
      function frame(chunk: Uint8Array) {
        for (let i = 0; i < chunk.length; i++) raw.push(chunk[i]);
        for (;;) {
          if (raw.length < 2) return;
          let n = 0;
          let k = 1;
          for (let m = 1; ; m *= 128, k++) {
            if (k >= raw.length) return;
            if (k > 4) {
              c.types.push(-1); // a length field over 4 bytes: malformed
              b.types.push(-1);
              raw = [];
              return;
            }
            n += (raw[k] & 127) * m;
            if (!(raw[k] & 128)) break;
          }
          if (raw.length < k + 1 + n) return;
          c.types.push(raw[0] >> 4);
          b.types.push(raw[0] >> 4);
          raw = raw.slice(k + 1 + n);
        }
      }
      (c as any).deliver = (topic: string, payload: any, qos: number, retain: boolean) => {
        const sq = [...subs].filter(([f]) => match(f, topic)).reduce((m, [, q]) => Math.max(m, q), -1);
        if (sq < 0) return;
        const q = Math.min(sq, qos);
        let id: number | undefined;
        if (q) id = nextId(sess);
        const p = { cmd: "publish", topic, payload, qos: q, retain, messageId: id };
        if (q && b.resend) sess.out.set(id!, { p, rec: false, sent: true });
        c.send(p);
      };
      parser.on("error", (e: Error) => {
        c.packets.push({ cmd: "error", message: e.message });
        c.close();
      });
      parser.on("packet", (p: Packet) => {
        if (!c.alive) return;
        c.packets.push(p);
        b.log.push(p);
        switch (p.cmd) {
          case "connect": {
            version = p.protocolVersion;
            c.clientId = p.clientId;
            c.protocol = p.protocolVersion;
            (c as any).will = p.will;
            if (b.connack == null) return;
            const kept = !p.clean && b.sessions.has(p.clientId);
            if (!p.clean) {
              if (!kept) {
                b.sessions.set(p.clientId, new Map());
                b.inflight.set(p.clientId, { mid: 1, out: new Map() });
              }
              subs = b.sessions.get(p.clientId)!;
              sess = b.inflight.get(p.clientId) || sess;
            } else {
              b.sessions.delete(p.clientId);
              b.inflight.delete(p.clientId);
            }
            c.send({ cmd: "connack", returnCode: b.connack, sessionPresent: kept && b.connack == 0 && version == 4 });
            if (b.connack) c.close();
            // A resumed session: unacknowledged messages go out again, in order [MQTT-4.4.0-1].
            else if (kept && b.resend)
              for (const [id, m] of sess.out) {
                c.send(m.rec ? { cmd: "pubrel", messageId: id } : { ...m.p, dup: m.sent });
                m.sent = true;
              }
            break;
          }
          case "puback":
            sess.out.delete(p.messageId);
            break;
          case "pubcomp":
            sess.out.delete(p.messageId);
            break;
          case "publish":
            if (p.qos == 1 && !b.ackPublish(p, c)) break;
            if (p.qos == 1) c.send({ cmd: "puback", messageId: p.messageId });
            if (p.qos == 2) c.send({ cmd: "pubrec", messageId: p.messageId });
            if (p.retain) b.retained.set(p.topic, p);
            b.publish(p.topic, p.payload, p.qos, false);
            break;
          case "pubrel":
            c.send({ cmd: "pubcomp", messageId: p.messageId });
            break;
          case "pubrec": {
            const m = sess.out.get(p.messageId);
            if (m) m.rec = true;
            if (b.autoPubrel) c.send({ cmd: "pubrel", messageId: p.messageId });
            break;
          }
          case "subscribe": {
            const codes = b.suback(p);
            p.subscriptions.forEach((s: any, i: number) => {
              if (codes[i] != 0x80) subs.set(s.topic, s.qos);
            });
            c.send({ cmd: "suback", messageId: p.messageId, granted: codes });
            for (const [t, r] of b.retained) if (p.subscriptions.some((s: any) => match(s.topic, t))) (c as any).deliver(t, r.payload, r.qos, true);
            break;
          }
          case "unsubscribe":
            p.unsubscriptions.forEach((f: string) => subs.delete(f));
            c.send({ cmd: "unsuback", messageId: p.messageId });
            break;
          case "pingreq":
            if (b.pingresp) c.send({ cmd: "pingresp" });
            break;
          case "disconnect":
            (c as any).will = undefined;
            c.close();
            break;
        }
      });
      b.conns.push(c);
      return c;
    },
    publish(topic, payload, qos = 0, retain = false) {
      const live = new Set<string>();
      for (const c of b.conns)
        if (c.alive) {
          (c as any).deliver(topic, payload, qos, retain);
          if (c.clientId != null) live.add(c.clientId);
        }
      // With `resend`, a kept session whose client is away queues QoS 1/2 messages for its return.
      if (!b.resend || !qos) return;
      for (const [id, subs] of b.sessions) {
        if (live.has(id)) continue;
        const sq = [...subs].filter(([f]) => match(f, topic)).reduce((m, [, q]) => Math.max(m, q), -1);
        const q = Math.min(sq, qos);
        if (q <= 0) continue;
        const s = b.inflight.get(id)!;
        const mid = nextId(s);
        s.out.set(mid, { p: { cmd: "publish", topic, payload, qos: q, retain, messageId: mid }, rec: false, sent: false });
      }
    },
  };
  return b;
}
