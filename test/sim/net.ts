// The simulated network between a client and the scripted broker: each direction is a byte stream
// delivered after a latency in chunks of seeded random size, so writes are split and merged at
// arbitrary boundaries. Faults: drop the link (now, after a delay, or at random intervals), go
// half-open (writes vanish, nothing comes back, no close event), refuse connects.
import type { VirtualClock } from "./clock";
import type { Transport, LinkEvents, Link } from "../../src/link";
import type { SimBroker, BrokerConn } from "./broker";
import { rng } from "./rng.mjs";

export interface NetOptions {
  seed?: number;
  /** One-way delay in ms, default 5. */
  latency?: number;
  /** Largest chunk delivered at once; bytes are split at random sizes 1..maxChunk. Default: whole writes. */
  maxChunk?: number;
  /** Deliver to the client as byte strings, as Espruino sockets do. */
  strings?: boolean;
  /** Drop every connection after a random uptime in [min, max] ms. */
  dropEvery?: [number, number];
  /** Socket high-water mark reported to the client. */
  hw?: number;
}

export interface SimNet {
  transport: Transport;
  /** Close the current connection from the network side (both ends see it). */
  drop(): void;
  /** Writes vanish and nothing comes back, with no close event: a dead NAT entry or a pulled cable. */
  halfOpen(on: boolean): void;
  /** Refuse new connects (the client sees a close without an open). */
  refuse(on: boolean): void;
  connects: number;
  drops: number;
  /** Bytes written by the client on the current connection and all connections. */
  sent: number;
}

export function createNet(clock: VirtualClock, broker: SimBroker, o: NetOptions = {}): SimNet {
  const r = rng(o.seed ?? 1);
  const lat = o.latency ?? 5;
  let refusing = false;
  let half = false;
  let current: { kill: () => void } | null = null;

  const net: SimNet = {
    connects: 0,
    drops: 0,
    sent: 0,
    drop() {
      if (current) current.kill();
    },
    halfOpen(on) {
      half = on;
    },
    refuse(on) {
      refusing = on;
    },
    transport(h: LinkEvents): Link {
      net.connects++;
      let alive = true;
      let opened = false;
      // One direction of the stream: bytes queue up and leave in random-sized chunks after the latency.
      function pipe(deliver: (chunk: Uint8Array) => void, onEmpty?: () => void) {
        let q: number[] = [];
        let qi = 0; // head of q: slicing a long queue per chunk would be quadratic
        let busy = false;
        let then: (() => void) | null = null;
        function pump() {
          if (!alive) return;
          if (qi == q.length) {
            q = [];
            qi = 0;
            busy = false;
            if (onEmpty) onEmpty();
            if (then) then();
            return;
          }
          const left = q.length - qi;
          const n = o.maxChunk ? Math.min(left, 1 + Math.floor(r() * o.maxChunk)) : left;
          const chunk = Uint8Array.from(q.slice(qi, qi + n));
          qi += n;
          deliver(chunk);
          clock.set(pump, qi < q.length ? Math.floor(r() * 2) : 0);
        }
        const send = (bytes: ArrayLike<number>) => {
          if (!alive || half) return;
          for (let i = 0; i < bytes.length; i++) q.push(bytes[i]);
          if (!busy) {
            busy = true;
            clock.set(pump, lat);
          }
        };
        /** Like a TCP FIN: what was written arrives first, then `f` runs. */
        send.end = (f: () => void) => {
          then = f;
          if (!busy) {
            busy = true;
            clock.set(pump, lat);
          }
        };
        return send;
      }
      const toClient = pipe((c) => h.data(o.strings ? String.fromCharCode(...c) : c));
      const toBroker = pipe((c) => conn.data(c), () => h.drain());
      let conn: BrokerConn;
      function kill() {
        if (!alive) return;
        alive = false;
        net.drops++;
        if (current && current.kill == kill) current = null;
        if (conn) conn.closed();
        clock.set(() => h.close(new Error("link dropped")), 0);
      }
      if (refusing) {
        alive = false;
        clock.set(() => h.close(new Error("ECONNREFUSED")), lat);
        return { write() {}, close() {}, hw: o.hw };
      }
      current = { kill };
      clock.set(() => {
        if (!alive) return;
        opened = true;
        conn = broker.accept((b) => toClient(b), () => toClient.end(kill));
        h.open();
        if (o.dropEvery) {
          const [a, b] = o.dropEvery;
          clock.set(kill, a + Math.floor(r() * (b - a)));
        }
      }, lat);
      return {
        hw: o.hw,
        write(b, from, to) {
          if (!opened || !alive) return;
          net.sent += to - from;
          // The device build writes byte Strings, as an Espruino socket needs.
          toBroker(typeof b == "string" ? Buffer.from(b.slice(from, to), "latin1") : b.slice(from, to));
        },
        close() {
          if (!alive || !opened) {
            alive = false;
            return;
          }
          // Like socket.end(): what was written still reaches the broker, then the connection closes.
          opened = false;
          if (current && current.kill == kill) current = null;
          toBroker.end(() => {
            alive = false;
            conn.closed();
          });
          // A real socket reports its own close too; the client must ignore it for a link it dropped.
          clock.set(() => h.close(), 0);
        },
      };
    },
  };
  return net;
}
