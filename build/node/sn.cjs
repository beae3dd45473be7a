/** Runs shorter than this stay in JS, where a native call costs more than the loop. */
var NATIVE = 32;
var nodeBuf = typeof Buffer == "function" && Buffer.prototype && Buffer.prototype.utf8Write ? Buffer : null;
/** The one String.fromCharCode alias of a device bundle (shorter to lex than the global and its member). */
var chr = String.fromCharCode;

// The string-to-bytes rule differs per platform and is explicit:
// - UTF-8 (Node, Duktape): strings are UTF-16, so each code point is UTF-8 encoded.
// - raw (Espruino boards): strings are already bytes (no unicode support in the firmware), so each
//   char code is one byte. UTF-8 encoding there would double-encode "\xb0" into C2 B0.
// It is a property of the interpreter, not of a connection, so it is one switch for the process.
// The device bundle is built with the RAW constant true: the UTF-8 code is then dead and removed by terser.
var raw = (typeof E != "undefined" && !!E.toString);
/** Byte length of `s` under the current rule; a lone surrogate counts as the 3-byte U+FFFD. */
function strLen(s) {
    var n = s.length;
    if (raw)
        return n;
    if (nodeBuf && n > NATIVE)
        return nodeBuf.byteLength(s, "utf8");
    var m = 0;
    for (var i = 0; i < n; i++) {
        var c = s.charCodeAt(i);
        if (c < 0x80)
            m++;
        else if (c < 0x800)
            m += 2;
        else if (isHigh(c) && i + 1 < n && isLow(s.charCodeAt(i + 1)))
            (m += 4), i++;
        else
            m += 3;
    }
    return m;
}
function isHigh(c) {
    return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c) {
    return c >= 0xdc00 && c <= 0xdfff;
}
/** Write the leading chars of `s` below 128 at `o` (one byte each under both rules); returns how many. */
function ascii(b, o, s) {
    var n = s.length;
    var k = 0;
    for (; k < n; k++) {
        var c = s.charCodeAt(k);
        if (c > 127)
            break;
        b[o + k] = c;
    }
    return k;
}
/** Write `s` at `o` under the current rule; the caller has checked the room with strLen. Returns the new offset. */
function strWrite(b, o, s) {
    var n = s.length;
    if (nodeBuf && !raw && n > NATIVE)
        return o + nodeBuf.prototype.utf8Write.call(b, s, o, b.length - o);
    // Plain ASCII (the common case) in a tight loop; anything else is written again by the full loop.
    if (ascii(b, o, s) == n)
        return o + n;
    for (var i = 0; i < n; i++) {
        var c = s.charCodeAt(i);
        if (raw || c < 0x80)
            b[o++] = c;
        else if (c < 0x800) {
            b[o++] = 0xc0 | (c >> 6);
            b[o++] = 0x80 | (c & 63);
        }
        else {
            if (isHigh(c) && i + 1 < n && isLow(s.charCodeAt(i + 1))) {
                c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
                b[o++] = 0xf0 | (c >> 18);
                b[o++] = 0x80 | ((c >> 12) & 63);
            }
            else {
                if (isHigh(c) || isLow(c))
                    c = 0xfffd;
                b[o++] = 0xe0 | (c >> 12);
            }
            b[o++] = 0x80 | ((c >> 6) & 63);
            b[o++] = 0x80 | (c & 63);
        }
    }
    return o;
}
/** The string held in b[o, o+n) under the current rule. Allocates: call it only when a string is wanted. */
function strRead(b, o, n) {
    // Espruino builds the string natively; a JS loop per byte is slow on an interpreter.
    if ((raw) && typeof E != "undefined")
        return E.toString(b.subarray(o, o + n));
    // Node: one native UTF-8 slice makes the string in one allocation (same U+FFFD rule).
    if (nodeBuf && !raw)
        return nodeBuf.prototype.utf8Slice.call(b, o, o + n);
    var end = o + n;
    var s = "";
    while (o < end) {
        var c = b[o++];
        if (!raw && c > 0x7f) {
            // Decode one UTF-8 sequence; anything malformed becomes U+FFFD rather than throwing.
            var k = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
            c = k ? c & (0x3f >> k) : 0xfffd;
            for (var j = 0; j < k; j++) {
                if (o < end && (b[o] & 0xc0) == 0x80)
                    c = (c << 6) | (b[o++] & 63);
                else {
                    c = 0xfffd;
                    break;
                }
            }
            if (c > 0xffff) {
                c -= 0x10000;
                s += String.fromCharCode(0xd800 + (c >> 10));
                c = 0xdc00 + (c & 1023);
            }
        }
        s += String.fromCharCode(c);
    }
    return s;
}

// Index = message type; null = reserved.
var L = [
    "gd", "g", "gx", null, "fpdx", "c", "", "Fx", "", "x", "tmx", "tmc", "ftmx", "tmc", "m", "m",
    "m", null, "fmx", "ftmc", "fmx", "m", "x", "", "D", null, "Fx", "c", "x", "c",
];
function snMsg() {
    return { t: 0, f: 0, q: 0, tt: 0, i: 0, m: 0, c: 0, d: -1, g: 0, x: 0, n: 0, b: new Uint8Array(0) };
}
function u16$2(b, o) {
    return (b[o] << 8) | b[o + 1];
}
/**
 * Decode the datagram b[from, to) (default: all of b) into `m`. Returns the message type, or an SnErr.
 * ENCAPSULATED reports ctrl in m.f, the wireless node id as m.x/m.n and the inner message's offset in
 * m.g: decode it with snDecode(m2, b, m.g, to).
 */
function snDecode(m, d, from, to) {
    var b = typeof d == "string" ? bytes$1(d) : d;
    var o = from || 0;
    var e = to == null ? b.length : to;
    if (e - o < 2)
        return -1 /* SnErr.SHORT */;
    var n = b[o];
    var h = 1;
    if (n == 1) {
        if (e - o < 4)
            return -3 /* SnErr.LONG */;
        n = u16$2(b, o + 1);
        h = 3;
        if (n < 4)
            return -3 /* SnErr.LONG */;
    }
    else if (n < 2)
        return -2 /* SnErr.LENGTH */;
    var t = b[o + h];
    m.b = b;
    m.t = t;
    m.f = m.q = m.tt = m.i = m.m = m.c = m.g = m.x = m.n = 0;
    m.d = -1;
    if (t == 254 /* N.ENCAPSULATED */) {
        // Length covers Length, MsgType, Ctrl and the node id; a whole MQTT-SN message follows.
        if (h > 1 || n < 3)
            return -2 /* SnErr.LENGTH */;
        if (e - o < n + 2)
            return -1 /* SnErr.SHORT */;
        m.f = b[o + 2];
        m.x = o + 3;
        m.n = n - 3;
        m.g = o + n;
        return t;
    }
    if (n > e - o)
        return -1 /* SnErr.SHORT */;
    if (n < e - o)
        return -2 /* SnErr.LENGTH */;
    var lay = t < L.length ? L[t] : null;
    if (lay == null)
        return -4 /* SnErr.TYPE */;
    o += h + 1;
    for (var k = 0; k < lay.length; k++) {
        var c = lay.charAt(k);
        var w = c == "d" || c == "t" || c == "m" ? 2 : c == "D" ? (e - o ? 2 : 0) : c == "F" ? (e - o ? 1 : 0) : c == "x" ? e - o : 1;
        if (o + w > e)
            return -5 /* SnErr.FIELD */;
        if (c == "g")
            m.g = b[o];
        else if (c == "f" || (c == "F" && w)) {
            m.f = b[o];
            m.q = ((m.f >> 5 /* F.QOS_SHIFT */) & 3) == 3 ? -1 : (m.f >> 5 /* F.QOS_SHIFT */) & 3;
            m.tt = m.f & 3;
        }
        else if (c == "p") {
            if (b[o] != 1)
                return -6 /* SnErr.VALUE */;
        }
        else if (c == "d" || (c == "D" && w))
            m.d = u16$2(b, o);
        else if (c == "t")
            m.i = u16$2(b, o);
        else if (c == "m")
            m.m = u16$2(b, o);
        else if (c == "c") {
            m.c = b[o];
            if (m.c > 3)
                return -6 /* SnErr.VALUE */;
        }
        else if (c == "x") {
            m.x = o;
            m.n = w;
        }
        o += w;
    }
    if (o != e)
        return -5 /* SnErr.FIELD */;
    if (t == 12 /* N.PUBLISH */ || t == 18 /* N.SUBSCRIBE */ || t == 20 /* N.UNSUBSCRIBE */) {
        if (m.tt == 3)
            return -6 /* SnErr.VALUE */;
        // SUBSCRIBE / UNSUBSCRIBE: a topic name, or exactly the two bytes of a predefined id or short name.
        if (t != 12 /* N.PUBLISH */ && (m.tt ? m.n != 2 : !m.n))
            return -5 /* SnErr.FIELD */;
        if (t != 12 /* N.PUBLISH */ && m.tt)
            m.i = u16$2(b, m.x);
    }
    if (t == 10 /* N.REGISTER */ && !m.n)
        return -5 /* SnErr.FIELD */;
    return t;
}
/** The variable part of the last decoded message: a string (UTF-8), or with `bin` its bytes (a view, not a copy). */
function snStr(m, bin) {
    return bin ? m.b.subarray(m.x, m.x + m.n) : strRead(m.b, m.x, m.n);
}
/** A byte String (a datagram from an Espruino-style transport) as bytes. */
function bytes$1(s) {
    var b = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++)
        b[i] = s.charCodeAt(i);
    return b;
}
/** A 16-bit value as the two bytes of a variable part (SUBSCRIBE to a predefined id). */
function snId(v) {
    return Uint8Array.of(v >> 8, v & 255);
}
/** The datagram `d` (a PUBLISH) with DUP set, for a resend. */
function snDup(d) {
    d[d[0] == 1 ? 4 : 2] |= 128 /* F.DUP */;
    return d;
}
/** Two characters as a 16-bit topic id (a short topic name), or the reverse. */
function shortId(s) {
    return (s.charCodeAt(0) << 8) | s.charCodeAt(1);
}
function shortName(i) {
    return String.fromCharCode(i >> 8, i & 255);
}
/**
 * Encode a message of type `t`: `x` is the variable part (string or bytes), `a`..`d` the numeric fields
 * in layout order (the protocol id is implied). An optional flags byte (F) is written when x is not
 * empty; an optional duration (D) when its value is >= 0. Returns null for a reserved type or a message
 * over 65,535 bytes.
 */
