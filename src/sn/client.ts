// The MQTT-SN v1.2 client: one record per client and module-level functions over it, as src/client.ts.
// No I/O of its own: a datagram transport (src/sn/udp.ts) and a clock. One request is outstanding at a
// time (spec 6.13): it is resent after `retry` ms, `retries` times, then the gateway counts as lost and
// the client connects again, keeping what it holds. Lifecycle events are queued and emitted after the
// state change that caused them.
import { N, F, RC } from "./constants";
import { snDecode, snEncode, snMsg, snStr, snId, snDup, shortId, shortName } from "./codec";
import type { SnMsg } from "./codec";
import { regCreate, regId, regKept, regName, regPut, regSpot, regOld, regClear } from "./registry";
import type { Reg } from "./registry";
import { RF } from "./registry";
import { snStore, snHold, snShift } from "./held";
import { snPersistOpen, snPersistPut, snPersistSent, snPersistShift, snPersistCount, snPersistTopics } from "./persist";
import { PERSIST } from "../persist-log";
import type { SnStore, Data } from "./held";
import type { Datagram, DatagramEvents, DatagramTransport } from "./udp";
import { validTopic, validFilter, match } from "../topic";
import type { Clock } from "../client";
import { fail, ev, emit, listen, numbers, on, once, off, settle } from "../events";
import { SUB, WILL, lacks } from "../features";
import { RAW, chr } from "../codec/native";
import type { Emitter, CodedError } from "../events";

export type { Datagram, DatagramEvents, DatagramTransport, Clock, Data };

export interface SnWill {
  topic: string;
  payload?: Data;
  qos?: 0 | 1 | 2;
  retain?: boolean;
}

export interface SnOptions {
  /** Gateway address; default 127.0.0.1:10000. */
  host?: string;
  port?: number;
  /** Find the gateway first: SEARCHGW by unicast to this address; the one that answers GWINFO is used. */
  search?: { host?: string; port: number; radius?: number };
  clientId?: string;
  /** Seconds; the CONNECT duration and the PINGREQ period. Default 60; 0 turns keepalive off. */
  keepalive?: number;
  /**
   * The clean flag of CONNECT, default true. A client that went to sleep connects with clean=0 and no
   * will prompt until it is connected again, whatever this says (wake(), and a reconnect after it was
   * lost asleep or in an awake period): the gateway keeps what it buffered and the topic ids it gave.
   */
  clean?: boolean;
  will?: SnWill;
  /** Topic names the gateway knows by id (its PredefinedTopicList). */
  predefined?: { [name: string]: number };
  /** ms before a request is sent again (Tretry), default 10000. */
  retry?: number;
  /** Times a request is sent again before the gateway counts as lost (Nretry), default 3. */
  retries?: number;
  /** Bytes of held messages, default 2048. */
  storeSize?: number;
  /**
   * Keep held QoS 1 messages in Storage (a file path on Node, a Storage file name on a board): they
   * survive a restart, and a client made again with the same name sends them first. Builds with persist
   * only (build/mqttiny-sn-persist.min.js on a board).
   */
  persist?: string;
  /** Bytes of the Storage file for `persist`, default 2048. */
  persistSize?: number;
  /**
   * Topic registrations remembered, default 32. The gateway's (REGISTER, SUBACK) are never pushed out by
   * ours; when the table holds only those, publish() to a topic with no id returns false (in `dropped`).
   */
  topics?: number;
  /** Inbound QoS 1 and QoS 2 message ids remembered against duplicates, default 16. */
  qos2?: number;
  /** Reconnect backoff bounds in ms, default 1000 and 60000. */
  reconnectMin?: number;
  reconnectMax?: number;
  /** Local UDP port to send from (a QoS -1 client is known to the gateway by it). */
  localPort?: number;
  /** No CONNECT: the client only sends QoS -1 publishes. */
  passive?: boolean;
  /** Deliver payloads as bytes instead of strings. */
  binary?: boolean;
  transport?: DatagramTransport;
  clock?: Clock;
  random?: () => number;
}

export interface SnPublishOptions {
  qos?: -1 | 0 | 1;
  retain?: boolean;
}

export interface SnPacket {
  qos: number;
  retain: boolean;
  dup: boolean;
  topicId: number;
  topicIdType: number;
  messageId: number;
}

export type SnPayload = string | Uint8Array;
export type SnMessageCallback = (topic: string, payload: SnPayload, packet: SnPacket) => void;
/** subscribe()'s callback: once, at the SUBACK (qos 128 and the gateway's code when refused), or "superseded", "ended". */
export type SnSubscribeCallback = (err: SnError | null, granted?: { topic: string; qos: number }[]) => void;

export interface SnError extends CodedError {
  /** "congestion", "invalid topic", "not supported", "topics full", "timeout", "gateway", "malformed", "ended", "callback", "socket", "suback", "regack". */
  code: string | number;
}

