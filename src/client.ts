// The client: one record per client and module-level functions over it (on Espruino a function defined
// inside a factory copies its text per client; here each function exists once). No I/O of its own: a
// transport opens links and a clock tells time. One numeric state; each transition is made in one
// function, which changes the state before any event is emitted.
import { T, Err, PACKET } from "./codec/constants";
import type { Data, Will } from "./codec/encode";
import { strLen } from "./codec/strings";
import { RAW, chr } from "./codec/native";
import { storeCreate, storePut, storeSend, storeRewind, storeAck, storeHas, storeCount } from "./store";
import { storeAcks } from "./store-text";
import type { Store } from "./store";
import { PERSIST, persistOpen, persistPut, persistAck, persistAcks, persistCount, persistUp } from "./persist";
import { txBuf, connectPacket, txPublish, txAck, txSub, rxCreate, rxReset, rxNext, rxTopic, rxPayload, rxByte } from "./wire";
import type { Rx } from "./wire";
import { validTopic, validFilter, match } from "./topic";
import { put } from "./link";
import { fail, ev, numbers, listen, emit, on, once, off, settle } from "./events";
import { V31, QOS2, BIN, CHECK, CB, PUB, ACKS, SRV, lacks } from "./features";
import type { Emitter, CodedError } from "./events";
import type { Link, LinkEvents, Transport, Out } from "./link";

export type { Link, LinkEvents, Transport };

export interface Clock {
  now(): number;
  /** Call f(a) after ms; returns a handle for clear. */
  set(f: (a: any) => void, ms: number, a?: any): unknown;
  clear(t: unknown): void;
}

export interface ClientOptions {
  transport?: Transport;
  /**
   * Brokers to try in turn, as MQTT.js names it: a failed connect or a lost link moves to the next one,
   * the backoff grows once per pass over the list, and a refusal that cannot fix itself (CONNACK 1, 2, 4,
   * 5, an unknown host name) moves on at once instead of waiting reconnectMax there. Each entry's fields
   * override the options' host, port (and tls) for that broker.
   */
  servers?: { host?: string; port?: number; tls?: boolean }[];
  clock?: Clock;
  clientId?: string;
  /** 4 = MQTT 3.1.1 (default), 3 = MQTT 3.1. */
  protocol?: 3 | 4;
  clean?: boolean;
  /** Seconds; 0 turns keepalive off. Default 60. */
  keepalive?: number;
  username?: string;
  password?: Data;
  will?: Will;
  /** Largest inbound packet body, default 1024 bytes. */
  rxSize?: number;
  /** Largest packet sent outside the QoS 1 store, default 512 bytes. */
  txSize?: number;
  /** Bytes of QoS 1 messages held, default 2048. */
  storeSize?: number;
  /** QoS 1 messages in flight at once, default 8. */
  window?: number;
  /** Keep held QoS 1 messages in Storage (a Storage file name on a board, a file path on Node): they
   * survive a restart, and connect() with the same name sends them first. Builds with persist only. */
  persist?: string;
  /** Bytes of Storage for them, default 2048 (up to 65000). */
  persistSize?: number;
  /** Reconnect backoff bounds in ms, default 1000 and 60000. */
  reconnectMin?: number;
  reconnectMax?: number;
  /** ms to wait for the link and CONNACK, default 10000. */
  connectTimeout?: number;
  /** ms to wait for any packet after a PINGREQ, default 10000 (and at most the keepalive). */
  pingTimeout?: number;
  /** ms to wait for a PUBACK before the link is taken as dead, default 30000. */
  ackTimeout?: number;
  /** ms end() waits for held QoS 1 messages to be acknowledged, default 10000. */
  endTimeout?: number;
  /** Deliver payloads as bytes (a Buffer on Node, a Uint8Array on Espruino) instead of a string. */
  binary?: boolean;
  /** Inbound QoS 2 packet ids remembered until PUBREL, default 16. */
  qos2?: number;
  random?: () => number;
}

export type Payload = string | Uint8Array;
export type MessageCallback = (topic: string, payload: Payload) => void;
export interface MqttError extends CodedError {
  /** A CONNACK return code (1-5), "connect", "closed", "timeout", "protocol", "suback", "superseded", "ended", "callback", "qos2", or a decoder code (-2..-8). */
  code: string | number;
}

export interface PublishOptions {
  qos?: 0 | 1;
  retain?: boolean;
}
export interface SubscribeOptions {
  qos?: 0 | 1 | 2;
  /** Called for each message that matches this filter, before the `message` listeners. Full builds only. */
  onMessage?: MessageCallback;
}
/** What a SUBACK granted, as MQTT.js gives it: the filter and the QoS (128 when refused). */
export interface Granted {
  topic: string;
  qos: number;
}
/**
 * subscribe()'s callback, as MQTT.js calls it: once, at the SUBACK (err null, or code "suback" when
 * refused), or with code "superseded" (a later subscribe/unsubscribe of the filter came first) or "ended".
 */
export type SubscribeCallback = (err: MqttError | null, granted?: Granted[]) => void;
export interface ClientEvents {
  /** sessionPresent: the broker kept the session; always true for MQTT 3.1 with clean false (3.1 has no flag). */
  connected: (info: { sessionPresent: boolean }) => void;
  message: MessageCallback;
  error: (err: MqttError) => void;
  offline: () => void;
  close: () => void;
  /** The socket took everything: room for more QoS 0. */
  drain: () => void;
}
export type ClientEvent = keyof ClientEvents;

