/** An error with a machine-readable `code` (each client documents its codes). */
export interface CodedError extends Error {
    code: string | number;
}
/** The part of a client record that events touch: the listeners, the queue, and whether it is being emitted. */
export interface Emitter {
    /** Listeners by event: one is held as itself, several as an array (the usual single one costs no array). */
    h: {
        [e: string]: any;
    };
    eq: any[];
    ef: number;
}
/**
 * An error with its code, and the cause `x` (an error or a reason) appended to the message. A build
 * without TEXT (features.ts) has every call's `msg` taken out by the build: its message is the code.
 */
export declare function fail(msg: string, code: string | number, x?: any): CodedError;
/**
 * Lifecycle events (connected, error, offline, close, ...) go through one queue: a handler that calls
 * end() or publish() runs after the transition that emitted it is complete, and each event fires once.
 * With no `e`, emits what is queued; nothing when an emission further up the stack is already doing so.
 */
export declare function ev(c: Emitter, e?: string, a?: unknown): void;
/**
 * Whole-number options of `o`, checked and defaulted in place: `spec` lists "name default least most"
 * groups, separated by spaces (a literal in the caller's code, not a table held in RAM on a board); any
 * form of number, so 1e9 for 1,000,000,000.
 */
export declare function numbers(o: any, spec: string): void;
/**
 * Adds listener `f` of `e`. One listener is held as itself, several as an array, in which a once()
 * listener is held as [f] (no wrapper function: on a board each function defined at run time copies
 * its text).
 */
export declare function listen(c: Emitter, e: string, f: any, once?: boolean): void;
/** Removes one registration of `f` (or a once() entry of it) from `e`. */
export declare function unlisten(c: Emitter, e: string, f: any): void;
/** Calls the listeners of `e` in the order they were added; a once() entry is removed before its call. */
export declare function emit(c: Emitter, e: string, a?: any, b?: any, x?: any): void;
/**
 * Runs a subscribe()/unsubscribe() callback `s.d` once, as MQTT.js calls it: (err, [{ topic, qos }]) for
 * a SUBACK, (err) otherwise. Its entry's state has already changed; a callback that throws becomes an
 * `error` event, as a message callback does.
 */
export declare function settle(c: Emitter, s: {
    f: string;
    d?: (e: CodedError | null, g?: {
        topic: string;
        qos: number;
    }[]) => void;
}, err: CodedError | null, q?: number): void;
/** What on() reads of a client record: its state (3 is connected in both clients), clock, and session flag. */
interface Listened extends Emitter {
    s: number;
    k: {
        set(f: any, ms: number, a?: any): any;
    };
    kp?: number;
}
export declare function on(this: Listened, e: string, f: any): Listened;
export declare function once(this: Listened, e: string, f: any): Listened;
export declare function off(this: Listened, e: string, f: any): Listened;
export {};
