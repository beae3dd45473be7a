// Node datagram transport for the MQTT-SN client: one dgram socket for the client's life. Bound to
// `localPort` when given (a QoS -1 client is known to the gateway by its source port), on
// `localAddress` (default: 127.0.0.1 when the gateway is on loopback, else every interface).
import type { Datagram, DatagramEvents, DatagramTransport } from "../sn/udp";

export interface NodeUdpOptions {
  host?: string;
  localAddress?: string;
}

const LOOPBACK = /^(127\.|localhost$)/;

export function nodeUdp(o: NodeUdpOptions): DatagramTransport {
  const local = o.localAddress || (LOOPBACK.test(o.host || "127.0.0.1") ? "127.0.0.1" : undefined);
  return function (ev: DatagramEvents, localPort?: number): Datagram {
    const s = require("dgram").createSocket("udp4");
    let open = true;
    // Sends still in dgram's hands: close() waits for them, so a final DISCONNECT is not lost.
    let busy = 0;
    function sent(e: unknown) {
      if (e) ev.error(e);
      if (!--busy && !open) s.close();
    }
    s.on("message", function (d: Uint8Array, ri: { address: string; port: number }) {
      ev.message(d, ri.address, ri.port);
    });
    s.on("error", function (e: unknown) {
      ev.error(e);
    });
    // Sends made before the bind completes are queued by dgram.
    s.bind(localPort || 0, local);
    return {
      send: function (d: Uint8Array | string, host: string, port: number) {
        if (!open) return;
        busy++;
        s.send(typeof d == "string" ? Buffer.from(d, "latin1") : d, port, host, sent);
      },
      close: function () {
        if (open && !busy) s.close();
        open = false;
      },
    };
  };
}

declare const Buffer: any;