function snEncode(t, x, a, b, c, d) {
    var lay = t < L.length ? L[t] : null;
    if (lay == null)
        return null;
    var xs = x == null ? 0 : typeof x == "string" ? strLen(x) : x.length;
    var n = 0;
    var v = 0;
    for (var k = 0; k < lay.length; k++) {
        var ch = lay.charAt(k);
        if (ch == "x")
            n += xs;
        else if (ch == "F") {
            v++;
            if (xs)
                n++;
        }
        else if (ch == "D")
            n += arg(v++, a, b, c, d) >= 0 ? 2 : 0;
        else {
            n += ch == "d" || ch == "t" || ch == "m" ? 2 : 1;
            if (ch != "p")
                v++;
        }
    }
    var r = head$2(t, n);
    if (!r)
        return null;
    var o = r.length - n;
    v = 0;
    for (var k = 0; k < lay.length; k++) {
        var ch = lay.charAt(k);
        if (ch == "p")
            r[o++] = 1;
        else if (ch == "x")
            o = put(r, o, x);
        else {
            var y = arg(v++, a, b, c, d);
            if (ch == "d" || ch == "t" || ch == "m" || (ch == "D" && y >= 0)) {
                r[o++] = y >> 8;
                r[o++] = y;
            }
            else if (ch != "D" && (ch != "F" || xs))
                r[o++] = y;
        }
    }
    return r;
}
function arg(k, a, b, c, d) {
    var y = k == 0 ? a : k == 1 ? b : k == 2 ? c : d;
    return y == null ? -1 : y;
}
/** A message buffer for type t with a body of n bytes after the type: 1-byte length form up to 255 bytes in all, else 01 LL LL. */
function head$2(t, n) {
    var s = n + 2 <= 255 ? n + 2 : n + 4;
    if (s > 65535)
        return null;
    var r = new Uint8Array(s);
    if (s > 255) {
        r[0] = 1;
        r[1] = s >> 8;
        r[2] = s;
        r[3] = t;
    }
    else {
        r[0] = s;
        r[1] = t;
    }
    return r;
}
function put(r, o, x) {
    if (x == null)
        return o;
    if (typeof x == "string")
        return strWrite(r, o, x);
    r.set(x, o);
    return o + x.length;
}
/** ENCAPSULATED: the forwarder header (ctrl, wireless node id) followed by the whole message `inner`. */
function snEncap(ctrl, node, inner) {
    var h = 3 + node.length;
    var r = new Uint8Array(h + inner.length);
    r[0] = h;
    r[1] = 254 /* N.ENCAPSULATED */;
    r[2] = ctrl;
    r.set(node, 3);
    r.set(inner, h);
    return r;
}

// Topic name <-> topic id, bounded: ids the gateway gave in REGACK or SUBACK, or sent in REGISTER.
// Parallel arrays, oldest first. One table for both directions, as the gateway keeps one per client,
// but the gateway's entries (it named the topic: REGISTER, SUBACK, or it published with the id) are never
// pushed out by ours: it does not name a topic again before publishing to it, so a forgotten one would
// lose every later message on it. Ours are cheap to make again (a REGISTER), so they make room first;
// when the table holds only the gateway's, a registration of ours is refused. Predefined topics live in a
// registry of their own that nothing evicts. Linear search: registries hold tens of names, and indexOf is
// native on Espruino.
function regCreate(max) {
    return { n: [], i: [], f: [], z: max };
}
/** The id registered for `name` that holds on this connection, or 0. */
function regId(g, name) {
    var k = g.n.indexOf(name);
    return k < 0 || !(g.f[k] & 2 /* RF.NOW */) ? 0 : g.i[k];
}
/** regId for a QoS 1 PUBLISH: also an id kept from an earlier run (RF.KEPT), which now counts as holding. */
function regKept(g, name) {
    var k = g.n.indexOf(name);
    if (k < 0 || !(g.f[k] & (2 /* RF.NOW */ | 4 /* RF.KEPT */)))
        return 0;
    g.f[k] |= 2 /* RF.NOW */;
    return g.i[k];
}
/** The name registered for `id`, or null. The gateway used the id: it holds, and is the gateway's now too. */
function regName(g, id) {
    var k = g.i.indexOf(id);
    if (k < 0)
        return null;
    g.f[k] = 1 /* RF.GW */ | 2 /* RF.NOW */;
    return g.n[k];
}
/**
 * Where a registration of `name` goes: -1 appended, the index of the entry it replaces or pushes out, or
 * -2 no room (only the gateway's entries, and `gw` is 0: a registration of ours).
 */
function regSpot(g, name, gw) {
    var k = g.n.indexOf(name);
    if (k >= 0 || !g.z || g.n.length < g.z)
        return k;
    for (k = 0; k < g.f.length && g.f[k] & 1 /* RF.GW */; k++)
        ;
    return k < g.f.length ? k : gw ? 0 : -2;
}
/**
 * Record name <-> id with flags `f` (RF); an older entry with either the name or the id is replaced
 * (a gateway may give a freed id to another topic). False when it is ours and there is no room.
 */
function regPut(g, name, id, f) {
    var k = regSpot(g, name, f & 1 /* RF.GW */);
    if (k < -1)
        return false;
    // Ours again for a topic the gateway named stays the gateway's.
    if (k >= 0 && g.n[k] == name)
        f |= g.f[k];
    cut(g, k);
    cut(g, g.i.indexOf(id));
    g.n.push(name);
    g.i.push(id);
    g.f.push(f);
    return true;
}
function cut(g, k) {
    if (k < 0)
        return;
    g.n.splice(k, 1);
    g.i.splice(k, 1);
    g.f.splice(k, 1);
}
/** The entry with `id` (every entry, when 0) may no longer hold: registered again before publishing to it. */
function regOld(g, id) {
    for (var k = 0; k < g.f.length; k++)
        if (!id || g.i[k] == id)
            g.f[k] &= 1 /* RF.GW */;
}
/** Forget every registration (a new session: the gateway's ids were for the old one). */
function regClear(g) {
    g.n = [];
    g.i = [];
    g.f = [];
}

// Held publishes of the MQTT-SN client: a FIFO of entries within a byte budget. (Not "store.ts": the
// device build swaps every "./store" import for the MQTT board store.) The MQTT store keeps encoded
// packets, but an MQTT-SN PUBLISH names its topic by an id that is only known once the gateway
// has answered a REGISTER (and changes with every connection), so entries keep the topic name and are
// encoded when sent. QoS 1 entries stay until PUBACK, across lost datagrams, reconnects and gateway
// restarts; QoS 0 entries wait here only for their topic's registration.
function snStore(size) {
    return { e: [], n: 0, x: size };
}
/** Hold a message: 1 held, 0 the budget is used up now, -1 it can never fit. */
function snHold(s, t, p, f, m) {
    var z = 8 + strLen(t) + (typeof p == "string" ? strLen(p) : p.length);
    if (z > s.x)
        return -1;
    if (s.n + z > s.x)
        return 0;
    s.e.push({ t: t, p: p, m: m, f: f, z: z });
    s.n += z;
    return 1;
}
/** Remove the oldest entry (acknowledged, sent at QoS 0, or refused by the gateway). */
function snShift(s) {
    var h = s.e.shift();
    if (h)
        s.n -= h.z;
}

/** Number of bytes the remaining-length field takes for `n` (1..4; 7 bits per byte). */
function lenSize(n) {
    return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4;
}
function dataLen(x) {
    return x == null ? 0 : typeof x == "string" ? strLen(x) : x.length;
}
function dataWrite(b, o, x) {
    if (x == null)
        return o;
    if (typeof x == "string")
        return strWrite(b, o, x);
    b.set(x, o);
    return o + x.length;
}
function u16$1(b, o, v) {
    b[o] = v >> 8;
    b[o + 1] = v & 255;
    return o + 2;
}
/** A length-prefixed field: written, then its length put in front (so no string is measured twice). */
function field(b, o, x) {
    var e = dataWrite(b, o + 2, x);
    u16$1(b, o, e - o - 2);
    return e;
}
/**
 * Fixed header: type/flags byte and remaining length `n`; returns the offset of the variable header,
 * or Err.SPACE when the whole packet would not fit (checked here so callers write nothing on failure).
 */
function head$1(b, o, byte1, n) {
    if (n > 268435455 || o + 1 + lenSize(n) + n > b.length)
        return -1 /* Err.SPACE */;
    b[o++] = byte1;
    do {
        b[o++] = (n & 127) | (n > 127 ? 128 : 0);
        n >>>= 7;
    } while (n);
    return o;
}
/**
 * PUBLISH [MQTT-3.3]. The packet identifier is written only for QoS 1 and 2 and must then be 1..65535.
 * Err.TOPIC for an empty topic or one over 65,535 bytes; Err.ARG for QoS outside 0..2 or a bad id.
 */
