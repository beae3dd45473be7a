// Espruino transport: require("net") / require("tls"). Socket data arrives as Strings (one char per
// byte) and goes to the decoder as it is; bytes must be written as a String, because a Uint8Array
// passed to an Espruino socket's write() goes out as the text "1,2,3".
import type { Link, LinkEvents, Transport } from "../client";

export interface EspruinoOptions {
  host?: string;
  port?: number;
  tls?: boolean;
  /** Bytes handed to the socket before waiting for drain; every unsent write is a String in RAM. Default 256. */
  hw?: number;
}

export function espruinoTransport(o: EspruinoOptions): Transport {
  return function (h: LinkEvents): Link {
    let s: any = null;
    let down = false;
    // A lost link gives end then close, error may never fire, and connecting to a closed port may throw:
    // every path ends here, once.
    function gone(e?: unknown) {
      if (!down) {
        down = true;
        h.close(e);
      }
    }
    try {
      s = require(o.tls ? "tls" : "net").connect({ host: o.host, port: o.port || (o.tls ? 8883 : 1883) }, function () {
        h.open();
      });
      s.on("data", h.data);
      s.on("drain", h.drain);
      s.on("end", gone);
      s.on("close", gone);
      s.on("error", gone);
    } catch (e) {
      setTimeout(function () {
        gone(e);
      }, 0);
    }
    return {
      hw: o.hw || 256,
      write: function (b, a, z) {
        if (s && !down) s.write(E.toString(b.subarray(a, z)));
      },
      close: function () {
        down = true;
        if (s) s.end();
      },
    };
  };
}
