// What both clients (MQTT and MQTT-SN) share about telling the user: errors that carry a code, the one
// queue lifecycle events go through, and the check of numeric options. Below the clients, above nothing.
import { TEXT, CHECK } from "./features";

/** An error with a machine-readable `code` (each client documents its codes). */
export interface CodedError extends Error {
  code: string | number;
}

/** The part of a client record that events touch: the handlers, the queue, and whether it is being emitted. */
export interface Emitter {
  h: { [e: string]: ((a?: any, b?: any, d?: any) => void) | undefined };
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
    while (c.eq.length) {
      const f = c.h[c.eq.shift()];
      const x = c.eq.shift();
      if (f) f(x);
    }
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
