import type { DatagramTransport } from "../sn/udp";
export interface NodeUdpOptions {
    host?: string;
    localAddress?: string;
}
export declare function nodeUdp(o: NodeUdpOptions): DatagramTransport;
