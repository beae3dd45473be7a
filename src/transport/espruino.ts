// Espruino transport: require("net") / require("tls"). Socket data arrives as Strings (one char per
// byte) and goes to the decoder as it is; the device wire builds packets as Strings, which are what an
// Espruino socket sends as bytes (a Uint8Array passed to write() goes out as the text "1,2,3").
import { linkPort } from "../link";
import type { Link, LinkEvents, Transport } from "../link";

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

export function espruinoTransport(o: EspruinoOptions): Transport {
  return socketLink(o.host, linkPort(o), !!o.tls, o.hw || 256, der(o.ca), der(o.cert), der(o.key));
}

// Espruino's tls takes DER byte Strings only (PEM text throws "mbedtls_x509_crt_parse ... Invalid
// format"): PEM text becomes the atob() of its first block's body (atob skips the line breaks).
// Anything without a "-----" line is taken to be DER already.
function der(p?: string) {
  const a = p && p.split("-----");
  return a && a[2] ? atob(a[2]) : p;
}

// A separate scope from the options: on Espruino a closure keeps its whole scope alive, and the options
// object (long property names, a block or more each) would otherwise live as long as the client.
function socketLink(host: string | undefined, port: number, tls: boolean, hw: number, ca?: string, cert?: string, key?: string): Transport {
  return function (h: LinkEvents): Link {
    let s: any = null;
    let down = false;
    // A lost link gives end then close, error may never fire, and connecting to a closed port may throw:
    // every path ends here, once, with the error if one was seen.
    let err: unknown;
    // A TLS link that ends before any data, with no error given, failed its handshake (2v29 reports that
    // only as an uncaught InternalError from its event loop, which nothing here can catch).
    let got = false;
    function gone(e?: unknown) {
      if (e) err = e;
      if (!down) {
        down = true;
        h.close(err || (tls && !got ? "TLS handshake failed" : err));
      }
    }
    try {
      s = require(tls ? "tls" : "net").connect({ host: host, port: port, ca: ca, cert: cert, key: key }, function () {
        h.open();
      });
      s.on("data", function (d: string) {
        got = true;
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
      hw: hw,
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
