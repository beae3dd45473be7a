// Espruino transport: require("net") / require("tls"). Socket data arrives as Strings (one char per
// byte) and goes to the decoder as it is; the device wire builds packets as Strings, which are what an
// Espruino socket sends as bytes (a Uint8Array passed to write() goes out as the text "1,2,3").
import { linkPort } from "../link";
import type { Link, LinkEvents, Transport } from "../link";

export interface EspruinoOptions {
  host?: string;
  port?: number;
  tls?: boolean;
  /** Bytes handed to the socket before waiting for drain; every unsent write is a String in RAM. Default 256. */
  hw?: number;
}

export function espruinoTransport(o: EspruinoOptions): Transport {
  const port = linkPort(o);
  return function (h: LinkEvents): Link {
    let s: any = null;
    let down = false;
    // A lost link gives end then close, error may never fire, and connecting to a closed port may throw:
    // every path ends here, once, with the error if one was seen.
    let err: unknown;
    function gone(e?: unknown) {
      if (e) err = e;
      if (!down) {
        down = true;
        h.close(err);
      }
    }
    try {
      s = require(o.tls ? "tls" : "net").connect({ host: o.host, port: port }, function () {
        h.open();
      });
      s.on("data", function (d: string) {
        h.data(d);
      });
      s.on("drain", function () {
        h.drain();
      });
      s.on("error", function (e: unknown) {
        err = e;
      });
      s.on("end", gone);
      s.on("close", gone);
    } catch (e) {
      setTimeout(gone, 0, e);
    }
    return {
      hw: o.hw || 256,
      write: function (d) {
        if (s && !down) s.write(d);
      },
      close: function () {
        down = true;
        if (s) s.end();
      },
    };
  };
}
