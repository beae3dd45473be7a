import type { Transport } from "../link";
export interface NodeOptions {
    host?: string;
    port?: number;
    /** TLS: certificates are verified unless rejectUnauthorized is explicitly false. */
    tls?: boolean;
    ca?: unknown;
    cert?: unknown;
    key?: unknown;
    servername?: string;
    rejectUnauthorized?: boolean;
    /** Bytes the client may hand over before waiting for drain; default 65536. */
    hw?: number;
}
export declare function nodeTransport(o: NodeOptions): Transport;