export interface SnClient {
  /**
   * true when sent (QoS -1, 0) or held for sending (QoS 1, and QoS 0 waiting for its registration); false
   * (counted in `dropped`) when the store is full, at QoS 0 when not connected, and when the topic needs a
   * registration and the topic table holds only the gateway's ids.
   */
  publish(topic: string, payload?: Data | null, opts?: SnPublishOptions): boolean;
  /** As the MQTT client's: `cb(err, [{ topic, qos }])` once at the SUBACK; `onMessage` per filter. */
  subscribe(filter: string, cb?: SnSubscribeCallback): SnClient;
  subscribe(filter: string, opts?: { qos?: 0 | 1 | 2; onMessage?: SnMessageCallback } | null, cb?: SnSubscribeCallback): SnClient;
  /** `cb(err)` once at the UNSUBACK. */
  unsubscribe(filter: string, cb?: (err: SnError | null) => void): SnClient;
  /** WILLTOPICUPD and WILLMSGUPD; null deletes the will. */
  updateWill(will: SnWill | null): void;
  /** DISCONNECT with a duration: asleep, with awake periods (PINGREQ + client id) every `every` s (default 3/4 of seconds). */
  sleep(seconds: number, every?: number): void;
  /** Back to active: CONNECT. */
  wake(): void;
  /** DISCONNECT and close at once (held messages are counted in an "ended" error); `cb` runs once, at the close. */
  end(force?: boolean, cb?: () => void): void;
  end(cb: () => void): void;
  /** Adds a listener; several per event. A `connected` listener added while connected runs on the next tick. */
  on(event: string, f: (...a: any[]) => void): SnClient;
  once(event: string, f: (...a: any[]) => void): SnClient;
  off(event: string, f: (...a: any[]) => void): SnClient;
  removeListener(event: string, f: (...a: any[]) => void): SnClient;
  /** 0 offline, 1 searching, 2 connecting, 3 connected, 4 asleep, 5 awake, 6 ended. */
  state(): number;
  /** Messages held (QoS 1 unacknowledged, in Storage too with persist; QoS 0 waiting for a registration). */
  queued(): number;
  /** Publishes that returned false: the link down (QoS 0), no room in the store or in the topic table. */
  dropped: number;
  attempts: number;
}

const enum S {
  OFF = 0,
  SEARCH = 1,
  CONN = 2,
  UP = 3,
  ASLEEP = 4,
  AWAKE = 5,
  END = 6,
}

// Return codes' names; the last, not a code on the wire, for a registration the topic table cannot take.
const RCN = ["", "congestion", "invalid topic", "not supported", "topics full"];

interface Sub {
  f: string;
  q: number;
  cb?: SnMessageCallback;
  /** subscribe()'s or unsubscribe()'s callback, until it has run. */
  d?: SnSubscribeCallback;
  /** -1 to be sent, 0 acknowledged, > 0 the message id of the request in flight. */
  i: number;
  /** Made by the n-th subscribe() call: a message goes only to subscriptions older than itself. */
  n?: number;
}

/** The client record; short names (a block per long property name on Espruino). */
interface R extends Emitter {
  /** The last topic publish() found valid; NaN (equal to nothing) until then. */
  vt: string | number;
  so: Datagram | null;
  k: Clock;
  gh: string;
  gp: number;
  sh: string | null;
  sp: number;
  sr: number;
  lp: number;
  cid: string;
  ka: number;
  cl: number;
  /** The clean flag of the last CONNECT sent; 1 while a session that went to sleep is to be kept (clean=0, no will). */
  cc: number;
  kp: number;
  wl: SnWill | null;
  /** Will update due: 1 topic, 2 message, 0 none. */
  wu: number;
  /** The will work-around for the Paho gateway (onMessage): 0 not tried this attempt, 1 waiting for the first CONNACK, 2 WILLTOPIC sent. */
  wa: number;
  /** Attempts since the last connection whose will the gateway did not take, even with the work-around. */
  wt: number;
  rt: number;
  rn: number;
  r0: number;
  r1: number;
  rd: () => number;
  bi: number;
  s: number;
  h: { [e: string]: ((a?: any, b?: any, c?: any) => void) | undefined };
  eq: any[];
  ef: number;
  /** The timer of retries, reconnects and awake periods; the keepalive timer. */
  t: unknown;
  kt: unknown;
  /** Request in flight: its datagram, the answer it waits for, its message id, retries made. */
  fl: Dg | null;
  fx: number;
  fm: number;
  fc: number;
  /** Held entry or subscription the request is for. */
  fe: any;
  /** Time of the last datagram sent, and received. */
  ls: number;
  lr: number;
  /** Failed attempts in a row (backoff). */
  f: number;
  mi: number;
  st: SnStore;
  rg: Reg;
  pd: Reg;
  sb: Sub[];
  /** subscribe() calls so far. */
  sq: number;
  us: Sub[];
  /** Inbound QoS 2 ids awaiting PUBREL; recent inbound QoS 1 ids. */
  q2: number[];
  q1: number[];
  qn: number;
  /** Sleep: the duration asked for (0 = none due), awake period in ms. */
  zz: number;
  zw: number;
  m: SnMsg;
  dropped: number;
  attempts: number;
}

/** A datagram as the codec makes it: bytes on Node, a byte String on a board (codec-text.ts). */
type Dg = Uint8Array | string;

interface Ev extends DatagramEvents {
  c: R;
}

// ---- timers
function arm(c: R, f: (c: R) => void, ms: number) {
  if (c.t != null) c.k.clear(c.t);
  c.t = c.k.set(f, ms, c);
}

