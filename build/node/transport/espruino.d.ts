import type { Transport } from "../link";
export interface EspruinoOptions {
    host?: string;
    port?: number;
    tls?: boolean;
    /**
     * TLS: the CA certificate, the client certificate and its key, each as PEM text (converted once at
     * connect()) or as a DER byte String. Espruino 2v29 does NOT verify the broker's certificate, even
     * with `ca`: it encrypts, and `cert` + `key` let the broker authenticate the board.
     */
    ca?: string;
    cert?: string;
    key?: string;
    /** Bytes handed to the socket before waiting for drain; every unsent write is a String in RAM. Default 256. */
    hw?: number;
}
export declare function espruinoTransport(o: EspruinoOptions): Transport;