function encodePublish(b, o, topic, payload, qos, retain, dup, id) {
    var tl = topic.length;
    var byte1 = (3 /* T.PUBLISH */ << 4) | (0) | (qos << 1) | (retain ? 1 : 0);
    if (nodeBuf && tl && tl <= 21845 && qos >= 0 && qos <= 2 && ((id >= 1 && id <= 65535))) {
        // Node: measuring each string and then writing it are two passes; instead write the packet once
        // where it lands if every char is one byte (the least the remaining length can be), and move it in
        // the rare case the length field grows. Only when it surely fits (3 bytes per UTF-16 unit at most,
        // a 4-byte length field) and the topic surely is 1..65,535 bytes, so a packet that does not fit
        // still writes nothing and every error is left to the measuring path below.
        var pl = payload == null ? 0 : payload.length;
        var max = 4 + 3 * tl + (typeof payload == "string" ? 3 * pl : pl);
        if (o + 5 + max <= b.length && max <= 268435455) {
            var h = lenSize(2 + tl + (2 ) + pl);
            var at = o + 1 + h;
            var e = strWrite(b, at + 2, topic);
            u16$1(b, at, e - at - 2);
            e = u16$1(b, e, id);
            e = dataWrite(b, e, payload) - at;
            var d = lenSize(e) - h;
            if (d)
                b.copyWithin(at + d, at, at + e);
            return head$1(b, o, byte1, e) + e;
        }
    }
    var tn = strLen(topic);
    if (tn < 1 || tn > 65535)
        return -7 /* Err.TOPIC */;
    if ((!(id >= 1 && id <= 65535)))
        return -9 /* Err.ARG */;
    o = head$1(b, o, byte1, 2 + tn + (2 ) + dataLen(payload));
    if (o < 0)
        return o;
    o = field(b, o, topic);
    o = u16$1(b, o, id);
    return dataWrite(b, o, payload);
}

/** Files behave as Storage files do: made at offset 0 with a size (the rest 0xFF), then written in place. */
function flash(name) {
    var fs = require("fs");
    return {
        read: function (n, off, len) {
            var fd;
            try {
                fd = fs.openSync(n, "r");
            }
            catch (x) {
                return undefined;
            }
            try {
                var b = Buffer.alloc(len);
                return b.toString("latin1", 0, fs.readSync(fd, b, 0, len, off));
            }
            finally {
                fs.closeSync(fd);
            }
        },
        write: function (n, d, off, size) {
            if (!off) {
                var b = Buffer.alloc(size || d.length, 255);
                b.write(d, 0, "latin1");
                fs.writeFileSync(n, b);
                return true;
            }
            var fd = fs.openSync(n, "r+");
            try {
                fs.writeSync(fd, Buffer.from(d, "latin1"), 0, d.length, off);
            }
            finally {
                fs.closeSync(fd);
            }
            return true;
        },
        erase: function (n) {
            try {
                fs.unlinkSync(n);
            }
            catch (x) { }
        },
    };
}
/** The QoS 1 PUBLISH as a byte String, or the encoder's Err. */
function packet(topic, payload, retain, id) {
    var b = new Uint8Array(9 + 3 * topic.length + (payload == null ? 0 : typeof payload == "string" ? 3 * payload.length : payload.length));
    var e = encodePublish(b, 0, topic, payload, 1, retain, false, id);
    return e < 0 ? e : Buffer.from(b.buffer, 0, e).toString("latin1");
}
var table = null;
/** CRC-32 (the one E.CRC32 computes), over a byte String. */
function crc(s) {
    if (!table) {
        table = [];
        for (var n = 0; n < 256; n++) {
            var c_1 = n;
            for (var k = 0; k < 8; k++)
                c_1 = c_1 & 1 ? 0xedb88320 ^ (c_1 >>> 1) : c_1 >>> 1;
            table[n] = c_1 >>> 0;
        }
    }
    var c = -1;
    for (var k = 0; k < s.length; k++)
        c = table[(c ^ s.charCodeAt(k)) & 255] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
}
/** A stored topic (UTF-8 bytes) as the String storePut encodes again. */
function text(s) {
    return Buffer.from(s, "latin1").toString("utf8");
}
/** A stored payload as bytes, so that storePut copies it unchanged. */
function bytes(s) {
    return Buffer.from(s, "latin1");
}

// The log of the QoS 1 store kept in Storage (option `persist`, issue 31), shared by the MQTT client's
// store (persist.ts) and the MQTT-SN client's (sn/persist.ts): records, CRC, S/A bytes, the two-generation
// compaction and the torn tail. Each record holds its message as an MQTT PUBLISH packet (the MQTT-SN client
// keeps the topic name there: its topic ids change with every connection). The client's RAM store keeps
// only what is in the sending window; the rest waits in Storage alone, so a held message costs no RAM
// until its turn.
//
// Why this scheme, from how Espruino writes flash (src/jsflash.c, src/jswrap_storage.c, 2v29):
// - Storage.write(name, data, offset) writes only into erased (0xFF) bytes of an existing file and throws
//   otherwise; a write at offset 0 makes a new file, and a replaced or erased file is only marked as trash
//   (its header's name zeroed). Pages are erased only when Storage compacts, which copies every live file
//   after the first trash and erases the pages behind them: each new file brings that day closer.
// - StorageFile (open(name,"a")) appends into 4 KB chunk files, but cannot hold 0xFF (its end-of-data
//   mark, and a packet id or length may be 0xFF), cannot mark a record in place, and finds its end by
//   scanning; acknowledgements would be records of their own.
// So: one preallocated file, written as a log, records never moved while it lasts:
//   header  'm' 'q' gen sizeHi sizeLo commit   (commit 0xFF until the file is complete, then 0x00)
//   record  lenHi lenLo crcHi crcLo S A packet  (len and CRC-16 of the PUBLISH; S, A: 0xFF, or 0x00 once
//           the message was handed to the sending window / acknowledged; each written once, in place)
// A record is written in one Storage.write; an acknowledgement clears its A byte (one byte, no new
// file). When the file is full and at least a quarter of it is acknowledged records (or none is held),
// the held records are copied to a new file of the other generation (name, or name + "~"): made,
// filled, then committed, and only then is the old one erased. Storage sees one new file per
// compaction, so its own page erases come once per (free Storage / persistSize) compactions.
// Power cuts: a torn record fails its length or CRC and ends the log (load then compacts, so nothing is
// appended after garbage); a torn compaction leaves an uncommitted file that load erases, keeping the
// old one; of two committed files the newer generation wins. S is set before a message is handed to
// the sender, so that a resend after a restart to a kept session carries DUP=1; A once it is
// acknowledged. Espruino's own Storage compaction is not ours to protect.
/** The build has persist: always on Node, in the device bundle built with it (rollup.config.js). */
var PERSIST = typeof __PERSIST__ == "undefined" || __PERSIST__;
function nm(p, g) {
    return p.n + (g & 1 ? "~" : "");
}
function wr(p, d, at) {
    p.f.write(nm(p, p.g), d, at);
    p.wb += d.length;
}
function rd(p, at, n) {
    return p.f.read(nm(p, p.g), at, n) || "";
}
function u16(s, k) {
    return (s.charCodeAt(k) << 8) | s.charCodeAt(k + 1);
}
/** The generation of a committed file of this name, else -1. */
function head(p, g) {
    var h = p.f.read(nm(p, g), 0, 6 /* L.H */);
    return h && h.length == 6 /* L.H */ && h.charCodeAt(0) == 0x6d && h.charCodeAt(1) == 0x71 && !h.charCodeAt(5) && (h.charCodeAt(2) & 1) == (g & 1) ? h.charCodeAt(2) : -1;
}
/** The packet of the record at `o`, or "" when the record is torn (or not one). */
function packetAt(p, o, h) {
    var n = u16(h, 0);
    if (h.length < 6 /* L.R */ || o + 6 /* L.R */ + n > p.z || n < 7)
        return "";
    var pk = rd(p, o + 6 /* L.R */, n);
    return pk.length == n && ( /*@__INLINE__*/crc(pk) & 0xffff) == u16(h, 2) && (pk.charCodeAt(0) & 0xf6) == 0x32 ? pk : "";
}
/** A log record for `name` (of `size` bytes, a RAM store of `wn` entries), not opened yet. */
function logNew(name, size, wn, f) {
    return { f: /*@__INLINE__*/ flash(), n: name, g: 0, z: size, w: 6 /* L.H */, r: 6 /* L.H */, v: 0, k: "", o: "", wn: wn, u: 0, hc: 0, wb: 0, cm: 0 };
}
/**
 * Open the log: the newer committed file and its end, a torn tail compacted away, a new `size` applied
 * when what is held fits it (nothing is in the RAM store yet: r is its first record). Returns the
 * packet id of the newest record, from which new ids go on.
 */
function logOpen(p, size) {
    var a = head(p, 0);
    var b = head(p, 1);
    var g = a < 0 ? b : b < 0 || ((b - a) & 255) != 1 ? a : b;
    if (g < 0) {
        // Nothing readable: a new log of generation 0, made over whatever is there, and the other name
        // erased (when Storage has no room for it, every publish is refused until it has).
        p.g = 255;
        if (!compact(p, 0, 1))
            p.r = p.w = p.z;
        return 0;
    }
    // The other file is an older generation or one that was never committed.
    p.f.erase(nm(p, g + 1));
    p.g = g;
    p.z = u16(rd(p, 0, 6 /* L.H */), 3);
    var o = 6 /* L.H */;
    var id = 0;
    var torn = 0;
    for (;;) {
        var h = rd(p, o, 6 /* L.R */);
        if (h.length < 6 /* L.R */ || h.charCodeAt(0) == 255) {
            // The end; bytes written past it (a header cut short) make it a torn tail.
            if (h != "\xff\xff\xff\xff\xff\xff".substr(0, h.length))
                torn = 1;
            break;
        }
        var pk = packetAt(p, o, h);
        if (!pk) {
            torn = 1;
            break;
        }
        var j = 1;
        while (pk.charCodeAt(j++) & 128)
            ;
        id = u16(pk, j + 2 + u16(pk, j));
        if (h.charCodeAt(5) == 255)
            p.v += 6 /* L.R */ + pk.length;
        o += 6 /* L.R */ + pk.length;
    }
    p.w = o;
    // A new persistSize takes effect when what is held fits it. Nothing is appended after a torn record:
    // until a compaction succeeds (Storage has room for the new file), the log counts as full where it ends.
    var z = p.z;
    if (p.v <= size - 6 /* L.H */)
        p.z = size;
    if ((torn || p.z != z) && !compact(p, 0, 1))
        p.z = torn ? o : z;
    return id;
}
/**
 * Copy the held records to a new file of the next generation (of size z), commit it, erase the old one.
 * Unless `force`, only when the new record of `need` bytes then fits and acknowledged records are at
 * least a quarter of the file (or nothing is held): a file of live records is not copied again and again.
 */