/** No request in flight and no timer at all (the keepalive's too). */
function disarm(c: R) {
  done(c);
  if (c.kt != null) c.k.clear(c.kt);
  c.kt = null;
}

// ---- sending
function send(c: R, d: Dg | null) {
  if (!d || !c.so) return;
  c.ls = c.k.now();
  try {
    c.so.send(d, c.gh, c.gp);
  } catch (x) {
    ev(c, "error", fail("send failed", "socket", x));
  }
}

/** Send `d` as the request in flight, waiting for message type `x` with message id `m` (0 = any). */
function request(c: R, d: Dg | null, x: number, m: number, e?: any) {
  c.fl = d;
  c.fx = x;
  c.fm = m;
  c.fc = 0;
  c.fe = e;
  send(c, d);
  arm(c, resend, c.rt);
}

function done(c: R) {
  c.fl = null;
  c.fx = -1;
  c.fe = null;
  if (c.t != null) c.k.clear(c.t);
  c.t = null;
}

function resend(c: R) {
  c.t = null;
  const d = c.fl;
  if (!d) return pump(c);
  if (c.fc++ >= c.rn) return lost(c, fail("no answer from the gateway after " + c.rn + " retries", "timeout"));
  // A PUBLISH sent again carries DUP.
  if (c.fx == N.PUBACK) c.fl = snDup(d as any);
  send(c, c.fl);
  arm(c, resend, c.rt);
}

/** Wait the retry time, then try the request again from the queue (congestion: the gateway asked for a pause). */
function later(c: R) {
  done(c);
  arm(c, pump, c.rt);
}

function nextId(c: R): number {
  c.mi = (c.mi % 65535) + 1;
  return c.mi;
}

// ---- connection lifecycle
function start(c: R) {
  c.t = null;
  if (c.s == S.END) return;
  c.attempts++;
  c.wa = 0;
  if (c.sh != null) {
    c.s = S.SEARCH;
    c.gh = c.sh;
    c.gp = c.sp;
    request(c, snEncode(N.SEARCHGW, null, c.sr), N.GWINFO, 0);
  } else connect(c, c.wl);
}

/**
 * CONNECT, with the will flag when `will` is set; clean by the option, except for a client that went to
 * sleep: clean=0 and no will, until connected again (the gateway keeps its session: what it buffered,
 * the topic ids it gave, the will).
 */
function connect(c: R, will: unknown) {
  c.s = S.CONN;
  c.cc = c.kp ? 0 : c.cl;
  request(c, snEncode(N.CONNECT, c.cid, (c.cc ? F.CLEAN : 0) | (will && !c.kp ? F.WILL : 0), c.ka), N.CONNACK, 0);
}

/** The gateway is gone (or refused): plan the next attempt, keeping everything held, then tell the user. */
function lost(c: R, err: SnError, wait?: number) {
  const was = c.s;
  disarm(c);
  c.s = S.OFF;
  c.f++;
  // The gateway may have restarted: no topic id is used for publishing again before it holds on the next
  // connection (a REGACK, or the gateway using it). Paho 1.5.1 answers a QoS 0 PUBLISH to an id it does not
  // know by dropping the client, so a kept stale id would be a reconnect loop.
  regOld(c.rg, 0);
  const step = wait || Math.min(c.r1, c.r0 * Math.pow(2, Math.min(c.f - 1, 20)));
  arm(c, start, step * (0.5 + c.rd() / 2));
  c.eq.push("error", err);
  if (was >= S.UP) c.eq.push("offline", undefined);
  ev(c);
}

function connected(c: R) {
  done(c);
  c.s = S.UP;
  c.f = c.wt = c.kp = 0;
  // The session, kept or reset together, here, by the clean flag of the CONNECT sent: a new one starts
  // without topic ids and without the inbound ids remembered against duplicates; a kept one keeps both
  // (the gateway publishes with its ids at once, and resends what awaits PUBREL). Subscriptions are made
  // again either way (a restarted gateway has none).
  if (c.cc) {
    regClear(c.rg);
    c.q1 = [];
    c.q2 = [];
  }
  for (let k = 0; k < c.sb.length; k++) c.sb[k].i = -1;
  for (let k = 0; k < c.us.length; k++) c.us[k].i = -1;
  if (c.wu) c.wu = 1;
  c.lr = c.k.now();
  keep(c);
  ev(c, "connected", {});
  pump(c);
}

/** Keepalive: a PINGREQ after 3/4 of the keepalive without a datagram sent, or without one received. */
function keep(c: R) {
  c.kt = null;
  if (c.s != S.UP || !c.ka) return;
  const q = (c.ka * 1000) / 4;
  const now = c.k.now();
  if (!c.fl && (now - c.ls >= 3 * q || now - c.lr >= 3 * q)) request(c, snEncode(N.PINGREQ), N.PINGRESP, 0);
  c.kt = c.k.set(keep, q, c);
}

// ---- sleep
function asleep(c: R) {
  disarm(c);
  c.s = S.ASLEEP;
  c.kp = 1;
  c.zz = 0;
  arm(c, awake, c.zw);
  ev(c, "sleep");
}

