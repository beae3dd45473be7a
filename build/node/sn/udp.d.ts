export interface DatagramEvents {
    message(d: Uint8Array | string, host: string, port: number): void;
    error(e: unknown): void;
}
export interface Datagram {
    send(d: Uint8Array | string, host: string, port: number): void;
    close(): void;
}
export type DatagramTransport = (ev: DatagramEvents, localPort?: number) => Datagram;
