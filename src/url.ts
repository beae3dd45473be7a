// connect(url, opts) as MQTT.js takes it: the options a broker URL gives, over a copy of `o`.
import { fail } from "./events";

/**
 * `mqtt://` or `tcp://` (plain), `mqtts://` or `ssl://` (TLS); `user:password@`; a host name, an IPv4
 * address or a bracketed IPv6 one; `:port` (checked with the other options). A path is ignored.
 * Anything else throws with code "url"; the message never repeats the URL, which may hold a password.
 */
export function urlOptions(u: string, o?: any): any {
  const r: any = {};
  for (const k in o) r[k] = o[k];
  const i = u.indexOf("://");
  const s = u.substr(0, i);
  let h = u.substr(i + 3).split("/")[0];
  const at = h.lastIndexOf("@");
  if (at >= 0) {
    const c = h.substr(0, at).split(":");
    r.username = decodeURIComponent(c[0]);
    if (c.length > 1) r.password = decodeURIComponent(c.slice(1).join(":"));
    h = h.substr(at + 1);
  }
  const p = h.lastIndexOf(":");
  if (p > h.lastIndexOf("]")) {
    r.port = +h.substr(p + 1) || 0;
    h = h.substr(0, p);
  }
  if (h.charAt(0) == "[") h = h.substr(1, h.length - 2);
  if (i < 1 || !h || "mqtt tcp mqtts ssl".split(" ").indexOf(s) < 0) throw fail("URL: mqtt://, mqtts://, tcp:// or ssl://, then [user[:password]@]host[:port]", "url");
  r.host = h;
  r.tls = s == "mqtts" || s == "ssl";
  return r;
}