/** An awake period: PINGREQ with the client id; the gateway sends what it buffered, then PINGRESP. */
function awake(c: R) {
  c.t = null;
  c.s = S.AWAKE;
  request(c, snEncode(N.PINGREQ, c.cid), N.PINGRESP, 0);
}

// ---- outbound queue: one request at a time
function pump(c: R) {
  if (c.s != S.UP || c.fl) return;
  const sb = c.sb;
  for (let k = 0; k < sb.length; k++) if (sb[k].i < 0) return subReq(c, sb[k], N.SUBSCRIBE, N.SUBACK, sb[k].q);
  const us = c.us;
  for (let k = 0; k < us.length; k++) if (us[k].i < 0) return subReq(c, us[k], N.UNSUBSCRIBE, N.UNSUBACK, 0);
  const w = c.wl;
  if (WILL && c.wu == 1) return request(c, w ? snEncode(N.WILLTOPICUPD, w.topic, willFlags(w)) : snEncode(N.WILLTOPICUPD), N.WILLTOPICRESP, 0);
  if (WILL && c.wu == 2 && w) return request(c, snEncode(N.WILLMSGUPD, w.payload || ""), N.WILLMSGRESP, 0);
  for (;;) {
    const h = c.st.e[0];
    if (!h) break;
    const q = h.f & (1 << F.QOS_SHIFT);
    const id = topicId(c, h.t) || (PERSIST && q ? regKept(c.rg, h.t) : 0);
    if (!id) return request(c, snEncode(N.REGISTER, h.t, 0, nextId(c)), N.REGACK, c.mi, h);
    const d = snEncode(N.PUBLISH, h.p, h.f | (id >> 16), id & 0xffff, q ? h.m : 0);
    if (q) {
      // With persist, marked in Storage as sent before it can be: a resend after a restart carries DUP.
      if (PERSIST && c.st.p && !(h.f & F.DUP)) snPersistSent(c.st);
      h.f |= F.DUP;
      return request(c, d, N.PUBACK, h.m, h);
    }
    send(c, d);
    (PERSIST && c.st.p ? snPersistShift : snShift)(c.st);
  }
  if (c.zz) request(c, snEncode(N.DISCONNECT, null, c.zz), N.DISCONNECT, 0);
}

/** SUBSCRIBE or UNSUBSCRIBE for `s`: by predefined id, short name, or topic name. */
function subReq(c: R, s: Sub, t: number, x: number, q: number) {
  s.i = nextId(c);
  const p = regId(c.pd, s.f);
  const fl = (q << F.QOS_SHIFT) | (p ? F.PREDEFINED : isShort(s.f) ? F.SHORT : F.NORMAL);
  request(c, snEncode(t, p ? snId(p) : s.f, fl, s.i), x, s.i, s);
}

/**
 * How to name the (valid) topic `t` in a PUBLISH: its topic id type << 16 | its id (predefined, short
 * name, or registered), or 0 when it must be registered first.
 */
function topicId(c: R, t: string): number {
  const id = regId(c.pd, t);
  if (id) return (F.PREDEFINED << 16) | id;
  return isShort(t) ? (F.SHORT << 16) | shortId(t) : regId(c.rg, t);
}

function isShort(t: string): boolean {
  // Two bytes on the wire: two characters of one byte each (ASCII; UTF-8 would make more, and wider
  // ones would spill into the flags byte where the topic id type is or'ed in).
  return t.length == 2 && t.charCodeAt(0) < 128 && t.charCodeAt(1) < 128 && validTopic(t);
}

function willFlags(w: SnWill): number {
  return ((w.qos || 0) << F.QOS_SHIFT) | (w.retain ? F.RETAIN : 0);
}