function compact(p, need, force) {
    var room = p.z - 6 /* L.H */;
    if (!force && (p.v + need > room || (p.v && (p.w - 6 /* L.H */ - p.v) * 4 < room)))
        return false;
    var g = (p.g + 1) & 255;
    var to = nm(p, g);
    try {
        if (!p.f.write(to, chr(0x6d, 0x71, g, p.z >> 8, p.z & 255, 255), 0, p.z))
            return false;
    }
    catch (x) {
        // No room in Storage for the new file, even after its own compaction: the old file stays.
        return false;
    }
    p.wb += 6 /* L.H */;
    var w = 6 /* L.H */;
    var x = "";
    // The held records are the RAM store's entries (the oldest, where p.o says) and those from r on: no
    // acknowledged record is read.
    for (var q = 0; q < p.o.length; q += 4) {
        var n = u16(p.o, q + 2);
        var d = rd(p, u16(p.o, q), 6 /* L.R */ + n);
        p.f.write(to, d, w);
        p.wb += d.length;
        x += chr(w >> 8, w & 255, n >> 8, n & 255);
        w += d.length;
    }
    var r = w;
    for (var o = p.r; o < p.w;) {
        var h = rd(p, o, 6 /* L.R */);
        var n = u16(h, 0);
        if (h.charCodeAt(5) == 255 && w + 6 /* L.R */ + n <= p.z) {
            var d = h + rd(p, o + 6 /* L.R */, n);
            p.f.write(to, d, w);
            p.wb += d.length;
            w += 6 /* L.R */ + n;
        }
        o += 6 /* L.R */ + n;
    }
    p.f.write(to, "\0", 5);
    p.wb++;
    p.f.erase(nm(p, p.g));
    p.g = g;
    p.o = x;
    p.r = r;
    p.w = w;
    p.cm++;
    return true;
}
/**
 * Append the record of `pk` (its S byte `s`: 0 handed to the sender, else 255) at the end: its offset,
 * or 0 when the log is full even after compaction.
 */
function logPut(p, pk, s) {
    var n = pk.length;
    if (p.w + 6 /* L.R */ + n > p.z && !compact(p, 6 /* L.R */ + n))
        return 0;
    var o = p.w;
    var x = crc(pk);
    wr(p, chr(n >> 8, n & 255, (x >> 8) & 255, x & 255, s, 255) + pk, o);
    p.w += 6 /* L.R */ + n;
    p.v += 6 /* L.R */ + n;
    return o;
}
/** The RAM store's entries [j, j + m) were acknowledged: their A bytes cleared, out of the index. */
function logDone(p, j, m) {
    for (var q = j; q < j + m; q++) {
        wr(p, "\0", u16(p.o, q * 4) + 5);
        p.v -= 6 /* L.R */ + u16(p.o, q * 4 + 2);
    }
    p.o = p.o.substr(0, j * 4) + p.o.substr((j + m) * 4);
}
/** Records held in Storage alone (not in the RAM store). */
function logHeld(p) {
    var n = 0;
    for (var o = p.r; o < p.w;) {
        var h = rd(p, o, 6 /* L.R */);
        if (h.charCodeAt(5) == 255)
            n++;
        o += 6 /* L.R */ + u16(h, 0);
    }
    return n;
}

// The MQTT-SN client's held QoS 1 messages kept in Storage (option `persist`, issue 31): the log of
// persist-log.ts, whose records hold each message as an MQTT PUBLISH packet (topic name, payload, retain,
// id). A held entry keeps its topic name because topic ids change with every connection; it is decoded
// into the held FIFO (held.ts) when its turn comes and encoded as MQTT-SN when sent. The FIFO holds only
// the first few (the window: one in flight, the next ready); the rest waits in Storage alone.
// The FIFO may hold QoS 0 entries too (waiting for their topic's registration): those are not in the log,
// and the log's RAM index (p.o) lists the QoS 1 entries of the FIFO, in the same order.
// S is set as an entry is first sent (pump, before the PUBLISH leaves), so after a restart an entry that
// may have reached the gateway goes again with DUP=1 to a kept session (clean: false), and as a new
// publish (DUP=0) in a new one; A once the gateway acknowledged it, or refused it.
/**
 * Open the log `name` (of `size` bytes) for the FIFO `s`: the oldest held messages loaded into it, those
 * that may have been sent with DUP when the session is `kept`. Returns the message id of the newest record.
 */
function snPersistOpen(s, g, name, size, kept, f) {
    var p = logNew(name, size, 2 /* W.N */);
    s.p = p;
    var id = /*@__INLINE__*/ logOpen(p, size);
    // u: the session is kept, so an entry sent before a restart carries DUP.
    p.u = kept;
    fill(p, s);
    // Counted once here, then kept: queued() is polled, and each record read is a Storage call.
    s.c = /*@__INLINE__*/ logHeld(p) + p.o.length / 4;
    if (kept) {
        // The topic ids the gateway gave on the kept session (a deep sleep ends the process, not the
        // session): used at once by QoS 1, so a wake need not REGISTER. A gateway that forgot them (a
        // restart) answers that PUBLISH with "invalid topic id", and the client registers the topic again
        // (client.ts). QoS 0 registers first (registry.ts, RF.KEPT).
        var t = p.f.read(name + "#", 0, 65535);
        try {
            var o = t ? JSON.parse(t) : {};
            for (var k in o)
                regPut(g, k, o[k], 4 /* RF.KEPT */);
        }
        catch (x) { }
    }
    return id;
}
/** A REGACK on a kept session: the client's own topic ids into Storage beside the log ("<name>#") when they changed. */
function snPersistTopics(s, g) {
    var p = s.p;
    var o = {};
    for (var k = 0; k < g.n.length; k++)
        if (!(g.f[k] & 1 /* RF.GW */))
            o[g.n[k]] = g.i[k];
    var t = JSON.stringify(o);
    if (p.f.read(p.n + "#", 0, 65535) != t)
        p.f.write(p.n + "#", t, 0);
}
/** Move held records into the FIFO, oldest first, while the window has room, skipping acknowledged ones. */
function fill(p, s) {
    while (p.r < p.w && p.o.length < 2 /* W.N */ * 4) {
        var o = p.r;
        var h = rd(p, o, 6 /* L.R */);
        var n = u16(h, 0);
        if (h.charCodeAt(5) == 255) {
            // A copy: on a board what Storage.read gives points into flash, and so would the held topic and
            // payload (substrings of it), read as null once Storage compacts the file away.
            var pk = rd(p, o + 6 /* L.R */, n) + "";
            var j = 1;
            while (pk.charCodeAt(j++) & 128)
                ;
            var tl = u16(pk, j);
            j += 2 + tl;
            var e = snHold(s, /*@__INLINE__*/ text(pk.substr(j - tl, tl)), /*@__INLINE__*/ bytes(pk.substr(j + 2)), 32 /* W.QOS1 */ | (pk.charCodeAt(0) & 1 ? 16 /* F.RETAIN */ : 0) | (p.u && !h.charCodeAt(4) ? 128 /* F.DUP */ : 0), u16(pk, j));
            if (!e)
                return;
            if (e < 0) {
                // Larger than the FIFO now takes (storeSize made smaller since it was held): never sendable.
                wr(p, "\0", o + 5);
                p.v -= 6 /* L.R */ + n;
                s.c--;
            }
            else
                p.o += chr(o >> 8, o & 255, n >> 8, n & 255);
        }
        p.r = o + 6 /* L.R */ + n;
    }
}
/**
 * snHold for a QoS 1 message with persist: 1 in Storage (and in the FIFO when nothing older waits in
 * Storage alone and the window has room), 0 the log is full even after compaction, -1 it can never be held.
 */
function snPersistPut(s, t, d, f, m) {
    var p = s.p;
    var pk = /*@__INLINE__*/ packet(t, d, !!(f & 16 /* F.RETAIN */), m);
    // Larger than the log, or than the FIFO's storeSize (snHold's measure): never sendable, so refused
    // before it is written. Written first and dropped later, it would be a reading publish() said was held.
    if (typeof pk == "number" || pk.length + 6 /* L.R */ > p.z - 6 /* L.H */ || 8 + strLen(t) + (typeof d == "string" ? strLen(d) : d.length) > s.x)
        return -1;
    var ram = p.r == p.w && p.o.length < 2 /* W.N */ * 4;
    var o = logPut(p, pk, 255);
    if (!o)
        return 0;
    var n = pk.length;
    if (ram) {
        if (snHold(s, t, d, f, m)) {
            p.o += chr(o >> 8, o & 255, n >> 8, n & 255);
            p.r = p.w;
        }
    }
    s.c++;
    return 1;
}
/** The FIFO's first QoS 1 entry is sent for the first time: marked handed to the sender (S) first. */
function snPersistSent(s) {
    var p = s.p;
    var o = u16(p.o, 0) + 4;
    if (rd(p, o, 1) == "\xff")
        wr(p, "\0", o);
}
/** snShift with persist: a QoS 1 entry is marked done (A) in Storage, and the next held ones move up. */
function snPersistShift(s) {
    var h = s.e[0];
    snShift(s);
    if (h && h.f & 32 /* W.QOS1 */) {
        s.c--;
        logDone(s.p, 0, 1);
    }
    // After a QoS 0 entry too: the FIFO's bytes may have kept a held one in Storage.
    fill(s.p, s);
}
/** Messages held: the QoS 1 ones in Storage, and the FIFO's QoS 0 ones (waiting for a registration). */
function snPersistCount(s) {
    return s.c + s.e.length - s.p.o.length / 4;
}

