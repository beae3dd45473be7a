import type { Datagram, DatagramEvents } from "../sn/udp";
export declare function espruinoUdp(ev: DatagramEvents, localPort?: number): Datagram;