// ---- inbound
function onMessage(this: Ev, d: Uint8Array | string, host: string, port: number) {
  const c = this.c;
  if (c.s == S.END) return;
  const m = c.m;
  const t = snDecode(m, d as any);
  if (t < 0) return ev(c, "error", fail("malformed datagram from " + host + ":" + port + " (" + t + ")", t));
  c.lr = c.k.now();
  const s = c.s;
  const x = c.fx;
  const fe = c.fe;
  const ok = t == x && (!c.fm || m.m == c.fm);
  if (t == N.GWINFO) {
    if (s != S.SEARCH) return;
    // The gateway that answered is the one to use (its address field is only set when a client answers).
    c.gh = host;
    c.gp = port;
    return connect(c, c.wl);
  }
  if (s == S.CONN) {
    const w = c.wl;
    // WILLTOPIC answers WILLTOPICREQ, or in the work-around below the CONNACK to the CONNECT without a will.
    if (WILL && w && (t == N.WILLTOPICREQ ? c.wa != 1 : t == N.CONNACK && c.wa == 1 && !m.c)) {
      if (c.wa) c.wa = 2;
      return request(c, snEncode(N.WILLTOPIC, w.topic, willFlags(w)), N.WILLMSGREQ, 0);
    }
    if (WILL && t == N.WILLMSGREQ && w) return request(c, snEncode(N.WILLMSG, w.payload || ""), N.CONNACK, 0);
    if (t == N.CONNACK) {
      if (m.c == RC.ACCEPTED) return connected(c);
      // Congestion passes: try again after the retry time; anything else waits the longest step.
      return lost(c, rcFail("connection", m.c), m.c == RC.CONGESTION ? c.rt : c.r1);
    }
    if (WILL && t == N.DISCONNECT && c.fx == N.WILLMSGREQ) {
      // The Paho gateway 1.5.x answers WILLTOPIC with DISCONNECT: a CONNECT with the will flag marks the
      // client disconnected there, and only a broker's CONNACK marks it active (its ClientRecvTask drops
      // anything else from a disconnected client; upstream issue 248). The work-around, once per attempt:
      // a CONNECT without a will and at once the one with it; the broker's CONNACK to the first then arrives
      // after the second was taken, and WILLTOPIC goes when it does (WILLTOPICREQ is ignored meanwhile).
      if (!c.wa) {
        c.wa = 1;
        send(c, snEncode(N.CONNECT, c.cid, c.cc ? F.CLEAN : 0, c.ka));
        return connect(c, w);
      }
      // That failed too. It races inside the gateway (its threads, not the network: one of four full test
      // runs met it once), so this attempt ends and the next one tries the will again; after the third
      // such attempt since the last connection, connect without it rather than never.
      if (++c.wt < 3) return lost(c, fail("the gateway did not take the will: trying again", "will"));
      c.wl = null;
      ev(c, "error", fail("the gateway refused the will: connecting without one", "will"));
      return connect(c, null);
    }
    return;
  }
  if (t == N.PUBLISH) return inbound(c);
  if (t == N.REGISTER) {
    // The gateway names a topic before publishing to it (wildcard subscriptions).
    regPut(c.rg, snStr(m), m.i, RF.GW | RF.NOW);
    return send(c, snEncode(N.REGACK, null, m.i, m.m, RC.ACCEPTED));
  }
  if (t == N.PUBREL) {
    const k = c.q2.indexOf(m.m);
    if (k >= 0) c.q2.splice(k, 1);
    return send(c, snEncode(N.PUBCOMP, null, m.m));
  }
  // A gateway may check on its clients too (spec 6.11).
  if (t == N.PINGREQ) return send(c, snEncode(N.PINGRESP));
  if (t == N.PINGRESP) {
    if (s == S.AWAKE) return asleep(c);
    if (ok) done(c);
    return pump(c);
  }
  if (t == N.DISCONNECT) {
    if (ok) return asleep(c); // the answer to a sleep request
    // The gateway dropped this client (a restart, or it no longer knows it): connect again at once.
    if (s == S.UP || s == S.AWAKE) return lost(c, fail("disconnected by the gateway", "gateway"));
    return;
  }
  // Invalid topic id to any PUBLISH, QoS 0 too (spec 6.7, 5.3.10): the gateway does not know the id;
  // the topic is registered again before the next publish to it.
  if (t == N.PUBACK && m.c == RC.INVALID_TOPIC) regOld(c.rg, m.i);
  if (!ok) return; // an answer to a request no longer in flight (a retry crossed it)
  const rc = m.c;
  if (t == N.REGACK) {
    if (rc == RC.ACCEPTED) {
      // Refused when the gateway's ids filled the table since publish() found room.
      if (regPut(c.rg, fe.t, m.i, RF.NOW)) {
        done(c);
        if (PERSIST && c.st.p && !c.cl) snPersistTopics(c.st, c.rg);
      } else refused(c, "REGISTER " + fe.t, 4);
    } else if (rc == RC.CONGESTION) return later(c);
    else refused(c, "REGISTER " + fe.t, rc);
  } else if (t == N.PUBACK) {
    // Matched by message id only: the gateway swaps the topic id bytes in the PUBACK for a short topic.
    if (rc == RC.CONGESTION) return later(c);
    if (rc == RC.INVALID_TOPIC && c.rg.n.indexOf(fe.t) >= 0) {
      // The gateway forgot the registration (made old above): register the topic again, then resend.
      done(c);
      return pump(c);
    }
    if (rc) refused(c, "PUBLISH to " + fe.t, rc);
    else {
      done(c);
      (PERSIST && c.st.p ? snPersistShift : snShift)(c.st);
    }
  } else if (t == N.SUBACK) {
    if (rc == RC.CONGESTION) {
      fe.i = -1;
      return later(c);
    }
    done(c);
    if (rc) {
      const k = c.sb.indexOf(fe);
      // Told once: to subscribe()'s callback when there is one (as MQTT.js), else as an `error`; not at
      // all for a subscription already superseded (its callback was told so), as the MQTT client.
      if (k >= 0) {
        c.sb.splice(k, 1);
        const e = rcFail("subscription " + fe.f, rc);
        if (SUB && fe.d) settle(c, fe, e, 128);
        else ev(c, "error", e);
      }
    } else {
      fe.i = 0;
      // A topic name without wildcards comes back with its id: inbound PUBLISH will use it.
      if (m.i && !(m.f & 3) && validTopic(fe.f) && !isShort(fe.f)) regPut(c.rg, fe.f, m.i, RF.GW | RF.NOW);
      if (SUB) settle(c, fe, null, m.q);
    }
  } else if (t == N.UNSUBACK) {
    done(c);
    const k = c.us.indexOf(fe);
    if (k >= 0) c.us.splice(k, 1);
    if (SUB) settle(c, fe, null);
  } else if (t == N.WILLTOPICRESP || t == N.WILLMSGRESP) {
    done(c);
    c.wu = !rc && t == N.WILLTOPICRESP && c.wl ? 2 : 0;
    if (rc) ev(c, "error", rcFail("will update", rc));
  }
  pump(c);
}