// Topic names and filters [MQTT-4.7]: validation of what the user passes in, and filter matching.
// No RegExp: on Espruino a regex literal held by the module costs 16-19 blocks for as long as it is
// loaded, and each indexOf here is one native call.
/** A topic name to publish to: non-empty, at most 65,535 characters, no wildcard, no NUL [MQTT-4.7.3-1, 4.7.3-2]. */
function validTopic(t) {
    return typeof t == "string" && t.length > 0 && t.length <= 65535 && t.indexOf("+") < 0 && t.indexOf("#") < 0 && t.indexOf("\0") < 0;
}
/** A topic filter: `+` fills a whole level, `#` is a whole last level [MQTT-4.7.1-2, 4.7.1-3]; no NUL. */
function validFilter(f) {
    if (typeof f != "string" || !f.length || f.indexOf("\0") >= 0)
        return false;
    var n = f.length;
    for (var i = f.indexOf("+"); i >= 0; i = f.indexOf("+", i + 1))
        if ((i && f.charCodeAt(i - 1) != 47) || (i + 1 < n && f.charCodeAt(i + 1) != 47))
            return false;
    var h = f.indexOf("#");
    return h < 0 || (h == n - 1 && (!h || f.charCodeAt(h - 1) == 47));
}
/**
 * Does `filter` match `topic`? `+` matches exactly one level (possibly empty), `#` any number of levels
 * including the parent (`a/#` matches `a`). Topics starting with `$` are not matched by a filter that
 * starts with a wildcard [MQTT-4.7.2-1]. Walks both strings in place: no split, no arrays.
 */
function match(filter, topic) {
    // The common filters, by native String operations (each step of the walk below is an interpreted
    // step on a board): the topic itself, and a plain prefix ending in "/#".
    if (filter == topic)
        return true;
    var fl = filter.length;
    if (filter.indexOf("+") < 0 && filter.indexOf("#") == fl - 1 && fl > 1 && topic.charCodeAt(0) != 36)
        return topic.length >= fl - 2 && topic.substr(0, fl - 2) == filter.substr(0, fl - 2) && (topic.length == fl - 2 || topic.charCodeAt(fl - 2) == 47);
    var tl = topic.length;
    var i = 0;
    var j = 0;
    var f0 = filter.charCodeAt(0);
    if (topic.charCodeAt(0) == 36 && (f0 == 43 || f0 == 35))
        return false;
    for (;;) {
        var c = filter.charCodeAt(i);
        if (c == 35)
            return true; // '#'
        if (c == 43) {
            // '+': consume one topic level
            while (j < tl && topic.charCodeAt(j) != 47)
                j++;
            i++;
        }
        else {
            while (i < fl && filter.charCodeAt(i) != 47) {
                if (j >= tl || topic.charCodeAt(j) != filter.charCodeAt(i))
                    return false;
                i++;
                j++;
            }
        }
        // Both must now be at the end of a level.
        if (j < tl && topic.charCodeAt(j) != 47)
            return false;
        if (i >= fl)
            return j >= tl;
        i++; // past '/' in the filter
        if (j >= tl)
            return filter.charCodeAt(i) == 35 && i + 1 == fl; // "a/#" matches "a"
        j++; // past '/' in the topic
    }
}

// What both clients (MQTT and MQTT-SN) share about telling the user: errors that carry a code, the one
// queue lifecycle events go through, and the check of numeric options. Below the clients, above nothing.
/**
 * An error with its code, and the cause `x` (an error or a reason) appended to the message. A build
 * without TEXT (features.ts) has every call's `msg` taken out by the build: its message is the code.
 */
function fail(msg, code, x) {
    var e = new Error((msg ) + (x ? ": " + (x.message || x) : ""));
    e.code = code;
    return e;
}
/**
 * Lifecycle events (connected, error, offline, close, ...) go through one queue: a handler that calls
 * end() or publish() runs after the transition that emitted it is complete, and each event fires once.
 * With no `e`, emits what is queued; nothing when an emission further up the stack is already doing so.
 */
function ev(c, e, a) {
    if (e)
        c.eq.push(e, a);
    if (c.ef)
        return;
    c.ef = 1;
    try {
        while (c.eq.length)
            emit(c, c.eq.shift(), c.eq.shift());
    }
    finally {
        c.ef = 0;
    }
}
/**
 * Whole-number options of `o`, checked and defaulted in place: `spec` lists "name default least most"
 * groups, separated by spaces (a literal in the caller's code, not a table held in RAM on a board); any
 * form of number, so 1e9 for 1,000,000,000.
 */
function numbers(o, spec) {
    var a = spec.split(" ");
    // Without CHECK the build has taken the bounds out of every spec (rollup.config.js): "name default".
    for (var k = 0; k < a.length; k += 4 ) {
        var n = a[k];
        var v = o[n] == null ? +a[k + 1] : o[n];
        // Without CHECK (features.ts) only the type: `npm run flash` checks the ranges in device/config.json.
        if (typeof v != "number" || ((!(v >= +a[k + 2] && v <= +a[k + 3]) || v % 1)))
            throw fail("option " + n + " must be a whole number from " + a[k + 2] + " to " + a[k + 3], "options");
        o[n] = v;
    }
}
/**
 * Adds listener `f` of `e`. One listener is held as itself, several as an array, in which a once()
 * listener is held as [f] (no wrapper function: on a board each function defined at run time copies
 * its text).
 */
function listen(c, e, f, once) {
    // MQTT.js code on Node listens for "connect": the same event, named here for the state it reports, as
    // Espruino's MQTT module and tinyMQTT name it (so the board bundles carry no alias).
    if (e == "connect")
        e = "connected";
    var h = c.h[e];
    var x = once ? [f] : f;
    c.h[e] = !h && !once ? f : !h ? [x] : typeof h == "function" ? [h, x] : h.concat([x]);
}
/** Removes one registration of `f` (or a once() entry of it) from `e`. */
function unlisten(c, e, f) {
    if (e == "connect")
        e = "connected";
    var h = c.h[e];
    if (h == f)
        c.h[e] = undefined;
    else if (h && typeof h != "function")
        for (var k = 0; k < h.length; k++)
            if (h[k] == f || h[k][0] == f) {
                // A new array, so that an emission going through the old one is not disturbed.
                c.h[e] = h.slice(0, k).concat(h.slice(k + 1));
                return;
            }
}
/** Calls the listeners of `e` in the order they were added; a once() entry is removed before its call. */
function emit(c, e, a, b, x) {
    var h = c.h[e];
    if (typeof h == "function")
        h(a, b, x);
    else if (h)
        for (var k = 0; k < h.length; k++) {
            var f = h[k];
            if (typeof f == "function")
                f(a, b, x);
            else {
                unlisten(c, e, f);
                f[0](a, b, x);
            }
        }
}
/**
 * Runs a subscribe()/unsubscribe() callback `s.d` once, as MQTT.js calls it: (err, [{ topic, qos }]) for
 * a SUBACK, (err) otherwise. Its entry's state has already changed; a callback that throws becomes an
 * `error` event, as a message callback does.
 */
function settle(c, s, err, q) {
    var f = s.d;
    if (!f)
        return;
    s.d = undefined;
    try {
        f(err, q == null ? undefined : [{ topic: s.f, qos: q }]);
    }
    catch (x) {
        ev(c, "error", fail("callback threw", "callback", x));
    }
}
// The listener methods of both clients' prototypes: several listeners per event, as on Node and on
// Espruino. A `connected` listener added while connected (code typed into a board's console after the
// client connected) runs on the next tick.
function on(e, f) {
    listen(this, e, f);
    if ((e == "connected" || (e == "connect")) && this.s == 3)
        this.k.set(f, 0, { sessionPresent: !!this.kp });
    return this;
}
function once(e, f) {
    listen(this, e, f, true);
    return this;
}
function off(e, f) {
    unlisten(this, e, f);
    return this;
}

// Return codes' names; the last, not a code on the wire, for a registration the topic table cannot take.
var RCN = ["", "congestion", "invalid topic", "not supported", "topics full"];
// ---- timers
function arm(c, f, ms) {
    if (c.t != null)
        c.k.clear(c.t);
    c.t = c.k.set(f, ms, c);
}
/** No request in flight and no timer at all (the keepalive's too). */
function disarm(c) {
    done(c);
    if (c.kt != null)
        c.k.clear(c.kt);
    c.kt = null;
}
// ---- sending
function send(c, d) {
    if (!d || !c.so)
        return;
    c.ls = c.k.now();
    try {
        c.so.send(d, c.gh, c.gp);
    }
    catch (x) {
        ev(c, "error", fail("send failed", "socket", x));
    }
}
/** Send `d` as the request in flight, waiting for message type `x` with message id `m` (0 = any). */
function request(c, d, x, m, e) {
    c.fl = d;
    c.fx = x;
    c.fm = m;
    c.fc = 0;
    c.fe = e;
    send(c, d);
    arm(c, resend, c.rt);
}
function done(c) {
    c.fl = null;
    c.fx = -1;
    c.fe = null;
    if (c.t != null)
        c.k.clear(c.t);
    c.t = null;
}
function resend(c) {
    c.t = null;
    var d = c.fl;
    if (!d)
        return pump(c);
    if (c.fc++ >= c.rn)
        return lost(c, fail("no answer from the gateway after " + c.rn + " retries", "timeout"));
    // A PUBLISH sent again carries DUP.
    if (c.fx == 13 /* N.PUBACK */)
        c.fl = snDup(d);
    send(c, c.fl);
    arm(c, resend, c.rt);
}
/** Wait the retry time, then try the request again from the queue (congestion: the gateway asked for a pause). */
function later(c) {
    done(c);
    arm(c, pump, c.rt);
}
function nextId(c) {
    c.mi = (c.mi % 65535) + 1;
    return c.mi;
}
// ---- connection lifecycle
function start(c) {
    c.t = null;
    if (c.s == 6 /* S.END */)
        return;
    c.attempts++;
    c.wa = 0;
    if (c.sh != null) {
        c.s = 1 /* S.SEARCH */;
        c.gh = c.sh;
        c.gp = c.sp;
        request(c, snEncode(1 /* N.SEARCHGW */, null, c.sr), 2 /* N.GWINFO */, 0);
    }
    else
        connect$1(c, c.wl);
}
/**
 * CONNECT, with the will flag when `will` is set; clean by the option, except for a client that went to
 * sleep: clean=0 and no will, until connected again (the gateway keeps its session: what it buffered,
 * the topic ids it gave, the will).
 */
