// What both clients (MQTT and MQTT-SN) share about telling the user: errors that carry a code, the one
// queue lifecycle events go through, and the check of numeric options. Below the clients, above nothing.
import { TEXT, CHECK } from "./features";
import { RAW } from "./codec/native";

/** An error with a machine-readable `code` (each client documents its codes). */
export interface CodedError extends Error {
  code: string | number;
}

/** The part of a client record that events touch: the listeners, the queue, and whether it is being emitted. */
export interface Emitter {
  /** Listeners by event: one is held as itself, several as an array (the usual single one costs no array). */
  h: { [e: string]: any };
  eq: any[];
  ef: number;
}

/**
 * An error with its code, and the cause `x` (an error or a reason) appended to the message. A build
 * without TEXT (features.ts) has every call's `msg` taken out by the build: its message is the code.
 */
export function fail(msg: string, code: string | number, x?: any): CodedError {
  const e = new Error((TEXT ? msg : "mqttiny " + code) + (x ? ": " + (x.message || x) : "")) as CodedError;
  e.code = code;
  return e;
}

/**
 * Lifecycle events (connected, error, offline, close, ...) go through one queue: a handler that calls
 * end() or publish() runs after the transition that emitted it is complete, and each event fires once.
 * With no `e`, emits what is queued; nothing when an emission further up the stack is already doing so.
 */
export function ev(c: Emitter, e?: string, a?: unknown) {
  if (e) c.eq.push(e, a);
  if (c.ef) return;
  c.ef = 1;
  try {
    while (c.eq.length) emit(c, c.eq.shift(), c.eq.shift());
  } finally {
    c.ef = 0;
  }
}

/**
 * Whole-number options of `o`, checked and defaulted in place: `spec` lists "name default least most"
 * groups, separated by spaces (a literal in the caller's code, not a table held in RAM on a board); any
 * form of number, so 1e9 for 1,000,000,000.
 */
export function numbers(o: any, spec: string) {
  const a = spec.split(" ");
  // Without CHECK the build has taken the bounds out of every spec (rollup.config.js): "name default".
  for (let k = 0; k < a.length; k += CHECK ? 4 : 2) {
    const n = a[k];
    const v = o[n] == null ? +a[k + 1] : o[n];
    // Without CHECK (features.ts) only the type: `npm run flash` checks the ranges in device/config.json.
    if (typeof v != "number" || (CHECK && (!(v >= +a[k + 2] && v <= +a[k + 3]) || v % 1))) throw fail("option " + n + " must be a whole number from " + a[k + 2] + " to " + a[k + 3], "options");
    o[n] = v;
  }
}

/**
 * Adds listener `f` of `e`. One listener is held as itself, several as an array, in which a once()
 * listener is held as [f] (no wrapper function: on a board each function defined at run time copies
 * its text).
 */
export function listen(c: Emitter, e: string, f: any, once?: boolean) {
  // MQTT.js code on Node listens for "connect": the same event, named here for the state it reports, as
  // Espruino's MQTT module and tinyMQTT name it (so the board bundles carry no alias).
  if (!RAW && e == "connect") e = "connected";
  const h = c.h[e];
  const x = once ? [f] : f;
  c.h[e] = !h && !once ? f : !h ? [x] : typeof h == "function" ? [h, x] : h.concat([x]);
}

/** Removes one registration of `f` (or a once() entry of it) from `e`. */
export function unlisten(c: Emitter, e: string, f: any) {
  if (!RAW && e == "connect") e = "connected";
  const h = c.h[e];
  if (h == f) c.h[e] = undefined;
  else if (h && typeof h != "function")
    for (let k = 0; k < h.length; k++)
      if (h[k] == f || h[k][0] == f) {
        // A new array, so that an emission going through the old one is not disturbed.
        c.h[e] = h.slice(0, k).concat(h.slice(k + 1));
        return;
      }
}

/** Calls the listeners of `e` in the order they were added; a once() entry is removed before its call. */
export function emit(c: Emitter, e: string, a?: any, b?: any, x?: any) {
  const h = c.h[e];
  if (typeof h == "function") h(a, b, x);
  else if (h)
    for (let k = 0; k < h.length; k++) {
      const f = h[k];
      if (typeof f == "function") f(a, b, x);
      else {
        unlisten(c, e, f);
        f[0](a, b, x);
      }
    }
}

/**
 * Runs a subscribe()/unsubscribe() callback `s.d` once, as MQTT.js calls it: (err, [{ topic, qos }]) for
 * a SUBACK, (err) otherwise. Its entry's state has already changed; a callback that throws becomes an
 * `error` event, as a message callback does.
 */
export function settle(c: Emitter, s: { f: string; d?: (e: CodedError | null, g?: { topic: string; qos: number }[]) => void }, err: CodedError | null, q?: number) {
  const f = s.d;
  if (!f) return;
  s.d = undefined;
  try {
    f(err, q == null ? undefined : [{ topic: s.f, qos: q }]);
  } catch (x) {
    ev(c, "error", fail("callback threw", "callback", x));
  }
}

/** What on() reads of a client record: its state (3 is connected in both clients), clock, and session flag. */
interface Listened extends Emitter {
  s: number;
  k: { set(f: any, ms: number, a?: any): any };
  kp?: number;
}

// The listener methods of both clients' prototypes: several listeners per event, as on Node and on
// Espruino. A `connected` listener added while connected (code typed into a board's console after the
// client connected) runs on the next tick.
export function on(this: Listened, e: string, f: any) {
  listen(this, e, f);
  if ((e == "connected" || (!RAW && e == "connect")) && this.s == 3) this.k.set(f, 0, { sessionPresent: !!this.kp });
  return this;
}

export function once(this: Listened, e: string, f: any) {
  listen(this, e, f, true);
  return this;
}

export function off(this: Listened, e: string, f: any) {
  unlisten(this, e, f);
  return this;
}
