// The client state machine. No I/O of its own: a transport opens links and a clock tells time.
// One numeric state; every transition goes through a handler below and is a test in test/client-*.
import { T, Err, PACKET } from "./codec/constants";
import { encodeConnect, encodePublish, encodeAck, encodeSubscribe, encodeEmpty } from "./codec/encode";
import type { Data, Will, ConnectOptions } from "./codec/encode";
import { createDecoder, resetDecoder, decode } from "./codec/decode";
import { strLen, strRead } from "./codec/strings";
import { storeCreate, storePut, storeAck, storeHas, storeCount, entryEnd } from "./store";
import { validTopic, validFilter, match } from "./topic";

/** What a transport hands back for one connection attempt. It must copy or send the bytes before write returns. */
export interface Link {
  write(b: Uint8Array, from: number, to: number): void;
  close(): void;
  /** Bytes the client may hand over before waiting for drain (bounds what the socket holds in RAM). */
  hw?: number;
}

/** Callbacks a transport calls, never synchronously from inside the open call itself. */
export interface LinkEvents {
  open(): void;
  data(chunk: Uint8Array | string): void;
  drain(): void;
  close(err?: unknown): void;
}

export type Transport = (h: LinkEvents) => Link;

export interface Clock {
  now(): number;
  set(f: () => void, ms: number): unknown;
  clear(t: unknown): void;
}

export interface ClientOptions {
  transport: Transport;
  clock?: Clock;
  clientId?: string;
  /** 4 = MQTT 3.1.1 (default), 3 = MQTT 3.1. */
  protocol?: number;
  clean?: boolean;
  /** Seconds; 0 turns keepalive off. Default 60. */
  keepalive?: number;
  username?: string;
  password?: Data;
  will?: Will;
  /** Receive buffer (largest inbound packet body), default 1024 bytes. */
  rxSize?: number;
  /** Scratch buffer for QoS 0 publishes and control packets, default 512 bytes. */
  txSize?: number;
  /** QoS 1 store, default 2048 bytes. */
  storeSize?: number;
  /** QoS 1 messages in flight at once, default 8. */
  window?: number;
  /** Reconnect backoff bounds in ms, default 1000 and 60000. */
  reconnectMin?: number;
  reconnectMax?: number;
  /** ms to wait for the link and CONNACK, default 10000. */
  connectTimeout?: number;
  /** ms to wait for any packet after a PINGREQ, default 10000 (and at most the keepalive). */
  pingTimeout?: number;
  /** ms to wait for a PUBACK before the link is taken as dead, default 30000. */
  ackTimeout?: number;
  /** Deliver payloads as a Uint8Array view of the receive buffer (valid during the callback) instead of a string. */
  binary?: boolean;
  /** Inbound QoS 2 packet ids remembered until PUBREL, default 8. */
  qos2?: number;
  random?: () => number;
}

export interface Client {
  publish(topic: string, payload?: Data, opts?: { qos?: number; retain?: boolean }): boolean;
  subscribe(filter: string, opts?: { qos?: number } | null, cb?: (topic: string, payload: any) => void): void;
  unsubscribe(filter: string): void;
  end(): void;
  on(event: string, f: (...a: any[]) => void): Client;
  /** 0 offline, 1 opening, 2 waiting for CONNACK, 3 connected, 4 ended. */
  state(): number;
  /** QoS 1 messages held (sent and unacknowledged, or not yet sent). */
  queued(): number;
  /** QoS 0 publishes dropped because the link was down or the socket was full. */
  dropped: number;
  /** Connect attempts made so far. */
  attempts: number;
}

const enum S {
  OFF = 0,
  OPEN = 1,
  CONNACK = 2,
  UP = 3,
  END = 4,
}

// Index = CONNACK return code [MQTT-3.2.2.3].
const REFUSED = ["", "unacceptable protocol version", "identifier rejected", "server unavailable", "bad user name or password", "not authorized"];