function connect$1(c, will) {
    c.s = 2 /* S.CONN */;
    c.cc = c.kp ? 0 : c.cl;
    request(c, snEncode(4 /* N.CONNECT */, c.cid, (c.cc ? 4 /* F.CLEAN */ : 0) | (will && !c.kp ? 8 /* F.WILL */ : 0), c.ka), 5 /* N.CONNACK */, 0);
}
/** The gateway is gone (or refused): plan the next attempt, keeping everything held, then tell the user. */
function lost(c, err, wait) {
    var was = c.s;
    disarm(c);
    c.s = 0 /* S.OFF */;
    c.f++;
    // The gateway may have restarted: no topic id is used for publishing again before it holds on the next
    // connection (a REGACK, or the gateway using it). Paho 1.5.1 answers a QoS 0 PUBLISH to an id it does not
    // know by dropping the client, so a kept stale id would be a reconnect loop.
    regOld(c.rg, 0);
    var step = wait || Math.min(c.r1, c.r0 * Math.pow(2, Math.min(c.f - 1, 20)));
    arm(c, start, step * (0.5 + c.rd() / 2));
    c.eq.push("error", err);
    if (was >= 3 /* S.UP */)
        c.eq.push("offline", undefined);
    ev(c);
}
function connected(c) {
    done(c);
    c.s = 3 /* S.UP */;
    c.f = c.wt = c.kp = 0;
    // The session, kept or reset together, here, by the clean flag of the CONNECT sent: a new one starts
    // without topic ids and without the inbound ids remembered against duplicates; a kept one keeps both
    // (the gateway publishes with its ids at once, and resends what awaits PUBREL). Subscriptions are made
    // again either way (a restarted gateway has none).
    if (c.cc) {
        regClear(c.rg);
        c.q1 = [];
        c.q2 = [];
    }
    for (var k = 0; k < c.sb.length; k++)
        c.sb[k].i = -1;
    for (var k = 0; k < c.us.length; k++)
        c.us[k].i = -1;
    if (c.wu)
        c.wu = 1;
    c.lr = c.k.now();
    keep(c);
    ev(c, "connected", {});
    pump(c);
}
/** Keepalive: a PINGREQ after 3/4 of the keepalive without a datagram sent, or without one received. */
function keep(c) {
    c.kt = null;
    if (c.s != 3 /* S.UP */ || !c.ka)
        return;
    var q = (c.ka * 1000) / 4;
    var now = c.k.now();
    if (!c.fl && (now - c.ls >= 3 * q || now - c.lr >= 3 * q))
        request(c, snEncode(22 /* N.PINGREQ */), 23 /* N.PINGRESP */, 0);
    c.kt = c.k.set(keep, q, c);
}
// ---- sleep
function asleep(c) {
    disarm(c);
    c.s = 4 /* S.ASLEEP */;
    c.kp = 1;
    c.zz = 0;
    arm(c, awake, c.zw);
    ev(c, "sleep");
}
/** An awake period: PINGREQ with the client id; the gateway sends what it buffered, then PINGRESP. */
function awake(c) {
    c.t = null;
    c.s = 5 /* S.AWAKE */;
    request(c, snEncode(22 /* N.PINGREQ */, c.cid), 23 /* N.PINGRESP */, 0);
}
// ---- outbound queue: one request at a time
function pump(c) {
    if (c.s != 3 /* S.UP */ || c.fl)
        return;
    var sb = c.sb;
    for (var k = 0; k < sb.length; k++)
        if (sb[k].i < 0)
            return subReq(c, sb[k], 18 /* N.SUBSCRIBE */, 19 /* N.SUBACK */, sb[k].q);
    var us = c.us;
    for (var k = 0; k < us.length; k++)
        if (us[k].i < 0)
            return subReq(c, us[k], 20 /* N.UNSUBSCRIBE */, 21 /* N.UNSUBACK */, 0);
    var w = c.wl;
    if (c.wu == 1)
        return request(c, w ? snEncode(26 /* N.WILLTOPICUPD */, w.topic, willFlags(w)) : snEncode(26 /* N.WILLTOPICUPD */), 27 /* N.WILLTOPICRESP */, 0);
    if (c.wu == 2 && w)
        return request(c, snEncode(28 /* N.WILLMSGUPD */, w.payload || ""), 29 /* N.WILLMSGRESP */, 0);
    for (;;) {
        var h = c.st.e[0];
        if (!h)
            break;
        var q = h.f & (1 << 5 /* F.QOS_SHIFT */);
        var id = topicId(c, h.t) || (PERSIST && q ? regKept(c.rg, h.t) : 0);
        if (!id)
            return request(c, snEncode(10 /* N.REGISTER */, h.t, 0, nextId(c)), 11 /* N.REGACK */, c.mi, h);
        var d = snEncode(12 /* N.PUBLISH */, h.p, h.f | (id >> 16), id & 0xffff, q ? h.m : 0);
        if (q) {
            // With persist, marked in Storage as sent before it can be: a resend after a restart carries DUP.
            if (PERSIST && c.st.p && !(h.f & 128 /* F.DUP */))
                snPersistSent(c.st);
            h.f |= 128 /* F.DUP */;
            return request(c, d, 13 /* N.PUBACK */, h.m, h);
        }
        send(c, d);
        (PERSIST && c.st.p ? snPersistShift : snShift)(c.st);
    }
    if (c.zz)
        request(c, snEncode(24 /* N.DISCONNECT */, null, c.zz), 24 /* N.DISCONNECT */, 0);
}
/** SUBSCRIBE or UNSUBSCRIBE for `s`: by predefined id, short name, or topic name. */
function subReq(c, s, t, x, q) {
    s.i = nextId(c);
    var p = regId(c.pd, s.f);
    var fl = (q << 5 /* F.QOS_SHIFT */) | (p ? 1 /* F.PREDEFINED */ : isShort(s.f) ? 2 /* F.SHORT */ : 0 /* F.NORMAL */);
    request(c, snEncode(t, p ? snId(p) : s.f, fl, s.i), x, s.i, s);
}
/**
 * How to name the (valid) topic `t` in a PUBLISH: its topic id type << 16 | its id (predefined, short
 * name, or registered), or 0 when it must be registered first.
 */
