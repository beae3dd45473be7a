// The datagram transport the MQTT-SN client runs over: Node dgram (src/transport/node-udp.ts) or
// Espruino dgram. One datagram is one MQTT-SN message. On Espruino datagrams are Strings (one char per
// byte) both ways, on Node Uint8Array (Buffer); the client accepts either on `message` and sends
// Uint8Array (an Espruino transport converts with E.toString before sending).

export interface DatagramEvents {
  message(d: Uint8Array | string, host: string, port: number): void;
  error(e: unknown): void;
}

export interface Datagram {
  send(d: Uint8Array | string, host: string, port: number): void;
  close(): void;
}

// Opens the socket (bound to `localPort` when the options ask for one, else any port) and reports
// datagrams and errors through `ev`.
export type DatagramTransport = (ev: DatagramEvents, localPort?: number) => Datagram;
