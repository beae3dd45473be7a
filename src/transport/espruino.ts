// Espruino transport: require("net") / require("tls"). Socket data arrives as Strings (one char per
// byte) and goes to the decoder as it is; the device wire builds packets as Strings, which are what an
// Espruino socket sends as bytes (a Uint8Array passed to write() goes out as the text "1,2,3").
import { linkPort } from "../link";
import { TLS, lacks } from "../features";
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
  // The connect function bound to the resolved options under short names: no closure, so nothing keeps
  // the options object itself (long property names, a block or more each) alive with the client.
  if (!TLS && o.tls) throw lacks("tls");
  const cfg: Cfg = TLS ? { h: o.host || "127.0.0.1", p: linkPort(o), t: !!o.tls, w: o.hw || 256, a: der(o.ca), c: der(o.cert), k: der(o.key) } : { h: o.host || "127.0.0.1", p: linkPort(o), t: false, w: o.hw || 256 };
  return sConnect.bind(cfg);
}

interface Cfg {
  h?: string;
  p: number;
  t: boolean;
  w: number;
  a?: string;
  c?: string;
  k?: string;
}

// Espruino's tls takes DER byte Strings only (PEM text throws "mbedtls_x509_crt_parse ... Invalid
// format"): PEM text becomes the atob() of its first block's body (atob skips the line breaks).
// Anything without a "-----" line is taken to be DER already.
function der(p?: string) {
  const a = p && p.split("-----");
  return a && a[2] ? atob(a[2]) : p;
}

// No closure per connection either: the socket itself is the link (its write() takes the client's
// Strings and ignores the range arguments), it carries the link's state, and its handlers are module
// functions that find it as `this`. A closure made per connection cost about 110 blocks on an ESP8266,
// against 10 for the socket itself.
function sConnect(this: Cfg, h: LinkEvents): Link {
  const o = this;
  let s: any;
  try {
    // The socket keeps this object for as long as it is open: the TLS fields only when given.
    const q: any = { host: o.h, port: o.p };
    if (TLS && o.t) {
      q.ca = o.a;
      q.cert = o.c;
      q.key = o.k;
    }
    s = require(TLS && o.t ? "tls" : "net").connect(q, sOpen);
    s.on("data", sData);
    s.on("drain", sDrain);
    s.on("error", sError);
    s.on("end", sGone);
    s.on("close", sGone);
  } catch (e: any) {
    // Connecting to a closed port may throw instead of emitting: reported like a close, after return.
    // Espruino prints the errno (err 111) to the console only; the error names the broker at least.
    s = {};
    setTimeout(sGone, 0, o.h + ":" + o.p + ": " + (e.message || e) + " (refused or unreachable)", s);
  }
  // h: the client's events; t: TLS; g: data was seen; e: the error seen; d: the link is down.
  s.h = h;
  s.c = o;
  if (TLS) s.t = o.t;
  s.hw = o.w;
  s.close = lClose;
  return s;
}

function lClose(this: any) {
  this.d = true;
  if (this.end) this.end();
}

function sOpen(this: any) {
  this.h.open();
}

function sData(this: any, d: string) {
  if (TLS) this.g = true;
  this.h.data(d);
}

function sDrain(this: any) {
  this.h.drain();
}

function sError(this: any, e: any) {
  this.e = this.c.h + ":" + this.c.p + ": " + ((e && e.message) || e);
}

// A lost link gives end then close, error may never fire, and connecting to a closed port may throw:
// every path ends here, once, with the error if one was seen. A TLS link that ends before any data,
// with no error given, failed its handshake (2v29 reports that only as an uncaught InternalError from
// its event loop, which nothing here can catch).
function sGone(this: any, e?: unknown, o?: any) {
  const s = o || this;
  // `close` passes a boolean (had_error): the error itself came with the `error` event.
  if (e && e !== true) s.e = e;
  if (!s.d) {
    s.d = true;
    s.h.close(s.e || (TLS && s.t && !s.g ? "TLS handshake failed" : s.e));
  }
}