function fail(msg: string, code?: string | number): Error {
  const e = new Error(msg);
  (e as any).code = code;
  return e;
}

interface Sub {
  f: string;
  q: number;
  cb?: (topic: string, payload: any) => void;
  /** Packet id of the SUBSCRIBE awaiting SUBACK, 0 when acknowledged, -1 when not yet sent this session. */
  i: number;
}

export function createClient(o: ClientOptions): Client {
  const clock: Clock = o.clock || {
    now: function () {
      return Date.now();
    },
    set: function (f, ms) {
      return setTimeout(f, ms);
    },
    clear: function (t) {
      clearTimeout(t as any);
    },
  };
  const rnd = o.random || Math.random;
  const ka = (o.keepalive == null ? 60 : o.keepalive) * 1000;
  const pingMs = Math.min(o.pingTimeout || 10000, ka || 1e9);
  const ackMs = o.ackTimeout || 30000;
  const connMs = o.connectTimeout || 10000;
  const rMin = o.reconnectMin || 1000;
  const rMax = o.reconnectMax || 60000;
  const win = o.window || 8;
  // The options object doubles as CONNECT's fields (protocol, clientId, clean, keepalive, will, credentials).
  if (o.clientId == null) o.clientId = "mqttiny" + Math.floor(rnd() * 1e8);
  const idn = strLen(o.clientId);
  // 3.1 allows 1 to 23 characters; 3.1.1 allows an empty id only with a clean session [MQTT-3.1.3-7].
  if (o.protocol == 3 ? idn < 1 || idn > 23 : !idn && o.clean === false) throw fail("client id: 1-23 chars on MQTT 3.1, empty only with clean", "clientId");
  if (o.will && (!validTopic(o.will.topic) || (o.will.qos || 0) > 2)) throw fail("invalid will topic or QoS", "will");
  if (o.password != null && o.username == null) throw fail("password without username", "password");
  const dec = createDecoder(o.rxSize || 1024);
  const tx = new Uint8Array(o.txSize || 512);
  const st = storeCreate(o.storeSize || 2048);
  const q2 = new Uint16Array(o.qos2 || 8); // inbound QoS 2 ids awaiting PUBREL; 0 = free slot
  let q2n = 0;
  const subs: Sub[] = [];
  const unsubs: number[] = []; // ids of UNSUBSCRIBEs awaiting UNSUBACK
  const h: { [e: string]: ((...a: any[]) => void) | undefined } = {};

  let state: number = S.OFF;
  let link: Link | null = null;
  let out = 0; // bytes handed to the link since its last drain
  let hw = 0;
  let lastId = 0;
  let wrapped = false;
  let fails = 0; // consecutive failed attempts, for the backoff
  let timer: unknown = null;
  // The hot path never reads the clock (on Node, Date.now() allocates a number each call; on a board
  // each call costs interpreter time): packets only set these flags, and a tick every `iv` ms counts
  // the intervals that passed without them.
  let txSeen = false;
  let rxSeen = false;
  let ackSeen = false;
  let txQuiet = 0;
  let rxQuiet = 0;
  let ackQuiet = 0;
  let pinging = 0; // ticks since an unanswered PINGREQ went out; 0 = none
  // Tick interval while connected: a quarter of the shortest timeout, so a PINGREQ leaves after 3/4 to
  // 4/4 of the keepalive without traffic (inside the broker's 1.5 x keepalive), and each timeout fires
  // within a quarter of its value.
  const iv = Math.max(1, Math.min(ka ? Math.min(ka, pingMs) : ackMs, ackMs) / 4);
  const kaTicks = Math.ceil((ka * 3) / 4 / iv);
  const ackTicks = Math.ceil(ackMs / iv);
  const pingTicks = Math.ceil(pingMs / iv);

  const c: Client = {
    publish: publish,
    subscribe: subscribe,
    unsubscribe: unsubscribe,
    end: end,
    on: function (e, f) {
      h[e] = f;
      return c;
    },
    state: function () {
      return state;
    },
    queued: function () {
      return storeCount(st);
    },
    dropped: 0,
    attempts: 0,
  };

  function emit(e: string, a?: unknown, b?: unknown) {
    const f = h[e];
    if (f) f(a, b);
  }

  function write(b: Uint8Array, from: number, to: number) {
    if (!link) return; // a callback may have ended the client mid-packet
    out += to - from;
    txSeen = true;
    link.write(b, from, to);
  }

  /** Encode into the scratch buffer with `n` (its new end) and send; false if it did not fit. */
  function send(n: number): boolean {
    if (n < 0) return false;
    write(tx, 0, n);
    return true;
  }

  // ---- timers: one clock timer, set on state changes and by each tick, never per packet.
  function arm(ms: number) {
    if (timer != null) clock.clear(timer);
    timer = clock.set(tick, ms);
  }

  function tick() {
    timer = null;
    if (state == S.OFF) return start();
    if (state != S.UP) return drop(fail("no CONNACK within " + connMs + " ms", "timeout"));
    if (pinging && !rxSeen && ++pinging > pingTicks) return drop(fail("no PINGRESP within " + pingMs + " ms", "timeout"));
    if (rxSeen) pinging = 0;
    txQuiet = txSeen ? 0 : txQuiet + 1;
    rxQuiet = rxSeen ? 0 : rxQuiet + 1;
    ackQuiet = st._n && !ackSeen ? ackQuiet + 1 : 0;
    txSeen = rxSeen = ackSeen = false;
    if (ackQuiet >= ackTicks) return drop(fail("no PUBACK within " + ackMs + " ms", "timeout"));
    // Pings when nothing went out, and also when nothing came in: a QoS 0 publisher must still find a dead link.
    if (ka && (txQuiet >= kaTicks || rxQuiet >= kaTicks)) {
      txQuiet = rxQuiet = 0;
      pinging = 1;
      send(encodeEmpty(tx, 0, T.PINGREQ));
    }
    arm(iv);
  }

  // ---- connection lifecycle
  function start() {
    state = S.OPEN;
    c.attempts++;
    out = 0;
    resetDecoder(dec);
    let l: Link;
    const ev: LinkEvents = {
      open: function () {
        if (l == link) opened();
      },
      data: function (d) {
        if (l == link) onData(d);
      },
      drain: function () {
        if (l == link) {
          out = 0;
          pump();
          emit("drain");
        }
      },
      close: function (e) {
        if (l == link) drop(e ? fail("connection lost: " + ((e as any).message || e), "closed") : null);
      },
    };
    try {
      l = link = o.transport(ev);
      hw = l.hw || 1024;
    } catch (e) {
      link = null;
      drop(fail("connect failed: " + ((e as any).message || e), "closed"));
      return;
    }
    arm(connMs);
  }

  function opened() {
    state = S.CONNACK;
    if (!send(encodeConnect(tx, 0, o as ConnectOptions))) drop(fail("CONNECT does not fit in txSize, or a field is invalid", "size"));
  }

  /** The link is gone (or must go): close it, tell the user, and plan the next attempt. */
  function drop(err: Error | null, wait?: number) {
    const was = state;
    const l = link;
    link = null;
    pinging = 0;
    if (l) l.close();
    if (err) emit("error", err);
    if (was == S.UP) emit("offline");
    if (state == S.END) return emit("close");
    fails++;
    state = S.OFF;
    // Capped exponential backoff with jitter (50-100% of the step), so a fleet does not reconnect in step.
    const step = wait || Math.min(rMax, rMin * Math.pow(2, Math.min(fails - 1, 20)));
    arm(step * (0.5 + rnd() / 2));
  }

  function end() {
    if (state == S.END) return;
    if (state == S.UP) send(encodeEmpty(tx, 0, T.DISCONNECT)); // after a clean DISCONNECT the will is not sent
    if (timer != null) clock.clear(timer);
    timer = null;
    const l = link;
    const was = state;
    state = S.END;
    link = null;
    if (l) l.close();
    if (was == S.UP) emit("offline");
    emit("close");
  }

  // ---- inbound
  function onData(chunk: Uint8Array | string) {
    let i = 0;
    while (i < chunk.length && link) {
      i = decode(dec, chunk, i);
      if (dec.st == PACKET) handle();
      else if (dec.st == Err.BIG) {
        emit("error", fail("packet of " + dec.size + " bytes exceeds rxSize", Err.BIG));
        // A QoS 1/2 PUBLISH whose id fitted is acknowledged, or the broker would resend it forever.
        if (dec.type == T.PUBLISH && dec.id) send(encodeAck(tx, 0, dec.qos == 1 ? T.PUBACK : T.PUBREC, dec.id));
      } else if (dec.st < 0) return drop(fail("malformed packet from server (" + dec.st + ")", dec.st));
    }
  }

  function handle() {
    const t = dec.type;
    const id = dec.id;
    rxSeen = true;
    if (state == S.CONNACK) {
      if (t != T.CONNACK) return drop(fail("expected CONNACK, got type " + t, "protocol"));
      const rc = dec.rc;
      // Codes 1, 2, 4 and 5 will not fix themselves: wait the longest backoff before trying again.
      if (rc) return drop(fail("connection refused: " + (REFUSED[rc] || "code " + rc), rc), rc == 3 ? 0 : rMax);
      state = S.UP;
      fails = 0;
      txQuiet = rxQuiet = ackQuiet = 0;
      arm(iv);
      // Resend from the oldest unacknowledged message; those sent before now carry DUP=1.
      st._c = st._h;
      st._n = 0;
      unsubs.splice(0, unsubs.length); // an array's length cannot be assigned on Espruino 2v19+
      for (let k = 0; k < subs.length; k++) if (!dec.sp || subs[k].i) subs[k].i = -1;
      emit("connected", { sessionPresent: !!dec.sp });
      return pump();
    }
    if (t == T.PUBLISH) return inbound(id);
    if (t == T.PUBACK) {
      if (storeAck(st, id)) {
        ackSeen = true;
        pump();
      }
    } else if (t == T.PUBREL) {
      for (let k = 0; k < q2.length; k++) if (q2[k] == id) q2[k] = 0;
      send(encodeAck(tx, 0, T.PUBCOMP, id));
    } else if (t == T.SUBACK) {
      for (let k = 0; k < subs.length; k++) {
        const s = subs[k];
        if (s.i != id) continue;
        // One filter per SUBSCRIBE, so exactly one return code is due [MQTT-3.9.3-1].
        if (dec.plen != 1) return drop(fail("SUBACK with " + dec.plen + " return codes for 1 filter", "protocol"));
        const g = dec.buf[dec.pay];
        s.i = 0;
        if (g & 0x80) {
          subs.splice(k, 1);
          emit("error", fail("subscription refused: " + s.f, "suback"));
        }
        return;
      }
    } else if (t == T.UNSUBACK) {
      const k = unsubs.indexOf(id);
      if (k >= 0) unsubs.splice(k, 1);
    } else if (t == T.CONNACK) return drop(fail("second CONNACK", "protocol"));
    // PINGRESP needs nothing more; PUBREC/PUBCOMP cannot be due: this client never publishes at QoS 2.
  }

  function inbound(id: number) {
    const q = dec.qos;
    if (q == 2) {
      // Exactly once: a PUBLISH whose id is still remembered is a resend; acknowledge, do not deliver.
      let k = 0;
      while (k < q2.length && q2[k] != id) k++;
      if (k == q2.length) {
        deliver();
        q2[q2n] = id; // the oldest remembered id makes room when all slots are taken
        q2n = (q2n + 1) % q2.length;
      }
      send(encodeAck(tx, 0, T.PUBREC, id));
    } else {
      deliver();
      if (q == 1) send(encodeAck(tx, 0, T.PUBACK, id));
    }
  }

  function deliver() {
    const b = dec.buf;
    const topic = strRead(b, dec.topic, dec.tlen);
    const p = o.binary ? b.subarray(dec.pay, dec.pay + dec.plen) : strRead(b, dec.pay, dec.plen);
    for (let k = 0; k < subs.length; k++) {
      const f = subs[k].cb;
      if (f && match(subs[k].f, topic)) f(topic, p);
    }
    emit("message", topic, p);
  }

  // ---- outbound
  /** Send what may be sent now: subscriptions not yet sent, then stored QoS 1 messages within the window. */
  function pump() {
    if (state != S.UP) return;
    for (let k = 0; k < subs.length; k++) {
      const s = subs[k];
      if (s.i < 0) {
        s.i = nextId();
        send(encodeSubscribe(tx, 0, s.i, [s.f], [s.q]));
      }
    }
    const b = st._b;
    while (st._c < st._t && st._n < win && out < hw && link) {
      const from = st._c;
      const to = entryEnd(b, from);
      st._c = to;
      st._n++;
      write(b, from, to);
      b[from] |= 8; // DUP from now on
    }
  }

  function nextId(): number {
    // Ids are handed out in turn; only after wrapping past 65535 can one still be in use.
    for (;;) {
      lastId = (lastId % 65535) + 1;
      if (lastId == 65535) wrapped = true;
      if (!wrapped || !inUse(lastId)) return lastId;
    }
  }

  function inUse(id: number): boolean {
    if (storeHas(st, id) || unsubs.indexOf(id) >= 0) return true;
    for (let k = 0; k < subs.length; k++) if (subs[k].i == id) return true;
    return false;
  }

  function publish(topic: string, payload?: Data, opt?: { qos?: number; retain?: boolean }): boolean {
    const q = (opt && opt.qos) || 0;
    const r = !!(opt && opt.retain);
    if (!validTopic(topic) || strLen(topic) > 65535) throw fail("invalid topic: " + topic, "topic");
    if (q !== 0 && q !== 1) throw fail("qos must be 0 or 1", "qos");
    if (payload != null && typeof payload != "string" && !(payload instanceof Uint8Array)) throw fail("payload must be a string or Uint8Array", "payload");
    if (q == 0) {
      if (state != S.UP || out >= hw) {
        c.dropped++;
        return false;
      }
      const n = encodePublish(tx, 0, topic, payload, 0, r, false, 0);
      if (n < 0) throw fail("message larger than txSize", "size");
      return send(n);
    }
    const e = storePut(st, topic, payload, r, nextId());
    if (e < 0) lastId = (lastId + 65533) % 65535 + 1; // a refused message gives its id back
    if (e == Err.SPACE) {
      if (!st._t) throw fail("message larger than storeSize", "size");
      emit("error", fail("QoS 1 store full: message refused", "full"));
      return false;
    }
    pump();
    return true;
  }

  function subscribe(filter: string, opt?: { qos?: number } | null, cb?: (topic: string, payload: any) => void) {
    const q = (opt && opt.qos) || 0;
    if (!validFilter(filter) || strLen(filter) > 65535) throw fail("invalid topic filter: " + filter, "topic");
    if (!(q >= 0 && q <= 2)) throw fail("qos must be 0, 1 or 2", "qos");
    forget(filter);
    subs.push({ f: filter, q: q, cb: cb, i: -1 });
    pump();
  }

  function forget(filter: string) {
    for (let k = 0; k < subs.length; k++) if (subs[k].f == filter) subs.splice(k, 1);
  }

  function unsubscribe(filter: string) {
    forget(filter);
    if (state == S.UP) {
      const id = nextId();
      unsubs.push(id);
      send(encodeSubscribe(tx, 0, id, [filter]));
    }
  }

  clock.set(start, 0);
  return c;
}