export interface Client {
  /** true when sent (QoS 0) or held for sending (QoS 1); false when dropped or refused. No payload (or null) is an empty message. */
  publish(topic: string, payload?: Data | null, opts?: PublishOptions): boolean;
  subscribe(filter: string, cb?: SubscribeCallback): Client;
  subscribe(filter: string, opts?: SubscribeOptions | null, cb?: SubscribeCallback): Client;
  /** `cb` runs once: at the UNSUBACK (err null), or with code "superseded" or "ended". */
  unsubscribe(filter: string, cb?: (err: MqttError | null) => void): Client;
  /** DISCONNECT once held QoS 1 messages are acknowledged (at most endTimeout), or at once with end(true); `cb` runs once, then. */
  end(force?: boolean, cb?: () => void): void;
  end(cb: () => void): void;
  /** Adds a listener; several per event. A `connected` listener added while connected runs on the next tick. */
  on<K extends ClientEvent>(event: K, f: ClientEvents[K]): Client;
  once<K extends ClientEvent>(event: K, f: ClientEvents[K]): Client;
  off<K extends ClientEvent>(event: K, f: ClientEvents[K]): Client;
  removeListener<K extends ClientEvent>(event: K, f: ClientEvents[K]): Client;
  /** 0 offline, 1 opening, 2 waiting for CONNACK, 3 connected, 4 ended. */
  state(): 0 | 1 | 2 | 3 | 4;
  /** QoS 1 messages held (sent and unacknowledged, or not yet sent). */
  queued(): number;
  /** Publishes that returned false: QoS 0 with the link down or the socket full, QoS 1 with the store full. */
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

interface Sub {
  f: string;
  q: number;
  cb?: MessageCallback;
  /** subscribe()'s or unsubscribe()'s callback, until it has run. */
  d?: (err: MqttError | null, granted?: Granted[]) => void;
  /** Packet id of the (UN)SUBSCRIBE awaiting its ack, 0 when acknowledged, -1 when not yet sent this session. */
  i: number;
  /** Made by the n-th subscribe() call: a message goes only to subscriptions older than itself. */
  n?: number;
}

/** The client record. Short names: on Espruino a property name over 4 characters costs a block. */
interface R extends Out, Emitter {
  tr: Transport;
  /** With `servers`: a transport per broker, and the index of the one in use. */
  tl?: Transport[];
  si: number;
  /** The CONNECT packet, made once. */
  cn: Uint8Array | string;
  // Resolved options: connect, ping, ack and end timeouts; backoff bounds; random; binary; window; QoS 2 slots.
  ct: number;
  pm: number;
  am: number;
  ed: number;
  r0: number;
  r1: number;
  rn: () => number;
  bi: number;
  wn: number;
  qn: number;
  k: Clock;
  h: { [e: string]: any };
  s: number;
  /** The events object of the current attempt; events from an older one are ignored. */
  e: Ev | null;
  hw: number;
  /** The longest QoS 0 body publish() writes itself: min(127, txSize - 2) while connected, else 0 (one
   * compare in publish() then also says it may write). */
  sh: number;
  /** Last packet id handed out, and whether ids have wrapped past 65535. */
  id: number;
  wr: number;
  /** Consecutive failed attempts, for the backoff. */
  f: number;
  t: unknown;
  et: unknown;
  // The hot path never reads the clock: packets set these flags, a tick counts quiet intervals.
  rx: number;
  ak: number;
  tq: number;
  rq: number;
  aq: number;
  /** MQTT 3.1 with clean false: every CONNACK continues the session (3.1 has no session-present flag). */
  ks: number;
  /** The current session was kept (sessionPresent of the last CONNACK). */
  kp: number;
  /** Inbound QoS 2 messages not taken on this link because every qos2 slot awaited a PUBREL. */
  rf: number;
  /** Ticks since an unanswered PINGREQ; 0 = none. */
  pg: number;
  /** Ticks connected. */
  ut: number;
  // Tick interval and the tick counts of keepalive, PUBACK, PINGRESP and a stable connection.
  iv: number;
  kt: number;
  at: number;
  pt: number;
  sk: number;
  st: Store;
  d: Rx;
  /** The session: inbound QoS 2 ids awaiting PUBREL, subscriptions, unsubscribes not yet acknowledged. */
  q2: number[];
  sb: Sub[];
  /** subscribe() calls so far. */
  sq: number;
  /** The `connected` handler is running: subscriptions restored for the session have not gone out yet. */
  pp: number;
  /** The last topic publish() found valid; NaN (equal to nothing) until then, and from end() on. */
  vt: string | number;
  us: Sub[];
  /** end() was called: publishes are refused while held messages drain. */
  en: number;
  /** Lifecycle events waiting to be emitted, and whether they are being emitted now. */
  eq: any[];
  ef: number;
  dropped: number;
  attempts: number;
}

interface Ev extends LinkEvents {
  c: R;
}

// ---- timers: one clock timer, set on state changes and by each tick, never per packet.
function arm(c: R, ms: number) {
  if (c.t != null) c.k.clear(c.t);
  c.t = c.k.set(tick, ms, c);
}

/** The one timer callback: the next connect attempt when offline, the timeouts and keepalive otherwise. */
function tick(c: R) {
  c.t = null;
  if (c.s == S.OFF) {
    // The next attempt: a new events object, so events from an older link are ignored.
    c.s = S.OPEN;
    c.attempts++;
    c.w = 0;
    rxReset(c.d);
    const e: Ev = { c: c, open: onOpen, data: onData, drain: onDrain, close: onClose };
    c.e = e;
    try {
      const l = c.tr(e);
      if (c.e != e) return; // closed synchronously
      c.l = l;
      c.hw = l.hw || 1024;
    } catch (x) {
      return drop(c, fail("connect failed", "connect", x));
    }
    return arm(c, c.ct);
  }
  if (c.s != S.UP) return drop(c, fail("no CONNACK within " + c.ct + " ms", "timeout"));
  if (c.pg && !c.rx && ++c.pg > c.pt) return drop(c, fail("no PINGRESP within " + c.pm + " ms", "timeout"));
  if (c.rx) c.pg = 0;
  c.tq = c.tx ? 0 : c.tq + 1;
  c.rq = c.rx ? 0 : c.rq + 1;
  c.aq = storeCount(c.st, true) && !c.ak ? c.aq + 1 : 0;
  c.tx = c.rx = c.ak = 0;
  if (c.aq >= c.at) return drop(c, fail("no PUBACK within " + c.am + " ms", "timeout"));
  // A connection that stayed up this long ends the run of failures: the backoff starts short again.
  // Not at CONNACK: a broker that accepts and then drops at once would make a reconnect storm.
  if (++c.ut == c.sk) c.f = 0;
  // Pings when nothing went out, and also when nothing came in: a QoS 0 publisher must still find a dead link.
  // Never while a PINGREQ waits: a second one would restart the wait, and a link that swallows
  // everything would never be found.
  if (c.kt && !c.pg && (c.tq >= c.kt || c.rq >= c.kt)) {
    c.tq = c.rq = 0;
    c.pg = 1;
    txAck(c, 0xc0, -1); // PINGREQ
  }
  arm(c, c.iv);
}

// ---- connection lifecycle
function onOpen(this: Ev) {
  const c = this.c;
  if (c.e != this) return;
  c.s = S.CONNACK;
  put(c, c.cn, 0, c.cn.length); // made once, when the client was
}

function onClose(this: Ev, x?: any) {
  const c = this.c;
  if (c.e != this) return;
  const s = c.s;
  // A name that does not resolve will not resolve on the next try either: wait the longest step.
  if (s == S.OPEN) drop(c, fail("connect failed", "connect", x), x && x.code == "ENOTFOUND" ? c.r1 : 0);
  else drop(c, fail(s == S.UP ? "connection lost" : "closed before CONNACK", "closed", x));
}

function onDrain(this: Ev) {
  const c = this.c;
  if (c.e != this) return;
  c.w = 0;
  pump(c);
  emit(c, "drain");
}

/** The link is gone (or must go): close it, plan the next attempt, then tell the user. */
function drop(c: R, err: MqttError, wait?: number) {
  const was = c.s;
  const l = c.l;
  c.l = null;
  c.e = null;
  c.pg = c.rf = 0;
  c.s = S.OFF;
  c.sh = 0;
  c.f++;
  // With several brokers the next attempt goes to the next one, and the step grows once per pass over
  // the list, so that a broker that died is left at once and the survivors are not stormed.
  const n = SRV && c.tl ? c.tl.length : 1;
  if (n > 1) c.tr = c.tl![(c.si = (c.si + 1) % n)];
  // Capped exponential backoff with jitter (50-100% of the step), so a fleet does not reconnect in step.
  const step = (n < 2 && wait) || Math.min(c.r1, c.r0 * Math.pow(2, Math.min(Math.floor((c.f - 1) / n), 20)));
  arm(c, step * (0.5 + c.rn() / 2));
  if (l) l.close();
  // Both queued before either is emitted, so an end() in the error handler closes after `offline`.
  c.eq.push("error", err);
  if (was == S.UP) c.eq.push("offline", undefined);
  ev(c);
}


function finish(c: R) {
  const was = c.s;
  const l = c.l;
  const n = (PERSIST ? persistCount : storeCount)(c.st);
  if (was == S.UP) txAck(c, 0xe0, -1); // DISCONNECT: after a clean one the will is not sent
  if (c.t != null) c.k.clear(c.t);
  if (c.et != null) c.k.clear(c.et);
  c.t = c.et = null;
  c.s = S.END;
  c.sh = 0;
  c.l = null;
  c.e = null;
  if (l) l.close();
  // Callbacks of (un)subscribes still waiting for their acks run once, now: no ack can come.
  if (CB) for (let k = 0, a = c.sb.concat(c.us); k < a.length; k++) settle(c, a[k], fail("ended before its ack: " + a[k].f, "ended"));
  // With persist they stay in Storage, and go out at the next connect with the same persist.
  if (n) c.eq.push("error", fail(n + " held QoS 1 message(s) not sent before end()" + (PERSIST && c.st.p ? ", kept in Storage" : ""), "ended"));
  if (was == S.UP) c.eq.push("offline", undefined);
  ev(c, "close");
}

// ---- inbound
function onData(this: Ev, chunk: Uint8Array | string) {
  const c = this.c;
  if (c.e != this) return;
  const d = c.d;
  let st: number;
  let ch: typeof chunk | null = chunk;
  // On a board, the PUBACKs of the oldest messages sent, in order, at the start of a chunk with nothing
  // left over before it (what a QoS 1 publisher receives) are taken by the store in one call, not one
  // pass through the decoder each.
  if (ACKS && RAW && c.s == S.UP && typeof chunk == "string" && !(d as any).b && !(d as any).k && (d as any).g < 0 && (st = (PERSIST && c.st.p ? persistAcks : storeAcks)(c.st as any, chunk))) {
    c.rx = c.ak = 1;
    if (c.en && !storeCount(c.st)) return finish(c);
    storeSend(c.st, c);
    if (!(ch = chunk.substr(st))) return;
  }
  // On a board, rxNext is not called again for a chunk that held whole packets only (most do): with no
  // new bytes and fewer than 2 left it has nothing to find, and a call there costs more than this test.
  while (c.e == this && (ch || !RAW || (d as any).b.length > 1) && (st = rxNext(d, ch))) {
    ch = null;
    if (st == PACKET) {
      // A PUBACK, what a QoS 1 publisher receives most, is taken here: one call fewer per message on a board.
      if (d.type == T.PUBACK && c.s == S.UP) {
        c.rx = 1;
        if ((PERSIST && c.st.p ? persistAck : storeAck)(c.st, d.id)) {
          c.ak = 1;
          if (c.en && !storeCount(c.st)) return finish(c);
          // The store only, not pump(): no (un)subscribe can be waiting here; each goes out when made, and
          // those made before the connection went out right after its CONNACK.
          storeSend(c.st, c);
        }
      } else handle(c, d);
    } else if (st == Err.BIG) {
      // A QoS 1/2 PUBLISH whose id fitted is acknowledged, or the broker would resend it forever.
      if (d.type == T.PUBLISH && d.id) txAck(c, d.qos == 1 ? 0x40 : 0x50, d.id); // PUBACK or PUBREC
      ev(c, "error", fail("packet of " + d.size + " bytes exceeds rxSize", Err.BIG));
    } else return drop(c, fail("malformed packet from server (" + st + ")", st));
  }
}

/**
 * One packet from the server, but a PUBACK while connected (onData takes those). The rest are ctl()'s:
 * Espruino tokenizes the whole text of a function at every call, what follows a return included (it
 * skips that token by token), so a PUBLISH does not pay for the CONNACK handling's text.
 */
function handle(c: R, d: Rx) {
  const t = d.type;
  const id = d.id;
  c.rx = 1;
  if (t == T.PUBLISH && c.s == S.UP) {
    if (QOS2 && d.qos == 2) {
      // Exactly once: a PUBLISH whose id is still remembered is a resend; acknowledge, do not deliver.
      // An id is remembered until its PUBREL, never forgotten while its exchange is open [MQTT-4.3.3]:
      // with every slot awaiting a PUBREL the message is not taken (no PUBREC, no delivery), and once
      // the PUBRELs have freed the slots the link is dropped, so that the broker sends it again.
      const fresh = c.q2.indexOf(id) < 0;
      if (fresh) {
        if (c.q2.length >= c.qn) {
          c.rf++;
          return ev(c, "error", fail("qos2 slots full: QoS 2 message not taken", "qos2"));
        }
        c.q2.push(id);
      }
      txAck(c, 0x50, id); // PUBREC
      if (!fresh) return;
    } else if (d.qos) txAck(c, 0x40, id); // PUBACK, before delivery: a callback that throws or ends the client cannot lose it
    // On the board the record holds the topic and payload Strings (wire-text.ts).
    const topic = RAW ? (d as any).tp : rxTopic(d);
    const p = RAW ? (BIN && c.bi ? E.toUint8Array((d as any).p) : (d as any).p) : rxPayload(d, !!c.bi);
    const sb = c.sb;
    // Each matching subscription's callback, then the message handler. A callback that throws becomes
    // an `error` event and the rest still run; one that unsubscribes (itself or another) is followed by
    // the subscription after it, wherever that is now; a subscription made by a callback (one that
    // subscribes to its own filter again, say with another QoS) gets the next message, not this one.
    const top = c.sq;
    for (let k = 0; k <= sb.length; k++) {
      const s = sb[k];
      try {
        if (!s) emit(c, "message", topic, p);
        else if (CB && s.n! < top && s.cb && match(s.f, topic)) s.cb(topic, p);
      } catch (x) {
        ev(c, "error", fail("callback threw", "callback", x));
      }
      if (!s) break;
      const j = sb.indexOf(s);
      k = j < 0 ? k - 1 : j;
    }
    return;
  }
  ctl(c, d, t, id);

}

/** The rest of the packets a server sends: CONNACK, PUBREL, SUBACK, UNSUBACK, PINGRESP. */
function ctl(c: R, d: Rx, t: number, id: number) {
  if (c.s == S.CONNACK) {
    if (t != T.CONNACK) return drop(c, fail("expected CONNACK, got type " + t, "protocol"));
    const rc = d.rc;
    // Codes 1, 2, 4 and 5 will not fix themselves: wait the longest backoff before trying again.
    // The reasons for codes 1..5 [MQTT-3.2.2.3] are a literal here, not a module constant: on a board a
    // String held by the module costs 14 blocks for as long as it is loaded, this one only while refused.
    if (rc) return drop(c, fail("connection refused: " + ("unacceptable protocol version|identifier rejected|server unavailable|bad user name or password|not authorized".split("|")[rc - 1] || "code " + rc), rc), rc == 3 ? 0 : c.r1);
    // CONNACK 0: the session is kept or starts afresh, all of it together [MQTT-3.1.2-4, 3.1.2-6].
    // A 3.1 CONNACK has no session-present flag: with clean false the session is kept (ks).
    const kept = !!(d.sp || c.ks);
    c.kp = kept ? 1 : 0;
    c.s = S.UP;
    // A PUBLISH with one length byte, as long as txSize allows.
    c.sh = Math.min(127, c.z - 2);
    c.tq = c.rq = c.aq = c.ut = 0;
    arm(c, c.iv);
    // Held QoS 1 messages go out again from the oldest; in a new session as new messages (DUP=0).
    storeRewind(c.st, !kept);
    if (PERSIST && c.st.p) persistUp(c.st);
    if (QOS2 && !kept) c.q2.splice(0, c.q2.length);
    const sb = c.sb;
    // Subscriptions go out again in a new session, and to a 3.1 broker, which may have lost the session
    // without a way to say so (a SUBSCRIBE to a filter held already replaces it).
    for (let k = 0; k < sb.length; k++) if (!kept || c.ks || sb[k].i) sb[k].i = -1;
    // Unsubscribes still due are resent to a kept session; a new session has nothing to unsubscribe.
    if (kept) for (let k = 0; k < c.us.length; k++) c.us[k].i = -1;
    const gone = kept ? [] : c.us.splice(0, c.us.length);
    // The handler runs before the session goes out again: a subscribe() there replaces the restored
    // subscription instead of sending a second SUBSCRIBE, and its QoS 0 publishes go ahead of the held
    // messages. Until pump() below, publish() pumps too, so the restored subscriptions go out first.
    c.pp = 1;
    try {
      ev(c, "connected", { sessionPresent: kept });
    } finally {
      c.pp = 0;
    }
    pump(c);
    // Their callbacks: done, as the new session holds no subscription (after `connected`, with the rest
    // of the session under way).
    if (CB) for (let k = 0; k < gone.length; k++) settle(c, gone[k], null);
    return;
  }
  if (QOS2 && t == T.PUBREL) {
    const k = c.q2.indexOf(id);
    if (k >= 0) c.q2.splice(k, 1);
    txAck(c, 0x70, id); // PUBCOMP
    if (c.rf && !c.q2.length) drop(c, fail("reconnect for the QoS 2 messages not taken", "qos2"));
  } else if (t == T.SUBACK) {
    const sb = c.sb;
    for (let k = 0; k < sb.length; k++) {
      const s = sb[k];
      if (s.i != id) continue;
      // One filter per SUBSCRIBE, so exactly one return code is due [MQTT-3.9.3-1].
      if (d.plen != 1) return drop(c, fail("SUBACK with " + d.plen + " return codes for 1 filter", "protocol"));
      s.i = 0;
      const q = RAW ? (d as any).p.charCodeAt(0) : rxByte(d, 0);
      if (q & 0x80) {
        sb.splice(k, 1);
        const e = fail("subscription refused: " + s.f, "suback");
        // Told once: to subscribe()'s callback when there is one (as MQTT.js), else as an `error`.
        if (CB && s.d) settle(c, s, e, 128);
        else ev(c, "error", e);
      } else if (CB) settle(c, s, null, q);
      return;
    }
  } else if (t == T.UNSUBACK) {
    for (let k = 0; k < c.us.length; k++)
      if (c.us[k].i == id) {
        const s = c.us.splice(k--, 1)[0];
        if (CB) settle(c, s, null);
      }
  } else if (t == T.CONNACK) drop(c, fail("second CONNACK", "protocol"));
  // PINGRESP needs nothing more; PUBREC/PUBCOMP cannot be due: this client never publishes at QoS 2.
}

// ---- outbound
/** Send what may be sent now: (un)subscriptions not yet sent, then held QoS 1 messages within the window. */
function pump(c: R) {
  if (c.s != S.UP) return;
  const sb = c.sb;
  for (let k = 0; k < sb.length; k++) if (sb[k].i < 0) txSub(c, (sb[k].i = nextId(c)), sb[k].f, sb[k].q);
  const us = c.us;
  for (let k = 0; k < us.length; k++) if (us[k].i < 0) txSub(c, (us[k].i = nextId(c)), us[k].f, -1);
  storeSend(c.st, c);
}

function nextId(c: R): number {
  // Ids are handed out in turn; only after wrapping past 65535 can one still be in use.
  for (;;) {
    const id = (c.id = (c.id % 65535) + 1);
    if (id == 65535) c.wr = 1;
    if (!c.wr) return id;
    let k = storeHas(c.st, id) ? -1 : 0;
    for (; k >= 0 && k < c.sb.length; k++) if (c.sb[k].i == id) k = -2;
    for (let j = 0; k >= 0 && j < c.us.length; j++) if (c.us[j].i == id) k = -2;
    if (k >= 0) return id;
  }
}


/** Remove `f` from a subscription list; `sent` also removes entries already on the wire. */
function forget(c: R, list: Sub[], f: string, sent: boolean) {
  for (let k = 0; k < list.length; k++)
    if (list[k].f == f && (sent || list[k].i < 0)) {
      const s = list.splice(k--, 1)[0];
      if (CB) settle(c, s, fail("superseded before its ack: " + f, "superseded"));
    }
}

function checkFilter(c: R, filter: string) {
  if (!validFilter(filter)) throw fail("invalid topic filter: " + filter, "topic");
  // Fixed header + id + length-prefixed filter + QoS byte: refused here, or it would never be sent.
  const n = 5 + (RAW ? filter.length : strLen(filter));
  if (n + (n < 128 ? 2 : n < 16384 ? 3 : n < 2097152 ? 4 : 5) > c.z) throw fail("topic filter does not fit in txSize", "size");
}





/**
 * A QoS 1 message the store did not take (storePut's `e` < 1): its id is given back. One that can never
 * fit is a bad call and throws; a full store is flow control, like a full socket for QoS 0: false and
 * counted, no event (a burst paced by false meets it once a window, and on a board an error event there
 * cost 42 ms a time, as much as the rest of the burst's QoS 1 path).
 */
function refused(c: R, e: number): boolean {
  c.id = ((c.id + 65533) % 65535) + 1;
  if (e < 0) throw fail("message larger than storeSize", "size");
  c.dropped++;
  return false;
}

/**
 * publish() beyond a board's reading: every check, then QoS 1 into the store or QoS 0 on the link.
 */
function publishAny(c: R, topic: string, payload?: Data | null, opt?: PublishOptions): boolean {
  const q: number = opt ? opt.qos || 0 : 0;
  const r = !!(opt && opt.retain);
  // A telemetry node publishes to the same few topics: the last topic that passed is not checked again
  // (a compare, one native step, against four). On a board a char is a byte, so the length
  // check is the byte check; elsewhere UTF-8 may be longer, but never over 3 bytes a UTF-16 unit, so
  // only a topic of over 21,845 units is measured.
  if (topic !== c.vt) {
    if (!validTopic(topic) || (!RAW && topic.length > 21845 && strLen(topic) > 65535)) throw fail("invalid topic: " + topic, "topic");
    // Not once ended: publish() takes a topic equal to vt for a client that still takes messages.
    if (!c.en) c.vt = topic;
  }
  if (q !== 0 && q !== 1) throw fail("qos must be 0 or 1", "qos");
  if (!BIN && payload instanceof Uint8Array) throw lacks("a binary payload");
  if (payload != null && typeof payload != "string" && !(payload instanceof Uint8Array)) throw fail("payload must be a string or Uint8Array", "payload");
  if (c.en || c.s == S.END) return false;
  if (q) {
    // nextId(c) unless ids could be in use (wrapped past 65535): one call less on the board's hot path.
    // Sent by the store when connected; inside the `connected` handler (c.pp) by pump(), so that the
    // restored subscriptions go out first. While connected no (un)subscribe waits otherwise: each
    // goes out when made.
    const e = (PERSIST && c.st.p ? persistPut : storePut)(c.st, topic, payload as Data, r, c.id < 65534 && !c.wr ? ++c.id : nextId(c), c.s == S.UP && !c.pp ? c : null);
    if (e < 1) return refused(c, e);
    if (c.pp) pump(c);
    return true;
  }
  if (c.s != S.UP || c.w >= c.hw) {
    c.dropped++;
    return false;
  }
  if (txPublish(c, topic, payload as Data, r) < 0) throw fail("message larger than txSize", "size");
  return true;
}

// The methods, shared by every client through the prototype; the API's bodies live here (on Espruino a
// wrapper would be one more function in RAM and one more call per publish).
const PROTO = {
  publish: function (this: R, topic: string, payload?: Data | null, opt?: PublishOptions, cb?: unknown) {
    // A board's reading, publish(topic, "21.5") or at QoS 1, to a topic already sent to: every check
    // of publishAny() is known to pass. Each call and each local costs on an interpreter, and every
    // call tokenizes the whole text of the function, what follows its return included (Espruino skips
    // the rest token by token, jspeSkipBlock): so this method holds the reading's path and nothing
    // else. A QoS 0 PUBLISH (body under 128 bytes) is built and written here, while connected with
    // room on the link (txPublish in wire-text.ts builds the same bytes for every length); a QoS 1 one
    // goes to the store, and a refusal takes refused(), as on the general path.
    // One local for the QoS 0 body's length and the store's answer, and `this` with no alias for it:
    // each local costs a step per call on a board (the alias took 3% of a QoS 0 publish on the 64-bit
    // build, two locals 6%). Neither end() nor a lost link costs a test here: from end() on vt is NaN,
    // and sh is 0 unless connected (3% of a QoS 0 publish on the 64-bit build).
    let n: number;
    if (PUB && RAW && topic === this.vt && typeof payload == "string") {
      if (opt == null) {
        // Sized first, then built in one concatenation with one fromCharCode for the whole header
        // (building the body, then the packet around it, took 15% longer on the 64-bit build).
        n = topic.length + payload.length + 2;
        if (n <= this.sh && this.w < this.hw) {
          this.w += n + 2;
          this.tx = 1;
          this.l!.write(chr(0x30, n, topic.length >> 8, topic.length & 255) + topic + payload, 0, n + 2);
          return true;
        }
      } else if (opt.qos === 1 && this.id < 65534 && !this.wr) {
        // The id is taken before the store may write the PUBLISH: a handler run from inside write() (a
        // link that closes at once) gets the next one.
        n = (PERSIST && this.st.p ? persistPut : storePut)(this.st, topic, payload, !!opt.retain, ++this.id, this.s == S.UP && !this.pp ? this : null);
        if (n < 1) return refused(this, n);
        if (this.pp) pump(this);
        return true;
      }
    }
    // MQTT.js's publish(topic, payload, cb) and publish(topic, payload, opts, cb) on Node: the callback
    // would never run, so refused rather than taken as QoS 0 or ignored. Not `arguments.length`: V8 then
    // makes an arguments object now and then (GC events in test/gc.test.ts). Board code does not bring
    // that habit (Espruino's MQTT module takes no callback either), and the board's bundles have no `cb`
    // (terser drops an unused last parameter): it would cost every reading's publish() a step.
    if (!RAW && (cb !== undefined || typeof opt == "function")) throw fail("publish() takes no callback: it returns true when sent or held", "options");
    return publishAny(this, topic, payload, opt);
  },
  // subscribe() and unsubscribe() are written out each, not one shared function: on a board a function
  // of five parameters held while the module is loaded costs about 11 blocks, more than the repetition.
  subscribe: function (this: R, filter: string, opt?: any, cb?: SubscribeCallback) {
    const c = this;
    if (typeof opt == "function") {
      cb = opt;
      opt = null;
    }
    const h = opt && opt.onMessage;
    if (!CB && (cb || h)) throw lacks("a subscription callback");
    let q = (opt && opt.qos) || 0;
    // Issue 29: a build without inbound QoS 2 asks for QoS 1, which a broker may grant in its place anyway.
    if (!QOS2 && q === 2) q = 1;
    checkFilter(c, filter);
    if (q !== 0 && q !== 1 && q !== 2) throw fail("qos must be 0, 1 or 2", "qos");
    if (c.s == S.END) {
      if (CB && cb) cb(fail("ended", "ended"));
      return c;
    }
    forget(c, c.sb, filter, true);
    forget(c, c.us, filter, true); // the later call wins: an unsubscribe still due (sent or not) is superseded
    c.sb.push(CB ? { f: filter, q: q, cb: h, d: cb, i: -1, n: c.sq++ } : { f: filter, q: q, i: -1 });
    pump(c);
    return c;
  },
  unsubscribe: function (this: R, filter: string, cb?: (err: MqttError | null) => void) {
    const c = this;
    if (!CB && cb) throw lacks("a subscription callback");
    checkFilter(c, filter);
    if (c.s == S.END) {
      if (CB && cb) cb(fail("ended", "ended"));
      return c;
    }
    forget(c, c.sb, filter, true);
    forget(c, c.us, filter, false); // an UNSUBSCRIBE already sent is left to its UNSUBACK
    // Sent now or at the next connect to a kept session, until an UNSUBACK says it is done.
    c.us.push(CB ? { f: filter, q: 0, i: -1, d: cb } : { f: filter, q: 0, i: -1 });
    pump(c);
    return c;
  },
  end: function (this: R, force?: any, cb?: () => void) {
    const c = this;
    // end(cb) and end(force, cb), as MQTT.js: cb runs once, when the DISCONNECT is written or the end forced.
    if (typeof force == "function") {
      cb = force;
      force = 0;
    }
    if (cb) {
      if (c.s == S.END) return cb();
      listen(c, "close", cb, true);
    }
    if (c.s == S.END || (c.en && !force)) return;
    c.en = 1;
    // publish() then takes its general path, which refuses.
    c.vt = NaN;
    if (!force && storeCount(c.st)) {
      c.et = c.k.set(finish, c.ed, c);
      pump(c);
    } else finish(c);
  },
  // Several listeners per event (events.ts).
  on: on,
  once: once,
  off: off,
  state: function (this: R) {
    return this.s;
  },
  queued: function (this: R) {
    return (PERSIST ? persistCount : storeCount)(this.st);
  },
};

// Espruino's own on/emit/removeListener cannot serve: its emit() queues the call for later (measured on
// the interpreter: a listener removed right after emit() was never called), while a handler here runs
// after the transition that emitted it, before anything else happens.
(PROTO as any).removeListener = PROTO.off;

/**
 * A client for the options `opts` (copied, never written). `make` builds the transport when the options
 * name none; `defaults` are the platform's defaults under the user's options. Options that can never
 * work throw here, before any link is opened.
 */
export function createClient(opts?: ClientOptions | null, make?: (o: any) => Transport, defaults?: ClientOptions): Client {
  const o: any = {};
  for (const k in defaults) o[k] = (defaults as any)[k];
  for (const k in opts) if ((opts as any)[k] !== undefined) o[k] = (opts as any)[k];
  o.random = o.random || Math.random;
  if (o.servers) {
    if (!SRV) throw lacks("servers");
    if (!make || o.transport || !(o.servers.length > 0)) throw fail("servers: a non-empty list of { host, port }, with the platform's transport", "options");
    // A transport per broker, each for the options with that entry's fields over them.
    o.tl = [];
    for (let k = 0; k < o.servers.length; k++) {
      const so: any = {};
      for (const x in o) so[x] = o[x];
      for (const x in o.servers[k]) so[x] = o.servers[k][x];
      o.tl.push(make(so));
    }
    o.transport = o.tl[0];
  } else if (!o.transport) o.transport = make ? make(o) : null;
  if (typeof o.transport != "function") throw fail("no transport", "options");
  if (o.protocol == null) o.protocol = 4;
  if (!V31 && o.protocol !== 4) throw o.protocol === 3 ? lacks("MQTT 3.1 (protocol: 3)") : fail("protocol must be 4 (MQTT 3.1.1)", "options");
  if (!BIN && o.binary) throw lacks("binary: true");
  if (V31 && o.protocol !== 3 && o.protocol !== 4) throw fail("protocol must be 3 (MQTT 3.1) or 4 (MQTT 3.1.1)", "options");
  // __INLINE__: terser writes these one-call functions out here, so a board holds two functions fewer
  // (about 6 blocks each) for as long as the module is loaded.
  /*@__INLINE__*/ numbers(o, "keepalive 60 0 65535 rxSize 1024 2 268435455 txSize 512 16 268435455 storeSize 2048 0 268435455 window 8 1 65535 reconnectMin 1000 1 1e9 reconnectMax 60000 1 1e9 connectTimeout 10000 1 1e9 ackTimeout 30000 1 1e9 pingTimeout 10000 1 1e9 endTimeout 10000 0 1e9 qos2 16 1 65535");
  if (o.reconnectMax < o.reconnectMin) o.reconnectMax = o.reconnectMin;
  if (o.clientId == null) o.clientId = "mqttiny" + Math.floor(o.random() * 1e8);
  const idn = typeof o.clientId != "string" ? -1 : RAW ? o.clientId.length : strLen(o.clientId);
  // 3.1 allows 1 to 23 characters; 3.1.1 allows an empty id only with a clean session [MQTT-3.1.3-7].
  if (idn < 0 || (V31 && o.protocol == 3 ? idn < 1 || idn > 23 : !idn && o.clean === false)) throw fail("client id: 1-23 chars on MQTT 3.1, empty only with clean", "clientId");
  if (o.will && (!validTopic(o.will.topic) || !(o.will.qos == null || o.will.qos === 0 || o.will.qos === 1 || o.will.qos === 2))) throw fail("invalid will topic or QoS", "will");
  if (CHECK && o.password != null && o.username == null) throw fail("password without username", "password");
  const cn = /*@__INLINE__*/ connectPacket(o);
  if (typeof cn == "number") throw fail("a CONNECT field is over 65,535 bytes", "options");
  if (cn.length > o.txSize) throw fail("CONNECT does not fit in txSize", "size");

  const ka = o.keepalive * 1000;
  o.pingTimeout = Math.min(o.pingTimeout, ka || 1e9);
  const c: R = Object.create(PROTO);
  // Only what runs later is kept, under short names; `o` (a merged copy) is garbage after this. Espruino
  // finds a property by walking the object's list in the order the properties were made: what publish()
  // and a PUBACK read comes first (one at a time: `a = b = 0` makes b before a).
  c.s = S.OFF;
  c.vt = NaN;
  c.w = 0;
  c.hw = 0;
  c.en = 0;
  c.l = null;
  c.tx = 0;
  c.sh = 0;
  c.z = o.txSize;
  c.e = null;
  c.d = rxCreate(o.rxSize);
  c.st = storeCreate(o.storeSize);
  c.rx = 0;
  c.ak = 0;
  c.wn = o.window;
  c.id = 0;
  c.wr = 0;
  c.pp = 0;
  c.tr = o.transport;
  c.si = 0;
  if (SRV && o.tl) c.tl = o.tl;
  c.cn = cn;
  c.ct = o.connectTimeout;
  c.pm = o.pingTimeout;
  c.am = o.ackTimeout;
  c.ed = o.endTimeout;
  c.r0 = o.reconnectMin;
  c.r1 = o.reconnectMax;
  c.rn = o.random;
  if (BIN) c.bi = o.binary ? 1 : 0;
  if (QOS2) c.qn = o.qos2;
  c.ks = V31 && o.protocol == 3 && o.clean === false ? 1 : 0;
  c.kp = 0;
  // The host's timers unless a clock is given (setTimeout passes `a` on to f, on Node and on Espruino):
  // the host functions themselves, not wrappers, as none of them uses `this` and on Espruino each wrapper
  // would be one more function in RAM; looked up here, so a host without timers can still load the module.
  c.k = o.clock || { now: Date.now, set: setTimeout, clear: clearTimeout };
  c.h = {};
  // Absent until set on a board (a null property costs two blocks there); declared for V8's object shape.
  if (!RAW) c.et = null;
  c.f = c.tq = c.rq = c.aq = c.pg = c.ut = c.rf = 0;
  // Flags as 0/1: on Espruino a property holding a number fits in its name's block, a boolean takes two.
  c.ef = 0;
  if (!RAW) c.b = txBuf(o.txSize);
  if (QOS2) c.q2 = [];
  c.sb = [];
  c.sq = 0;
  c.us = [];
  c.eq = [];
  c.dropped = c.attempts = 0;
  // Tick interval while connected: a quarter of the shortest timeout, so each timeout fires within a
  // quarter of its value. A PINGREQ leaves once kt quiet ticks have passed, at most one keepalive after
  // the last packet (the broker allows 1.5 x), and the link is dropped pt ticks after it: a dead link
  // is found within keepalive + pingTimeout of its last packet, whatever the two values.
  // A connection is stable after one keepalive (or ackTimeout) period.
  const iv = Math.max(1, Math.min(ka ? Math.min(ka, o.pingTimeout) : o.ackTimeout, o.ackTimeout) / 4);
  c.iv = iv;
  c.kt = ka ? Math.floor(ka / iv) - 1 : 0;
  c.at = Math.ceil(o.ackTimeout / iv);
  c.pt = Math.ceil(o.pingTimeout / iv);
  c.sk = Math.ceil((ka || o.ackTimeout) / iv);
  // Held messages from Storage go into the store now, before the first CONNACK rewinds it; new ids follow theirs.
  if (PERSIST && o.persist != null) {
    numbers(o, "persistSize 2048 32 65000");
    c.id = persistOpen(c.st, o.persist, o.persistSize, o.window);
  } else if (o.persist != null) throw fail("persist needs build/mqttiny-persist.min.js", "options");
  // The first attempt is a timer too, so end() right after connect() cancels it.
  c.t = c.k.set(tick, 0, c);
  return c as any;
}