/** The gateway refused a held message: it will not take it later either; drop it and say so. */
function refused(c: R, what: string, rc: number) {
  done(c);
  (PERSIST && c.st.p ? snPersistShift : snShift)(c.st);
  ev(c, "error", rcFail(what, rc));
}

/** "<what> refused: <reason>" for a return code from the gateway, the reason being its code too. */
function rcFail(what: string, rc: number): SnError {
  return fail(what + " refused: " + RCN[rc], RCN[rc]);
}

function inbound(c: R) {
  const m = c.m;
  const tt = m.tt;
  const q = m.q;
  const name = tt == F.SHORT ? shortName(m.i) : regName(tt == F.PREDEFINED ? c.pd : c.rg, m.i);
  if (name == null) {
    // PUBACK for QoS 2 too: PUBREC carries no return code, and the spec rejects any QoS this way (6.14).
    if (q > 0) send(c, snEncode(N.PUBACK, null, m.i, m.m, RC.INVALID_TOPIC));
    return ev(c, "error", fail("PUBLISH to unknown topic id " + m.i, "invalid topic"));
  }
  let fresh = true;
  if (q == 2) {
    // Exactly once: an id still awaiting PUBREL is a resend: acknowledge, do not deliver.
    fresh = c.q2.indexOf(m.m) < 0;
    if (fresh) remember(c, c.q2, m.m);
    send(c, snEncode(N.PUBREC, null, m.m));
  } else if (q == 1) {
    // A resend (DUP) of an id acknowledged a moment ago: the PUBACK was lost; do not deliver twice.
    fresh = !(m.f & F.DUP) || c.q1.indexOf(m.m) < 0;
    if (fresh) remember(c, c.q1, m.m);
    send(c, snEncode(N.PUBACK, null, m.i, m.m, RC.ACCEPTED));
  }
  // Awake period: buffered messages come first; this gateway then wants a second PINGREQ before its PINGRESP.
  if (c.s == S.AWAKE) {
    c.fc = 0;
    arm(c, resend, Math.min(c.rt, 300));
  }
  if (fresh) deliver(c, name);
}

function remember(c: R, l: number[], id: number) {
  if (l.length >= c.qn) l.shift();
  l.push(id);
}

function deliver(c: R, topic: string) {
  const m = c.m;
  const p = snStr(m, c.bi);
  const pk: SnPacket = { qos: m.q, retain: !!(m.f & F.RETAIN), dup: !!(m.f & F.DUP), topicId: m.i, topicIdType: m.tt, messageId: m.m };
  const sb = c.sb;
  // A subscription made by a callback (one that subscribes to its own filter again) gets the next message.
  const top = c.sq;
  for (let k = 0; k < sb.length; k++) {
    const s = sb[k];
    if (!(s.n! < top) || !s.cb || !match(s.f, topic)) continue;
    call(c, s.cb, topic, p, pk);
    const j = sb.indexOf(s);
    k = j < 0 ? k - 1 : j;
  }
  try {
    emit(c, "message", topic, p, pk);
  } catch (x) {
    ev(c, "error", fail("callback threw", "callback", x));
  }
}

function call(c: R, f: SnMessageCallback | undefined, t: string, p: SnPayload, pk: SnPacket) {
  if (!f) return;
  try {
    f(t, p, pk);
  } catch (x) {
    ev(c, "error", fail("callback threw", "callback", x));
  }
}

function onError(this: Ev, x: unknown) {
  const c = this.c;
  if (c.s != S.END) ev(c, "error", fail("socket", "socket", x));
}

/** publish() beyond a board's reading: every check, then sent now, or held in the store. */
function publishAny(c: R, topic: string, payload?: Data | null, opt?: SnPublishOptions): boolean {
  const q: number = (opt && opt.qos) || 0;
  const r = opt && opt.retain ? F.RETAIN : 0;
  if (q !== 0 && q !== 1 && q !== -1) throw fail("qos must be -1, 0 or 1", "qos");
  // The last topic that passed is not checked again (publish() takes it on its short path).
  if (topic !== c.vt) {
    if (!validTopic(topic)) throw fail("invalid topic: " + topic, "topic");
    c.vt = topic;
  }
  if (q == -1 && !regId(c.pd, topic) && !isShort(topic)) throw fail("QoS -1 needs a predefined or a 2-character topic: " + topic, "topic");
  const p: Data = payload == null ? "" : payload;
  if (typeof p != "string" && !(p instanceof Uint8Array)) throw fail("payload must be a string or Uint8Array", "payload");
  if (c.s == S.END) return false;
  // No id, and no room to record one: the gateway's ids are not pushed out (registry.ts).
  if (!topicId(c, topic) && regSpot(c.rg, topic, 0) < -1) {
    c.dropped++;
    return false;
  }
  if (q < 1) {
    // QoS -1 needs no connection: the gateway knows the client by its address (topicOf made sure the
    // topic has an id). QoS 0 with nothing held ahead of it and an id known goes out now, unstored.
    const id = q || (c.s == S.UP && !c.st.e.length) ? topicId(c, topic) : 0;
    if (id) {
      send(c, snEncode(N.PUBLISH, p, (q & (3 << F.QOS_SHIFT)) | r | (id >> 16), id & 0xffff, 0));
      return true;
    }
    if (c.s != S.UP) {
      c.dropped++;
      return false;
    }
  }
  const e = (PERSIST && c.st.p && q ? snPersistPut : snHold)(c.st, topic, p, (q << F.QOS_SHIFT) | r, q ? nextId(c) : 0);
  if (e < 0) throw fail("message larger than storeSize", "size");
  // Full: false and counted, no event, for QoS 0 and 1 alike (flow control, as in src/client.ts).
  if (!e) {
    c.dropped++;
    return false;
  }
  pump(c);
  return true;
}