function topicId(c, t) {
    var id = regId(c.pd, t);
    if (id)
        return (1 /* F.PREDEFINED */ << 16) | id;
    return isShort(t) ? (2 /* F.SHORT */ << 16) | shortId(t) : regId(c.rg, t);
}
function isShort(t) {
    // Two bytes on the wire: two characters of one byte each (ASCII; UTF-8 would make more, and wider
    // ones would spill into the flags byte where the topic id type is or'ed in).
    return t.length == 2 && t.charCodeAt(0) < 128 && t.charCodeAt(1) < 128 && validTopic(t);
}
function willFlags(w) {
    return ((w.qos || 0) << 5 /* F.QOS_SHIFT */) | (w.retain ? 16 /* F.RETAIN */ : 0);
}
// ---- inbound
function onMessage(d, host, port) {
    var c = this.c;
    if (c.s == 6 /* S.END */)
        return;
    var m = c.m;
    var t = snDecode(m, d);
    if (t < 0)
        return ev(c, "error", fail("malformed datagram from " + host + ":" + port + " (" + t + ")", t));
    c.lr = c.k.now();
    var s = c.s;
    var x = c.fx;
    var fe = c.fe;
    var ok = t == x && (!c.fm || m.m == c.fm);
    if (t == 2 /* N.GWINFO */) {
        if (s != 1 /* S.SEARCH */)
            return;
        // The gateway that answered is the one to use (its address field is only set when a client answers).
        c.gh = host;
        c.gp = port;
        return connect$1(c, c.wl);
    }
    if (s == 2 /* S.CONN */) {
        var w = c.wl;
        // WILLTOPIC answers WILLTOPICREQ, or in the work-around below the CONNACK to the CONNECT without a will.
        if (w && (t == 6 /* N.WILLTOPICREQ */ ? c.wa != 1 : t == 5 /* N.CONNACK */ && c.wa == 1 && !m.c)) {
            if (c.wa)
                c.wa = 2;
            return request(c, snEncode(7 /* N.WILLTOPIC */, w.topic, willFlags(w)), 8 /* N.WILLMSGREQ */, 0);
        }
        if (t == 8 /* N.WILLMSGREQ */ && w)
            return request(c, snEncode(9 /* N.WILLMSG */, w.payload || ""), 5 /* N.CONNACK */, 0);
        if (t == 5 /* N.CONNACK */) {
            if (m.c == 0 /* RC.ACCEPTED */)
                return connected(c);
            // Congestion passes: try again after the retry time; anything else waits the longest step.
            return lost(c, rcFail("connection", m.c), m.c == 1 /* RC.CONGESTION */ ? c.rt : c.r1);
        }
        if (t == 24 /* N.DISCONNECT */ && c.fx == 8 /* N.WILLMSGREQ */) {
            // The Paho gateway 1.5.x answers WILLTOPIC with DISCONNECT: a CONNECT with the will flag marks the
            // client disconnected there, and only a broker's CONNACK marks it active (its ClientRecvTask drops
            // anything else from a disconnected client; upstream issue 248). The work-around, once per attempt:
            // a CONNECT without a will and at once the one with it; the broker's CONNACK to the first then arrives
            // after the second was taken, and WILLTOPIC goes when it does (WILLTOPICREQ is ignored meanwhile).
            if (!c.wa) {
                c.wa = 1;
                send(c, snEncode(4 /* N.CONNECT */, c.cid, c.cc ? 4 /* F.CLEAN */ : 0, c.ka));
                return connect$1(c, w);
            }
            // That failed too. It races inside the gateway (its threads, not the network: one of four full test
            // runs met it once), so this attempt ends and the next one tries the will again; after the third
            // such attempt since the last connection, connect without it rather than never.
            if (++c.wt < 3)
                return lost(c, fail("the gateway did not take the will: trying again", "will"));
            c.wl = null;
            ev(c, "error", fail("the gateway refused the will: connecting without one", "will"));
            return connect$1(c, null);
        }
        return;
    }
    if (t == 12 /* N.PUBLISH */)
        return inbound(c);
    if (t == 10 /* N.REGISTER */) {
        // The gateway names a topic before publishing to it (wildcard subscriptions).
        regPut(c.rg, snStr(m), m.i, 1 /* RF.GW */ | 2 /* RF.NOW */);
        return send(c, snEncode(11 /* N.REGACK */, null, m.i, m.m, 0 /* RC.ACCEPTED */));
    }
    if (t == 16 /* N.PUBREL */) {
        var k = c.q2.indexOf(m.m);
        if (k >= 0)
            c.q2.splice(k, 1);
        return send(c, snEncode(14 /* N.PUBCOMP */, null, m.m));
    }
    // A gateway may check on its clients too (spec 6.11).
    if (t == 22 /* N.PINGREQ */)
        return send(c, snEncode(23 /* N.PINGRESP */));
    if (t == 23 /* N.PINGRESP */) {
        if (s == 5 /* S.AWAKE */)
            return asleep(c);
        if (ok)
            done(c);
        return pump(c);
    }
    if (t == 24 /* N.DISCONNECT */) {
        if (ok)
            return asleep(c); // the answer to a sleep request
        // The gateway dropped this client (a restart, or it no longer knows it): connect again at once.
        if (s == 3 /* S.UP */ || s == 5 /* S.AWAKE */)
            return lost(c, fail("disconnected by the gateway", "gateway"));
        return;
    }
    // Invalid topic id to any PUBLISH, QoS 0 too (spec 6.7, 5.3.10): the gateway does not know the id;
    // the topic is registered again before the next publish to it.
    if (t == 13 /* N.PUBACK */ && m.c == 2 /* RC.INVALID_TOPIC */)
        regOld(c.rg, m.i);
    if (!ok)
        return; // an answer to a request no longer in flight (a retry crossed it)
    var rc = m.c;
    if (t == 11 /* N.REGACK */) {
        if (rc == 0 /* RC.ACCEPTED */) {
            // Refused when the gateway's ids filled the table since publish() found room.
            if (regPut(c.rg, fe.t, m.i, 2 /* RF.NOW */)) {
                done(c);
                if (PERSIST && c.st.p && !c.cl)
                    snPersistTopics(c.st, c.rg);
            }
            else
                refused(c, "REGISTER " + fe.t, 4);
        }
        else if (rc == 1 /* RC.CONGESTION */)
            return later(c);
        else
            refused(c, "REGISTER " + fe.t, rc);
    }
    else if (t == 13 /* N.PUBACK */) {
        // Matched by message id only: the gateway swaps the topic id bytes in the PUBACK for a short topic.
        if (rc == 1 /* RC.CONGESTION */)
            return later(c);
        if (rc == 2 /* RC.INVALID_TOPIC */ && c.rg.n.indexOf(fe.t) >= 0) {
            // The gateway forgot the registration (made old above): register the topic again, then resend.
            done(c);
            return pump(c);
        }
        if (rc)
            refused(c, "PUBLISH to " + fe.t, rc);
        else {
            done(c);
            (PERSIST && c.st.p ? snPersistShift : snShift)(c.st);
        }
    }
    else if (t == 19 /* N.SUBACK */) {
        if (rc == 1 /* RC.CONGESTION */) {
            fe.i = -1;
            return later(c);
        }
        done(c);
        if (rc) {
            var k = c.sb.indexOf(fe);
            // Told once: to subscribe()'s callback when there is one (as MQTT.js), else as an `error`; not at
            // all for a subscription already superseded (its callback was told so), as the MQTT client.
            if (k >= 0) {
                c.sb.splice(k, 1);
                var e = rcFail("subscription " + fe.f, rc);
                if (fe.d)
                    settle(c, fe, e, 128);
                else
                    ev(c, "error", e);
            }
        }
        else {
            fe.i = 0;
            // A topic name without wildcards comes back with its id: inbound PUBLISH will use it.
            if (m.i && !(m.f & 3) && validTopic(fe.f) && !isShort(fe.f))
                regPut(c.rg, fe.f, m.i, 1 /* RF.GW */ | 2 /* RF.NOW */);
            settle(c, fe, null, m.q);
        }
    }
    else if (t == 21 /* N.UNSUBACK */) {
        done(c);
        var k = c.us.indexOf(fe);
        if (k >= 0)
            c.us.splice(k, 1);
        settle(c, fe, null);
    }
    else if (t == 27 /* N.WILLTOPICRESP */ || t == 29 /* N.WILLMSGRESP */) {
        done(c);
        c.wu = !rc && t == 27 /* N.WILLTOPICRESP */ && c.wl ? 2 : 0;
        if (rc)
            ev(c, "error", rcFail("will update", rc));
    }
    pump(c);
}
/** The gateway refused a held message: it will not take it later either; drop it and say so. */
function refused(c, what, rc) {
    done(c);
    (PERSIST && c.st.p ? snPersistShift : snShift)(c.st);
    ev(c, "error", rcFail(what, rc));
}
/** "<what> refused: <reason>" for a return code from the gateway, the reason being its code too. */
function rcFail(what, rc) {
    return fail(what + " refused: " + RCN[rc], RCN[rc]);
}
function inbound(c) {
    var m = c.m;
    var tt = m.tt;
    var q = m.q;
    var name = tt == 2 /* F.SHORT */ ? shortName(m.i) : regName(tt == 1 /* F.PREDEFINED */ ? c.pd : c.rg, m.i);
    if (name == null) {
        // PUBACK for QoS 2 too: PUBREC carries no return code, and the spec rejects any QoS this way (6.14).
        if (q > 0)
            send(c, snEncode(13 /* N.PUBACK */, null, m.i, m.m, 2 /* RC.INVALID_TOPIC */));
        return ev(c, "error", fail("PUBLISH to unknown topic id " + m.i, "invalid topic"));
    }
    var fresh = true;
    if (q == 2) {
        // Exactly once: an id still awaiting PUBREL is a resend: acknowledge, do not deliver.
        fresh = c.q2.indexOf(m.m) < 0;
        if (fresh)
            remember(c, c.q2, m.m);
        send(c, snEncode(15 /* N.PUBREC */, null, m.m));
    }
    else if (q == 1) {
        // A resend (DUP) of an id acknowledged a moment ago: the PUBACK was lost; do not deliver twice.
        fresh = !(m.f & 128 /* F.DUP */) || c.q1.indexOf(m.m) < 0;
        if (fresh)
            remember(c, c.q1, m.m);
        send(c, snEncode(13 /* N.PUBACK */, null, m.i, m.m, 0 /* RC.ACCEPTED */));
    }
    // Awake period: buffered messages come first; this gateway then wants a second PINGREQ before its PINGRESP.
    if (c.s == 5 /* S.AWAKE */) {
        c.fc = 0;
        arm(c, resend, Math.min(c.rt, 300));
    }
    if (fresh)
        deliver(c, name);
}
function remember(c, l, id) {
    if (l.length >= c.qn)
        l.shift();
    l.push(id);
}
function deliver(c, topic) {
    var m = c.m;
    var p = snStr(m, c.bi);
    var pk = { qos: m.q, retain: !!(m.f & 16 /* F.RETAIN */), dup: !!(m.f & 128 /* F.DUP */), topicId: m.i, topicIdType: m.tt, messageId: m.m };
    var sb = c.sb;
    // A subscription made by a callback (one that subscribes to its own filter again) gets the next message.
    var top = c.sq;
    for (var k = 0; k < sb.length; k++) {
        var s = sb[k];
        if (!(s.n < top) || !s.cb || !match(s.f, topic))
            continue;
        call(c, s.cb, topic, p, pk);
        var j = sb.indexOf(s);
        k = j < 0 ? k - 1 : j;
    }
    try {
        emit(c, "message", topic, p, pk);
    }
    catch (x) {
        ev(c, "error", fail("callback threw", "callback", x));
    }
}
function call(c, f, t, p, pk) {
    if (!f)
        return;
    try {
        f(t, p, pk);
    }
    catch (x) {
        ev(c, "error", fail("callback threw", "callback", x));
    }
}
function onError(x) {
    var c = this.c;
    if (c.s != 6 /* S.END */)
        ev(c, "error", fail("socket", "socket", x));
}
/** publish() beyond a board's reading: every check, then sent now, or held in the store. */
function publishAny(c, topic, payload, opt) {
    var q = (opt && opt.qos) || 0;
    var r = opt && opt.retain ? 16 /* F.RETAIN */ : 0;
    if (q !== 0 && q !== 1 && q !== -1)
        throw fail("qos must be -1, 0 or 1", "qos");
    // The last topic that passed is not checked again (publish() takes it on its short path).
    if (topic !== c.vt) {
        if (!validTopic(topic))
            throw fail("invalid topic: " + topic, "topic");
        c.vt = topic;
    }
    if (q == -1 && !regId(c.pd, topic) && !isShort(topic))
        throw fail("QoS -1 needs a predefined or a 2-character topic: " + topic, "topic");
    var p = payload == null ? "" : payload;
    if (typeof p != "string" && !(p instanceof Uint8Array))
        throw fail("payload must be a string or Uint8Array", "payload");
    if (c.s == 6 /* S.END */)
        return false;
    // No id, and no room to record one: the gateway's ids are not pushed out (registry.ts).
    if (!topicId(c, topic) && regSpot(c.rg, topic, 0) < -1) {
        c.dropped++;
        return false;
    }
    if (q < 1) {
        // QoS -1 needs no connection: the gateway knows the client by its address (topicOf made sure the
        // topic has an id). QoS 0 with nothing held ahead of it and an id known goes out now, unstored.
        var id = q || (c.s == 3 /* S.UP */ && !c.st.e.length) ? topicId(c, topic) : 0;
        if (id) {
            send(c, snEncode(12 /* N.PUBLISH */, p, (q & (3 << 5 /* F.QOS_SHIFT */)) | r | (id >> 16), id & 0xffff, 0));
            return true;
        }
        if (c.s != 3 /* S.UP */) {
            c.dropped++;
            return false;
        }
    }
    var e = (PERSIST && c.st.p && q ? snPersistPut : snHold)(c.st, topic, p, (q << 5 /* F.QOS_SHIFT */) | r, q ? nextId(c) : 0);
    if (e < 0)
        throw fail("message larger than storeSize", "size");
    // Full: false and counted, no event, for QoS 0 and 1 alike (flow control, as in src/client.ts).
    if (!e) {
        c.dropped++;
        return false;
    }
    pump(c);
    return true;
}
// The methods, shared by every client (as src/client.ts: no constructor, one function less on a board).
var PROTO = {
    publish: function (topic, payload, opt) {
        var c = this;
        return publishAny(c, topic, payload, opt);
    },
    subscribe: function (filter, opt, cb) {
        if (typeof opt == "function") {
            cb = opt;
            opt = null;
        }
        var q = (opt && opt.qos) || 0;
        if (q !== 0 && q !== 1 && q !== 2)
            throw fail("qos must be 0, 1 or 2", "qos");
        return subs(this, filter, q, opt && opt.onMessage, cb);
    },
    unsubscribe: function (filter, cb) {
        return subs(this, filter, -1, undefined, cb);
    },
    updateWill: function (w) {
        var c = this;
        if (w && !validTopic(w.topic))
            throw fail("invalid will topic", "will");
        c.wl = w || null;
        c.wu = 1;
        pump(c);
    },
    sleep: function (sec, every) {
        var c = this;
        if (!(sec >= 1 && sec <= 65535))
            throw fail("sleep duration must be 1 to 65535 s", "options");
        c.zz = sec;
        c.zw = (every || (sec * 3) / 4) * 1000;
        pump(c);
    },
    wake: function () {
        var c = this;
        if (c.s != 4 /* S.ASLEEP */ && c.s != 5 /* S.AWAKE */)
            return;
        disarm(c);
        connect$1(c, null);
    },
    end: function (force, cb) {
        var c = this;
        // end(cb) and end(force, cb), as the MQTT client's: cb runs once, at the close. Held messages are
        // not waited for (counted in an "ended" error): force or not, the end is at once.
        if (typeof force == "function")
            cb = force;
        if (cb) {
            if (c.s == 6 /* S.END */)
                return cb();
            listen(c, "close", cb, true);
        }
        if (c.s == 6 /* S.END */)
            return;
        var was = c.s;
        var n = PERSIST && c.st.p ? snPersistCount(c.st) : c.st.e.length;
        if (was >= 3 /* S.UP */)
            send(c, snEncode(24 /* N.DISCONNECT */));
        disarm(c);
        c.s = 6 /* S.END */;
        var so = c.so;
        c.so = null;
        if (so)
            so.close();
        // Callbacks of (un)subscribes still waiting for their acks run once, now: no ack can come.
        for (var k = 0, a = c.sb.concat(c.us); k < a.length; k++)
                settle(c, a[k], fail("ended before its ack: " + a[k].f, "ended"));
        // With persist the QoS 1 ones stay in Storage, and go out at the next connect with the same persist.
        if (n)
            c.eq.push("error", fail(n + " held message(s) not sent before end()" + (PERSIST && c.st.p ? ", QoS 1 kept in Storage" : ""), "ended"));
        if (was >= 3 /* S.UP */)
            c.eq.push("offline", undefined);
        ev(c, "close");
    },
    // Several listeners per event, as on the MQTT client (events.ts).
    on: on,
    once: once,
    off: off,
    state: function () {
        return this.s;
    },
    queued: function () {
        return PERSIST && this.st.p ? snPersistCount(this.st) : this.st.e.length;
    },
};
/**
 * A subscription (q 0..2), or an unsubscribe (q -1), queued until its ack. Either supersedes whatever
 * was queued or in effect for the same filter: the later call wins.
 */
