/**
 * `mqtt://` or `tcp://` (plain), `mqtts://` or `ssl://` (TLS); `user:password@`; a host name, an IPv4
 * address or a bracketed IPv6 one; `:port` (checked with the other options). A path is ignored.
 * Anything else throws with code "url"; the message never repeats the URL, which may hold a password.
 */
export declare function urlOptions(u: string, o?: any): any;
