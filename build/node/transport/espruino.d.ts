import type { Transport } from "../link";
export interface EspruinoOptions {
    host?: string;
    port?: number;
    tls?: boolean;
    /** Bytes handed to the socket before waiting for drain; every unsent write is a String in RAM. Default 256. */
    hw?: number;
}
export declare function espruinoTransport(o: EspruinoOptions): Transport;