// The methods, shared by every client (as src/client.ts: no constructor, one function less on a board).
const PROTO = {
  publish: function (this: R, topic: string, payload?: Data | null, opt?: SnPublishOptions) {
    const c = this;
    // A board's reading, publish(topic, "21.5"), to a topic already sent to, connected with nothing held
    // ahead of it: the QoS 0 PUBLISH with the topic's id is built and sent here, as src/client.ts does
    // (on Espruino every call tokenizes the whole text of the function, what follows a return included,
    // and the general path's encoder loops over a table per field). Anything else, and a topic with no
    // id yet, takes publishAny(), which checks everything.
    let n: number;
    if (RAW && topic === c.vt && opt == null && typeof payload == "string" && c.s == S.UP && !c.st.e.length && (n = topicId(c, topic)) && payload.length < 249) {
      // Length, PUBLISH, flags (QoS 0, no retain, the id's type), topic id, message id 0, data.
      send(c, chr(payload.length + 7, N.PUBLISH, n >> 16, (n >> 8) & 255, n & 255, 0, 0) + payload);
      return true;
    }
    return publishAny(c, topic, payload, opt);
  },
  subscribe: function (this: R, filter: string, opt?: any, cb?: SnSubscribeCallback) {
    if (!SUB) throw lacks("subscribe on MQTT-SN"); // features.ts: the MQTT-SN lite build has none
    if (typeof opt == "function") {
      cb = opt;
      opt = null;
    }
    const q = (opt && opt.qos) || 0;
    if (q !== 0 && q !== 1 && q !== 2) throw fail("qos must be 0, 1 or 2", "qos");
    return subs(this, filter, q, opt && opt.onMessage, cb);
  },
  unsubscribe: function (this: R, filter: string, cb?: SnSubscribeCallback) {
    if (!SUB) throw lacks("unsubscribe on MQTT-SN");
    return subs(this, filter, -1, undefined, cb);
  },
  updateWill: function (this: R, w: SnWill | null) {
    if (!WILL) throw lacks("a will on MQTT-SN");
    const c = this;
    if (w && !validTopic(w.topic)) throw fail("invalid will topic", "will");
    c.wl = w || null;
    c.wu = 1;
    pump(c);
  },
  sleep: function (this: R, sec: number, every?: number) {
    const c = this;
    if (!(sec >= 1 && sec <= 65535)) throw fail("sleep duration must be 1 to 65535 s", "options");
    c.zz = sec;
    c.zw = (every || (sec * 3) / 4) * 1000;
    pump(c);
  },
  wake: function (this: R) {
    const c = this;
    if (c.s != S.ASLEEP && c.s != S.AWAKE) return;
    disarm(c);
    connect(c, null);
  },
  end: function (this: R, force?: any, cb?: () => void) {
    const c = this;
    // end(cb) and end(force, cb), as the MQTT client's: cb runs once, at the close. Held messages are
    // not waited for (counted in an "ended" error): force or not, the end is at once.
    if (typeof force == "function") cb = force;
    if (cb) {
      if (c.s == S.END) return cb();
      listen(c, "close", cb, true);
    }
    if (c.s == S.END) return;
    const was = c.s;
    const n = PERSIST && c.st.p ? snPersistCount(c.st) : c.st.e.length;
    if (was >= S.UP) send(c, snEncode(N.DISCONNECT));
    disarm(c);
    c.s = S.END;
    const so = c.so;
    c.so = null;
    if (so) so.close();
    // Callbacks of (un)subscribes still waiting for their acks run once, now: no ack can come.
    if (SUB) for (let k = 0, a = c.sb.concat(c.us); k < a.length; k++) settle(c, a[k], fail("ended before its ack: " + a[k].f, "ended"));
    // With persist the QoS 1 ones stay in Storage, and go out at the next connect with the same persist.
    if (n) c.eq.push("error", fail(n + " held message(s) not sent before end()" + (PERSIST && c.st.p ? ", QoS 1 kept in Storage" : ""), "ended"));
    if (was >= S.UP) c.eq.push("offline", undefined);
    ev(c, "close");
  },
  // Several listeners per event, as on the MQTT client (events.ts).
  on: on,
  once: once,
  off: off,
  state: function (this: R) {
    return this.s;
  },
  queued: function (this: R) {
    return PERSIST && this.st.p ? snPersistCount(this.st) : this.st.e.length;
  },
};

