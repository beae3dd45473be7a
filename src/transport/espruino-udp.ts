// Espruino datagram transport for the MQTT-SN client: require("dgram"). Seen on 2v29 (README, "UDP on
// Espruino"): send() takes a String only, one char per byte (a Uint8Array stops the interpreter with an
// ASSERT), so bytes are converted with E.toString first; `message` gives (String, { address, port, size })
// and cuts a datagram to 528 bytes; bind() on a port in use throws; send() after close throws.
// No closure at all: the socket's handlers are module-level functions that find the events object on the
// socket itself (Espruino calls them with `this` = the socket), so nothing's text is copied per socket and
// nothing is allocated per datagram but the String the socket itself needs.
import type { Datagram, DatagramEvents } from "../sn/udp";

interface Sock extends Datagram {
  /** The dgram socket, null once closed. */
  _s: any;
  _e: DatagramEvents;
}

export function espruinoUdp(ev: DatagramEvents, localPort?: number): Datagram {
  const s = require("dgram").createSocket("udp4");
  const d: Sock = { _s: s, _e: ev, send: udpSend, close: udpClose };
  s._e = ev;
  s.on("message", udpMessage);
  s.on("error", udpError);
  if (localPort) {
    // A port in use throws here (and leaves the socket closed): reported as an error, after this call returns.
    try {
      s.bind(localPort);
    } catch (e) {
      d._s = null;
      setTimeout(udpFail, 0, [ev, e]);
    }
  }
  return d;
}

function udpMessage(this: any, m: string, r: { address: string; port: number }): void {
  this._e.message(m, r.address, r.port);
}

function udpError(this: any, e: unknown): void {
  this._e.error(e);
}

function udpFail(a: [DatagramEvents, unknown]): void {
  a[0].error(a[1]);
}

function udpSend(this: Sock, data: Uint8Array | string, host: string, port: number): void {
  const s = this._s;
  if (!s) return;
  const str = typeof data == "string" ? data : E.toString(data);
  // E.toString gives undefined when the String cannot be allocated; send() would stop the interpreter on it.
  if (typeof str != "string") return this._e.error(new Error("out of memory"));
  try {
    s.send(str, port, host);
  } catch (e) {
    this._e.error(e);
  }
}

function udpClose(this: Sock): void {
  const s = this._s;
  this._s = null;
  if (s) s.close();
}
