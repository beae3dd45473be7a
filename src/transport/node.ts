// Node transport: net or tls. Writes are copied into a shared slab and flushed once per turn of the
// event loop, so a burst of small packets becomes one socket write instead of thousands.
import { linkPort } from "../link";
import type { Link, LinkEvents, Transport } from "../link";

export interface NodeOptions {
  host?: string;
  port?: number;
  /** TLS: certificates are verified unless rejectUnauthorized is explicitly false. */
  tls?: boolean;
  ca?: unknown;
  cert?: unknown;
  key?: unknown;
  servername?: string;
  rejectUnauthorized?: boolean;
  /** Bytes the client may hand over before waiting for drain; default 65536. */
  hw?: number;
}

// Write slabs start small (an idle node in a fleet holds little) and double under load up to SLAB.
const SLAB = 65536;
const FIRST = 1024;

export function nodeTransport(o: NodeOptions): Transport {
  const host = o.host || "127.0.0.1";
  const port = linkPort(o);
  return function (h: LinkEvents): Link {
    const s = o.tls
      ? require("tls").connect({ host: host, port: port, ca: o.ca, cert: o.cert, key: o.key, servername: o.servername || (/^[\d.:]+$/.test(host) ? undefined : host), rejectUnauthorized: o.rejectUnauthorized !== false })
      : require("net").connect({ host: host, port: port });
    let slab: any = null;
    let from = 0;
    let pos = 0;
    let queued = false;
    let err: unknown = null;
    let dead = false;
    s.setNoDelay(true);
    s.on(o.tls ? "secureConnect" : "connect", function () {
      h.open();
    });
    s.on("data", function (d: Uint8Array) {
      h.data(d);
    });
    s.on("error", function (e: unknown) {
      err = e;
    });
    s.on("close", function () {
      dead = true;
      h.close(err);
    });
    s.on("drain", function () {
      h.drain();
    });
    function flush() {
      queued = false;
      if (dead || pos == from) return;
      const ok = s.write(slab.subarray(from, pos));
      from = pos;
      if (ok) h.drain();
    }
    return {
      hw: o.hw || SLAB,
      write: function (b: any, a, z) {
        const n = z - a;
        if (!slab || pos + n > slab.length) {
          // The socket keeps a reference to what it was given, so a full slab is replaced, never reused.
          if (slab) flush();
          slab = Buffer.allocUnsafe(Math.max(n, slab ? Math.min(SLAB, slab.length * 2) : FIRST));
          from = pos = 0;
        }
        // Copied through locals: slab and pos live in this closure's context, and a loop that read and
        // wrote them there on every byte took about half as long again.
        const d = slab;
        let p = pos;
        for (let i = a; i < z; ) d[p++] = b[i++];
        pos = p;
        if (!queued) {
          queued = true;
          setImmediate(flush);
        }
      },
      close: function () {
        if (!dead) {
          // end() lets a final DISCONNECT out; a dead peer must not hold the socket open for long.
          flush();
          s.end();
          const k: any = setTimeout(function () {
            s.destroy();
          }, 2000);
          if (k.unref) k.unref();
        }
      },
    };
  };
}

declare const Buffer: any;
declare function setImmediate(f: () => void): void;