/**
 * A subscription (q 0..2), or an unsubscribe (q -1), queued until its ack. Either supersedes whatever
 * was queued or in effect for the same filter: the later call wins.
 */
function subs(c: R, f: string, q: number, h?: SnMessageCallback, cb?: SnSubscribeCallback): R {
  if (!validFilter(f)) throw fail("invalid topic filter: " + f, "topic");
  if (c.s == S.END) {
    if (cb) cb(fail("ended", "ended"));
    return c;
  }
  const all = c.sb.concat(c.us);
  for (let k = 0; k < all.length; k++)
    if (all[k].f == f) {
      const l = all[k].q < 0 ? c.us : c.sb;
      l.splice(l.indexOf(all[k]), 1);
      settle(c, all[k], fail("superseded before its ack: " + f, "superseded"));
    }
  (q < 0 ? c.us : c.sb).push({ f: f, q: q, cb: h, d: cb, i: -1, n: c.sq++ });
  pump(c);
  return c;
}

(PROTO as any).removeListener = PROTO.off;

/** An MQTT-SN client for `opts` (copied, never written). `make` builds the transport when none is given. */
export function createSnClient(opts?: SnOptions | null, make?: (o: any) => DatagramTransport, defaults?: SnOptions): SnClient {
  const o: any = {};
  for (const k in defaults) o[k] = (defaults as any)[k];
  for (const k in opts) if ((opts as any)[k] !== undefined) o[k] = (opts as any)[k];
  o.random = o.random || Math.random;
  if (!o.transport) o.transport = make ? make(o) : null;
  if (typeof o.transport != "function") throw fail("no transport", "options");
  // __INLINE__: written out here by terser, one function fewer held on a board (as in src/client.ts).
  /*@__INLINE__*/ numbers(o, "port 10000 1 65535 keepalive 60 0 65535 retry 10000 1 1e9 retries 3 0 1000 storeSize 2048 0 1e9 topics 32 1 65535 qos2 16 1 65535 reconnectMin 1000 1 1e9 reconnectMax 60000 1 1e9");
  if (o.clientId == null) o.clientId = "mqttiny" + Math.floor(o.random() * 1e8);
  if (typeof o.clientId != "string" || o.clientId.length < 1 || o.clientId.length > 23) throw fail("clientId must be 1 to 23 characters", "clientId");
  if (!WILL && o.will) throw lacks("a will on MQTT-SN");
  const w = o.will;
  if (w && (!validTopic(w.topic) || !(w.qos == null || w.qos === 0 || w.qos === 1 || w.qos === 2))) throw fail("invalid will topic or QoS", "will");
  const c: R = Object.create(PROTO);
  // What publish() reads first is made first (Espruino finds a property by walking the object's list).
  c.s = S.OFF;
  c.vt = NaN;
  c.pd = regCreate(0);
  const pd = o.predefined;
  for (const k in pd) if (validTopic(k) && pd[k] >= 1 && pd[k] <= 65535) regPut(c.pd, k, pd[k], RF.GW | RF.NOW);
  c.k = o.clock || { now: Date.now, set: setTimeout, clear: clearTimeout };
  const lo = "127.0.0.1";
  c.gh = o.host || lo;
  c.gp = o.port;
  const sr = o.search;
  c.sh = sr ? sr.host || lo : null;
  c.sp = sr ? sr.port : 0;
  c.sr = sr ? sr.radius || 1 : 0;
  c.cid = o.clientId;
  c.ka = o.keepalive;
  c.cl = c.cc = o.clean === false ? 0 : 1;
  c.kp = 0;
  c.wl = w || null;
  c.rt = o.retry;
  c.rn = o.retries;
  c.r0 = o.reconnectMin;
  c.r1 = Math.max(o.reconnectMax, o.reconnectMin);
  c.rd = o.random;
  c.bi = o.binary ? 1 : 0;
  c.h = {};
  c.eq = [];
  c.ef = 0;
  c.t = c.kt = c.fl = c.fe = null;
  c.fx = -1;
  c.fm = c.fc = c.ls = c.lr = c.f = c.mi = c.wu = c.wa = c.wt = c.zz = c.zw = 0;
  c.st = snStore(o.storeSize);
  c.rg = regCreate(o.topics);
  // persist (sn/persist.ts): what an earlier run held is loaded first, message ids go on from its newest;
  // on a kept session (clean: false) the topic ids it registered too.
  if (PERSIST && o.persist != null) {
    numbers(o, "persistSize 2048 32 65000");
    c.mi = snPersistOpen(c.st, c.rg, o.persist, o.persistSize, c.cl ? 0 : 1);
  } else if (o.persist != null) throw fail("persist needs build/mqttiny-sn-persist.min.js", "options");
  c.sb = [];
  c.sq = 0;
  c.us = [];
  c.q2 = [];
  c.q1 = [];
  c.qn = o.qos2;
  c.m = snMsg();
  c.dropped = c.attempts = 0;
  // The socket holds the events object; the record keeps neither the transport nor the passive flag.
  c.so = o.transport({ c: c, message: onMessage, error: onError }, o.localPort);
  // The first attempt is a timer too, so end() right after connect() cancels it.
  if (!o.passive) c.t = c.k.set(start, 0, c);
  return c as any;
}
