import type { CodedError } from "./events";
export declare const V31: boolean;
export declare const QOS2: boolean;
export declare const BIN: boolean;
export declare const TLS: boolean;
export declare const CHECK: boolean;
export declare const TEXT: boolean;
export declare const FAST: boolean;
export declare const CB: boolean;
export declare const PUB: boolean;
export declare const ACKS: boolean;
export declare const SUB: boolean;
export declare const WILL: boolean;
export declare const URL: boolean;
export declare const SRV: boolean;
/** The error for a feature this build left out: code "build", and the build that has it. */
export declare function lacks(what: string): CodedError;