function subs(c, f, q, h, cb) {
    if (!validFilter(f))
        throw fail("invalid topic filter: " + f, "topic");
    if (c.s == 6 /* S.END */) {
        if (cb)
            cb(fail("ended", "ended"));
        return c;
    }
    var all = c.sb.concat(c.us);
    for (var k = 0; k < all.length; k++)
        if (all[k].f == f) {
            var l = all[k].q < 0 ? c.us : c.sb;
            l.splice(l.indexOf(all[k]), 1);
            settle(c, all[k], fail("superseded before its ack: " + f, "superseded"));
        }
    (q < 0 ? c.us : c.sb).push({ f: f, q: q, cb: h, d: cb, i: -1, n: c.sq++ });
    pump(c);
    return c;
}
PROTO.removeListener = PROTO.off;
/** An MQTT-SN client for `opts` (copied, never written). `make` builds the transport when none is given. */
function createSnClient(opts, make, defaults) {
    var o = {};
    for (var k in defaults)
        o[k] = defaults[k];
    for (var k in opts)
        if (opts[k] !== undefined)
            o[k] = opts[k];
    o.random = o.random || Math.random;
    if (!o.transport)
        o.transport = make ? make(o) : null;
    if (typeof o.transport != "function")
        throw fail("no transport", "options");
    // __INLINE__: written out here by terser, one function fewer held on a board (as in src/client.ts).
    /*@__INLINE__*/ numbers(o, "port 10000 1 65535 keepalive 60 0 65535 retry 10000 1 1e9 retries 3 0 1000 storeSize 2048 0 1e9 topics 32 1 65535 qos2 16 1 65535 reconnectMin 1000 1 1e9 reconnectMax 60000 1 1e9");
    if (o.clientId == null)
        o.clientId = "mqttiny" + Math.floor(o.random() * 1e8);
    if (typeof o.clientId != "string" || o.clientId.length < 1 || o.clientId.length > 23)
        throw fail("clientId must be 1 to 23 characters", "clientId");
    var w = o.will;
    if (w && (!validTopic(w.topic) || !(w.qos == null || w.qos === 0 || w.qos === 1 || w.qos === 2)))
        throw fail("invalid will topic or QoS", "will");
    var c = Object.create(PROTO);
    // What publish() reads first is made first (Espruino finds a property by walking the object's list).
    c.s = 0 /* S.OFF */;
    c.vt = NaN;
    c.pd = regCreate(0);
    var pd = o.predefined;
    for (var k in pd)
        if (validTopic(k) && pd[k] >= 1 && pd[k] <= 65535)
            regPut(c.pd, k, pd[k], 1 /* RF.GW */ | 2 /* RF.NOW */);
    c.k = o.clock || { now: Date.now, set: setTimeout, clear: clearTimeout };
    var lo = "127.0.0.1";
    c.gh = o.host || lo;
    c.gp = o.port;
    var sr = o.search;
    c.sh = sr ? sr.host || lo : null;
    c.sp = sr ? sr.port : 0;
    c.sr = sr ? sr.radius || 1 : 0;
    c.cid = o.clientId;
    c.ka = o.keepalive;
    c.cl = c.cc = o.clean === false ? 0 : 1;
    c.kp = 0;
    c.wl = w || null;
    c.rt = o.retry;
    c.rn = o.retries;
    c.r0 = o.reconnectMin;
    c.r1 = Math.max(o.reconnectMax, o.reconnectMin);
    c.rd = o.random;
    c.bi = o.binary ? 1 : 0;
    c.h = {};
    c.eq = [];
    c.ef = 0;
    c.t = c.kt = c.fl = c.fe = null;
    c.fx = -1;
    c.fm = c.fc = c.ls = c.lr = c.f = c.mi = c.wu = c.wa = c.wt = c.zz = c.zw = 0;
    c.st = snStore(o.storeSize);
    c.rg = regCreate(o.topics);
    // persist (sn/persist.ts): what an earlier run held is loaded first, message ids go on from its newest;
    // on a kept session (clean: false) the topic ids it registered too.
    if (PERSIST && o.persist != null) {
        numbers(o, "persistSize 2048 32 65000");
        c.mi = snPersistOpen(c.st, c.rg, o.persist, o.persistSize, c.cl ? 0 : 1);
    }
    else if (o.persist != null)
        throw fail("persist needs build/mqttiny-sn-persist.min.js", "options");
    c.sb = [];
    c.sq = 0;
    c.us = [];
    c.q2 = [];
    c.q1 = [];
    c.qn = o.qos2;
    c.m = snMsg();
    c.dropped = c.attempts = 0;
    // The socket holds the events object; the record keeps neither the transport nor the passive flag.
    c.so = o.transport({ c: c, message: onMessage, error: onError }, o.localPort);
    // The first attempt is a timer too, so end() right after connect() cancels it.
    if (!o.passive)
        c.t = c.k.set(start, 0, c);
    return c;
}

var LOOPBACK = /^(127\.|localhost$)/;
function nodeUdp(o) {
    var local = o.localAddress || (LOOPBACK.test(o.host || "127.0.0.1") ? "127.0.0.1" : undefined);
    return function (ev, localPort) {
        var s = require("dgram").createSocket("udp4");
        var open = true;
        // Sends still in dgram's hands: close() waits for them, so a final DISCONNECT is not lost.
        var busy = 0;
        function sent(e) {
            if (e)
                ev.error(e);
            if (!--busy && !open)
                s.close();
        }
        s.on("message", function (d, ri) {
            ev.message(d, ri.address, ri.port);
        });
        s.on("error", function (e) {
            ev.error(e);
        });
        // Sends made before the bind completes are queued by dgram.
        s.bind(localPort || 0, local);
        return {
            send: function (d, host, port) {
                if (!open)
                    return;
                busy++;
                s.send(typeof d == "string" ? Buffer.from(d, "latin1") : d, port, host, sent);
            },
            close: function () {
                if (open && !busy)
                    s.close();
                open = false;
            },
        };
    };
}

// The Node build of the MQTT-SN client (`require("mqttiny/sn")`): the client over a dgram socket.
/** An MQTT-SN client over UDP. Payloads arrive as Buffers unless `binary: false` asks for strings. */
function connect(o) {
    return createSnClient(o, nodeUdp, { binary: true });
}

exports.connect = connect;
exports.createSnClient = createSnClient;
exports.nodeUdp = nodeUdp;
exports.snDecode = snDecode;
exports.snEncap = snEncap;
exports.snEncode = snEncode;
exports.snMsg = snMsg;
exports.snStr = snStr;
