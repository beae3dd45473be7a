import type { SnClient, SnOptions } from "./sn/client";
/** `transport` in the options replaces the dgram socket (tests and benchmarks pass an in-program one). */
export declare function connect(o?: SnOptions): SnClient;
