/** Decoder status: a complete packet is in the record. */
var PACKET = 1;

/** The one String.fromCharCode alias of a device bundle (shorter to lex than the global and its member). */
var chr = String.fromCharCode;

var TLS = true;
var CB = true;

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
    var h = c.h[e];
    var x = once ? [f] : f;
    c.h[e] = !h && !once ? f : !h ? [x] : typeof h == "function" ? [h, x] : h.concat([x]);
}
/** Removes one registration of `f` (or a once() entry of it) from `e`. */
function unlisten(c, e, f) {
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
    if ((e == "connected" || (false)) && this.s == 3)
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

// What the client, the store and the wire share about the link: the transport's contract and the one
// function every outbound byte passes through. Below the store and the wire, above events only.
/** The port a built-in transport connects to: 1883, or 8883 with TLS; anything but a whole 1-65535 throws at connect(). */
function linkPort(o) {
    var port = o.port == null ? (o.tls ? 8883 : 1883) : o.port;
    if (typeof port != "number" || ((!(port >= 1 && port <= 65535) || port % 1)))
        throw fail("port must be a number from 1 to 65535", "options");
    return port;
}
function put(c, d, from, to) {
    var l = c.l;
    if (!l)
        return; // a callback may have ended the client mid-packet
    c.w += to - from;
    c.tx = 1;
    l.write(d, from, to);
}

// The String wire of the device build (Espruino): a packet is built by native String concatenation and
// handed to socket.write() as it is, and received bytes, which arrive as Strings, are cut with substr.
// No per-byte loop touches a topic or a payload, and no buffer is held while nothing is in transit.
// Same functions as wire.ts, which it replaces in the device bundle.
/** A length-prefixed field; Strings are bytes on the boards, a Uint8Array is turned into one natively. */
function field(x) {
    var s = x == null ? "" : typeof x == "string" ? x : E.toString(x);
    return chr(s.length >> 8, s.length & 255) + s;
}
/** Fixed header (remaining length: at most 4 loop steps) and body. */
function packet$1(byte1, body) {
    var n = body.length;
    var h = chr(byte1);
    do {
        h += chr((n & 127) | (n > 127 ? 128 : 0));
        n >>= 7;
    } while (n);
    return h + body;
}
/** Hand a packet to the link: its length, or Err.SPACE (nothing sent) when it is over txSize. */
function send(c, p) {
    if (p.length > c.z)
        return -1 /* Err.SPACE */;
    put(c, p, 0, p.length);
    return p.length;
}
/** The CONNECT packet for `o`, made once per client, or Err.ARG when a field is over 65,535 bytes. */
function connectPacket(o) {
    var v3 = o.protocol == 3;
    var w = o.will;
    var flags = (o.username != null ? 0x80 : 0) | (o.password != null ? 0x40 : 0) | (w ? (w.retain ? 0x20 : 0) | ((w.qos || 0) << 3) | 4 : 0) | (o.clean === false ? 0 : 2);
    var f = [o.clientId, w && w.topic, w && w.payload, o.username, o.password];
    var ka = o.keepalive == null ? 60 : o.keepalive;
    var body = field(v3 ? "MQIsdp" : "MQTT") + chr(v3 ? 3 : 4, flags, ka >> 8, ka & 255);
    for (var k = 0; k < 5; k++) {
        if (k && f[k] == null && (k > 2 || !w))
            continue;
        var x = field(f[k]);
        if (x.length > 65537)
            return -9 /* Err.ARG */;
        body += x;
    }
    return packet$1(0x10, body);
}
/**
 * A QoS 0 PUBLISH sent on `c`: its length, or Err.SPACE with nothing sent. With no `c`, the PUBLISH of
 * QoS `qos` and packet id `id` as a String, which is how the store makes a QoS 1 entry. The
 * hot path of every publish on a board, so it is written out in one body: Espruino lexes the source of
 * each call it makes again, and a call costs more there than the concatenation it wraps.
 */
function txPublish(c, topic, payload, retain, qos, id) {
    // The client has checked the topic (1 to 65,535 bytes, no wildcard).
    var n = topic.length;
    var b = chr(n >> 8, n & 255) + topic + (qos ? chr(id >> 8, id & 255) : "") + (payload == null ? "" : typeof payload == "string" ? payload : E.toString(payload));
    var m = b.length;
    var p = chr(0x30 | (qos << 1) | (retain ? 1 : 0), m & 127 | (m > 127 ? 128 : 0));
    // Telemetry fits a 1-byte remaining length; longer packets add the rest of it.
    while ((m >>= 7))
        p += chr((m & 127) | (m > 127 ? 128 : 0));
    p += b;
    if (!c)
        return p;
    if (p.length > c.z)
        return -1 /* Err.SPACE */;
    // put(), written out: the caller checked the link is up.
    c.w += p.length;
    c.tx = 1;
    c.l.write(p, 0, p.length);
    return p.length;
}
/** A packet of a fixed first byte and a packet id: PUBACK, PUBREC, PUBREL, PUBCOMP; with `id` < 0 none (PINGREQ, DISCONNECT). */
function txAck(c, byte1, id) {
    send(c, id < 0 ? chr(byte1, 0) : chr(byte1, 2, id >> 8, id & 255));
}
/** SUBSCRIBE to one filter, or UNSUBSCRIBE when `qos` < 0; its length, or Err.SPACE. */
function txSub(c, id, filter, qos) {
    return send(c, packet$1(qos < 0 ? 0xa2 : 0x82, chr(id >> 8, id & 255) + field(filter) + (qos < 0 ? "" : chr(qos))));
}
function rxCreate(size) {
    return { b: "", z: size, k: 0, g: -1, type: 0, qos: 0, id: 0, rc: 0, sp: 0, size: 0, plen: 0, tp: "", p: "" };
}
function rxReset(d) {
    d.b = "";
    d.k = 0;
    d.g = -1;
}
/**
 * As wire.ts: take in `chunk` (if any); then a packet (1) or an Err (< 0) is in the record, or 0 when
 * more bytes are needed. The received String is read in place: for an ack or a PINGRESP no String is
 * made at all, and only the fields the packet's type defines are set.
 */
function rxNext(d, chunk) {
    var b = d.b;
    // Into an empty buffer (the usual case: a chunk of whole packets) the chunk itself, not a copy of it:
    // 5% of a 534-byte PUBLISH's time on the 64-bit build.
    if (chunk) {
        if (typeof chunk != "string")
            chunk = E.toString(chunk);
        b = b ? b + chunk : chunk;
    }
    if (d.k) {
        // The rest of an oversized packet, skipped as it arrives.
        var m = d.k < b.length ? d.k : b.length;
        b = b.substr(m);
        d.k -= m;
    }
    d.b = b;
    // An oversized PUBLISH whose packet id lay past rxSize (its topic alone was longer): the bytes up to
    // the id were skipped; now the id, to acknowledge the message, and the rest is skipped as it arrives.
    if (d.g >= 0 && !d.k) {
        if (b.length < 2)
            return 0;
        d.id = (b.charCodeAt(0) << 8) | b.charCodeAt(1);
        d.k = d.g;
        d.g = -1;
        var m = d.k < b.length - 2 ? d.k : b.length - 2;
        d.b = b.substr(2 + m);
        d.k -= m;
        return -8 /* Err.BIG */;
    }
    if (d.k || b.length < 2)
        return 0;
    // A PUBACK, what a QoS 1 publisher receives most: read here, without the framing below and parse()
    // (one call fewer per acknowledged message on a board). Id 0 is left to parse() to refuse.
    if (b.charCodeAt(0) == 0x40 && b.charCodeAt(1) == 2 && b.length > 3 && (d.id = (b.charCodeAt(2) << 8) | b.charCodeAt(3))) {
        d.type = 4;
        d.size = 2;
        d.b = b.substr(4);
        return PACKET;
    }
    var n = b.charCodeAt(1);
    var j = 2;
    if (n > 127) {
        n &= 127;
        var m = 128;
        var x = void 0;
        do {
            if (j == b.length)
                return 0;
            x = b.charCodeAt(j++);
            n += (x & 127) * m;
            m *= 128;
            // A fourth length byte announcing a fifth is malformed [MQTT-2.2.3].
            if (x & 128 && j == 5) {
                d.b = "";
                return -4 /* Err.LENGTH */;
            }
        } while (x & 128);
    }
    // An oversized packet: its first rxSize bytes are read (a PUBLISH's topic and id, to acknowledge
    // it), the rest is skipped as it arrives.
    var big = n > d.z;
    var held = big ? d.z : n;
    if (b.length < j + held)
        return 0;
    var end = j + n;
    d.k = end > b.length ? end - b.length : 0;
    d.b = b.substr(end);
    return parse(d, b, j, n, big);
}
/**
 * The checks of codec/decode.ts's parse, over the packet at the start of `b` whose body starts at `j`
 * and is `n` bytes long (only its first rxSize bytes are there when `big`). A function of its own:
 * Espruino reads the whole text of a function on each call, so the framing above, called once more
 * per chunk to find there is nothing left, stays short.
 */
function parse(d, b, j, n, big) {
    var held = big ? d.z : n;
    var h = b.charCodeAt(0);
    var t = h >> 4;
    d.type = t;
    d.size = n;
    if (t == 3) {
        var q = (h >> 1) & 3;
        // Without QOS2 (features.ts) nothing is subscribed at QoS 2: a QoS 2 PUBLISH is a broker's error.
        if (q == 3 || (false))
            return -5 /* Err.QOS */;
        d.qos = q;
        d.id = 0;
        if (held < 2)
            return big ? -8 /* Err.BIG */ : -7 /* Err.TOPIC */;
        var tl = (b.charCodeAt(j) << 8) | b.charCodeAt(j + 1);
        var o = 2 + tl + (q ? 2 : 0);
        if (o > held) {
            if (!big)
                return -7 /* Err.TOPIC */;
            // The id follows the topic: read it whatever the topic's length, or the broker would resend
            // the message after every reconnect. Where it has not arrived yet, rxNext() reads it once the
            // bytes before it are skipped (g: the packet's bytes after the id).
            var a = j + o - 2;
            if (q && o <= n) {
                if (a + 2 <= b.length)
                    d.id = (b.charCodeAt(a) << 8) | b.charCodeAt(a + 1);
                else {
                    d.g = n - o;
                    d.b = b.substr(a);
                    d.k = a > b.length ? a - b.length : 0;
                    return 0;
                }
            }
            return -8 /* Err.BIG */;
        }
        if (!tl)
            return -7 /* Err.TOPIC */;
        d.tp = b.substr(j + 2, tl);
        if (q && !(d.id = (b.charCodeAt(j + o - 2) << 8) | b.charCodeAt(j + o - 1)))
            return -6 /* Err.ID */;
        d.plen = n - o;
        if (big)
            return -8 /* Err.BIG */;
        d.p = b.substr(j + o, n - o);
        return PACKET;
    }
    // Types a server sends: CONNACK .. UNSUBACK and PINGRESP, never SUBSCRIBE, UNSUBSCRIBE or PINGREQ.
    if (t < 2 || t > 13 || t == 8 || t == 10 || t == 12)
        return -2 /* Err.TYPE */;
    if ((h & 15) != (t == 6 ? 2 : 0))
        return -3 /* Err.FLAGS */;
    if (big)
        return -8 /* Err.BIG */;
    if (t == 13)
        return n ? -4 /* Err.LENGTH */ : PACKET;
    if (t == 9 ? n < 3 : n != 2)
        return -4 /* Err.LENGTH */;
    if (t == 2) {
        d.sp = b.charCodeAt(j) & 1;
        d.rc = b.charCodeAt(j + 1);
        return PACKET;
    }
    if (!(d.id = (b.charCodeAt(j) << 8) | b.charCodeAt(j + 1)))
        return -6 /* Err.ID */;
    if (t == 9) {
        d.p = b.substr(j + 2, n - 2);
        d.plen = n - 2;
    }
    return PACKET;
}

function storeCreate(size) {
    return { _q: [], _a: "", _c: 0, _s: 0, _u: 0, _m: size };
}
function storePut(s, topic, payload, retain, id, c) {
    // Sized before it is built: a full store (a burst paced by publish() returning false) refuses at once.
    // A String payload is bytes on a board, as a Uint8Array's length is.
    var m = topic.length + 4 + (payload == null ? 0 : payload.length);
    // Exactly what storeAck and storeAcks give back: the packet's length and the entry's cost.
    var n = m + (m < 128 ? 2 : m < 16384 ? 3 : m < 2097152 ? 4 : 5) + 24 /* Held.ENTRY */;
    if (n > s._m)
        return -1 /* Err.SPACE */;
    if (s._u + n > s._m)
        return 0;
    // A reading's PUBLISH (body under 128 bytes) is built here, as client.ts builds a QoS 0 one: on a board
    // the call of txPublish, which makes the same bytes and every other length, costs more than this.
    // The id's two bytes are made once, for the packet and for the PUBACK it is waiting for.
    var k = chr(id >> 8, id & 255);
    // Pushed as it is made: on a board each local costs a step per call.
    s._q.push(m < 128 ? chr(retain ? 0x33 : 0x32, m, topic.length >> 8, topic.length & 255) + topic + k + (payload == null ? "" : typeof payload == "string" ? payload : E.toString(payload)) : txPublish(null, topic, payload, retain, 1, id));
    s._a += "\x40\x02" + k;
    s._u += n;
    // With `c`, sent now if the window and the link allow: tested here, so that a publish while the window
    // is full (the usual case in a burst) costs no call of storeSend.
    if (c && s._c < c.wn && c.w < c.hw && c.l)
        storeSend(s, c);
    return 1;
}
/** Send what the window (`c.wn` in flight) and the link (`c.hw` bytes unsent) allow, oldest first. */
function storeSend(s, c) {
    var q = s._q;
    while (s._c < q.length && s._c < c.wn && c.w < c.hw && c.l) {
        var e = s._c + 1;
        var p = q[s._c];
        // A resend carries DUP=1 [MQTT-3.3.1-1]: a flagged copy, made only then, one at a time.
        if (s._c < s._s)
            p = chr(p.charCodeAt(0) | 8) + p.substr(1);
        else {
            // First sends go out together, in one native join and one write, where a write each costs a call
            // per message on a board: those a write each would have sent (each while fewer than hw bytes are
            // unsent), counted first, so that the join copies no more than goes out.
            var k = q.length < c.wn ? q.length : c.wn;
            for (var n = c.hw - c.w - p.length; e < k && n > 0;)
                n -= q[e++].length;
            if (e > s._c + 1)
                p = q.slice(s._c, e).join("");
            s._s = e;
        }
        s._c = e;
        c.w += p.length;
        c.tx = 1;
        c.l.write(p, 0, p.length);
    }
}
function storeRewind(s, fresh) {
    s._c = 0;
    if (fresh)
        s._s = 0;
}
// Every PUBACK starts 40 02, so the first match of one in _a is at a multiple of 4: one 2 bytes later
// would need its own 40 02 at an entry's id and the next entry's 40 02 as its id, the same id, which
// matches 2 bytes earlier first.
function storeAck(s, id) {
    var a = s._a;
    var k = a.indexOf(chr(0x40, 2, id >> 8, id & 255));
    if (k < 0 || k >= s._c * 4)
        return false;
    s._u -= s._q.splice(k >> 2, 1)[0].length + 24 /* Held.ENTRY */;
    s._a = a.substr(0, k) + a.substr(k + 4);
    s._c--;
    s._s--;
    return true;
}
/**
 * The PUBACKs at the start of `b` when they are those of the oldest entries sent, in the order they were
 * sent, which is how a broker answers a QoS 1 publisher [MQTT-4.6.0-2]: all of them taken in one compare
 * and one splice, where one at a time costs a pass through the decoder and storeAck each. The bytes
 * taken (4 a PUBACK), or 0 when `b` starts otherwise (the decoder then reads it as usual).
 */
function storeAcks(s, b) {
    var n = b.length < s._c * 4 ? b.length & -4 : s._c * 4;
    if (!n || b.substr(0, n) != s._a.substr(0, n))
        return 0;
    var q = s._q;
    var k = n >> 2;
    // A step per entry rather than a join of them all: a copy of a window of large messages would be RAM
    // beyond storeSize.
    for (var j = 0; j < k; j++)
        s._u -= q[j].length + 24 /* Held.ENTRY */;
    q.splice(0, k);
    s._a = s._a.substr(n);
    s._c -= k;
    s._s -= k;
    return n;
}
function storeHas(s, id) {
    return s._a.indexOf(chr(0x40, 2, id >> 8, id & 255)) >= 0;
}
/** Entries held (sent or not), or with `sent` only those sent on this connection and awaiting PUBACK. */
function storeCount(s, sent) {
    return sent ? s._c : s._q.length;
}
// For persist.ts only (the device bundle without it leaves these out).
/** Every entry held now has been sent before, in the session a restart may find kept: a resend carries DUP=1. */
function storeSent(s) {
    s._s = s._q.length;
}
/** Whether a PUBLISH of `n` bytes can ever be held: storePut's bound. */
function storeFits(s, n) {
    return n + 24 /* Held.ENTRY */ <= s._m;
}

/** On a board every name is a file of the one Storage. */
function flash(name) {
    return require("Storage");
}
/** The QoS 1 PUBLISH, as the store would send it first (DUP=0). */
function packet(topic, payload, retain, id) {
    return txPublish(null, topic, payload, retain, 1, id);
}
/** CRC-32, native on Espruino. */
function crc(s) {
    return E.CRC32(s);
}
/** A stored packet's topic and payload as storePut takes them: on a board the byte Strings themselves. */
function text(s) {
    return s;
}
function bytes(s) {
    return s;
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

// The QoS 1 store kept in Storage (option `persist`, issue 31) for the MQTT client: held messages survive
// a reset, a power cut and deep sleep. A layer over the RAM store (store.ts / store-text.ts), which keeps
// only what is in the sending window; the rest waits in Storage alone (the log, persist-log.ts, where the
// scheme and its reasons are written), so a held message costs no RAM until its turn.
// S is set before a message is handed to the sender (at CONNACK, or as it enters the RAM store while it
// may go out), so a resend after a restart to a kept session carries DUP=1 ("might be re-delivery"
// [MQTT-3.3.1-1]; a message published offline after a link dropped counts too); in a new session held
// messages go as new publishes (the store's rewind).
/**
 * Open the log `name` for the store `s`: the newer committed file, what it holds loaded into the RAM store
 * up to the window (those handed to the sender before marked sent, for DUP=1 in a kept session), a torn
 * tail compacted away. Returns the packet id of the newest record, from which new ids go on.
 */
function persistOpen(s, name, size, wn, f) {
    var p = logNew(name, size, wn);
    s.p = p;
    var id = /*@__INLINE__*/ logOpen(p, size);
    p.hc = /*@__INLINE__*/ logHeld(p);
    // Those marked handed to the sender come first (a prefix): loaded, then marked sent in the store.
    refill(p, s, 1);
    /*@__INLINE__*/ storeSent(s);
    refill(p, s, 0);
    return id;
}
/**
 * Move held records into the RAM store, oldest first, while the window has room: from `r` on, skipping
 * acknowledged ones. Each is marked handed to the sender first (its S byte). With `q`, stops at the first
 * not yet marked.
 */
function refill(p, s, q) {
    while (p.r < p.w && storeCount(s) < p.wn) {
        var o = p.r;
        var h = rd(p, o, 6 /* L.R */);
        var n = u16(h, 0);
        if (h.charCodeAt(5) == 255) {
            if (q && h.charCodeAt(4) == 255)
                return;
            var pk = rd(p, o + 6 /* L.R */, n);
            var j = 1;
            while (pk.charCodeAt(j++) & 128)
                ;
            var tl = u16(pk, j);
            j += 2 + tl;
            var e = storePut(s, /*@__INLINE__*/ text(pk.substr(j - tl, tl)), /*@__INLINE__*/ bytes(pk.substr(j + 2)), !!(pk.charCodeAt(0) & 1), u16(pk, j), null);
            if (!e)
                return;
            p.hc--;
            if (e < 0) {
                // Larger than the RAM store now takes (storeSize made smaller since it was held): it can never
                // be sent, and would hold up all behind it.
                wr(p, "\0", o + 5);
                p.v -= 6 /* L.R */ + n;
            }
            else {
                if (p.u && h.charCodeAt(4) == 255)
                    wr(p, "\0", o + 4);
                p.k += chr(0x40, 2, pk.charCodeAt(j), pk.charCodeAt(j + 1));
                p.o += chr(o >> 8, o & 255, n >> 8, n & 255);
            }
        }
        p.r = o + 6 /* L.R */ + n;
    }
}
/**
 * storePut with persist: the message is written to Storage first (1), or refused when the log is full
 * even after compaction (0), or can never be held (Err.SPACE, or the encoder's Err). It enters the RAM
 * store, and goes out, when nothing older waits in Storage and the window has room.
 */
function persistPut(s, topic, payload, retain, id, c) {
    var p = s.p;
    var pk = packet(topic, payload, retain, id);
    if (typeof pk == "number")
        return pk;
    var n = pk.length;
    if (n + 6 /* L.R */ > p.z - 6 /* L.H */ || !storeFits(s, n))
        return -1 /* Err.SPACE */;
    // As logPut (persist-log.ts), written out: a call less on a board.
    if (p.w + 6 /* L.R */ + n > p.z && !compact(p, 6 /* L.R */ + n))
        return 0;
    var ram = p.r == p.w && storeCount(s) < p.wn;
    var o = p.w;
    var x = crc(pk);
    wr(p, chr(n >> 8, n & 255, (x >> 8) & 255, x & 255, ram && (c || p.u) ? 0 : 255, 255) + pk, o);
    p.w += 6 /* L.R */ + n;
    p.v += 6 /* L.R */ + n;
    if (ram && storePut(s, topic, payload, retain, id, c) > 0) {
        p.k += chr(0x40, 2, id >> 8, id & 255);
        p.o += chr(o >> 8, o & 255, n >> 8, n & 255);
        p.r = p.w;
    }
    else
        p.hc++;
    return 1;
}
/**
 * A CONNACK: what the RAM store holds goes out now, so each is marked handed to the sender first. From
 * here on (while connected, and offline after it, where a message may have gone out before the link
 * dropped) a message is marked as it enters the RAM store.
 */
function persistUp(s) {
    var p = s.p;
    for (var q = 0; q < p.o.length; q += 4) {
        var o = u16(p.o, q);
        if (rd(p, o + 4, 1) == "\xff")
            wr(p, "\0", o + 4);
    }
    p.u = 1;
}
/** The RAM store's entries [j, j + m) were acknowledged: their A bytes cleared, out of the index. */
function done(p, j, m) {
    // As logDone (persist-log.ts) with the PUBACK index as well, written out: inlined, terser makes logDone
    // an immediately called function, which a board would define (copying its text) at every PUBACK.
    for (var q = j; q < j + m; q++) {
        wr(p, "\0", u16(p.o, q * 4) + 5);
        p.v -= 6 /* L.R */ + u16(p.o, q * 4 + 2);
    }
    p.o = p.o.substr(0, j * 4) + p.o.substr((j + m) * 4);
    p.k = p.k.substr(0, j * 4) + p.k.substr((j + m) * 4);
}
/** storeAck with persist: the message is marked acknowledged in Storage, and the next held ones move up. */
function persistAck(s, id) {
    if (!storeAck(s, id))
        return false;
    var p = s.p;
    done(p, p.k.indexOf(chr(0x40, 2, id >> 8, id & 255)) >> 2, 1);
    refill(p, s, 0);
    return true;
}
/** storeAcks (the board's run of PUBACKs) with persist. */
function persistAcks(s, b) {
    var n = storeAcks(s, b);
    if (n) {
        done(s.p, 0, n >> 2);
        refill(s.p, s, 0);
    }
    return n;
}
/** Messages held: in Storage with persist, else in the RAM store. */
function persistCount(s) {
    var p = s.p;
    return p ? p.hc + p.k.length / 4 : storeCount(s);
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

// The client: one record per client and module-level functions over it (on Espruino a function defined
// inside a factory copies its text per client; here each function exists once). No I/O of its own: a
// transport opens links and a clock tells time. One numeric state; each transition is made in one
// function, which changes the state before any event is emitted.
// ---- timers: one clock timer, set on state changes and by each tick, never per packet.
function arm(c, ms) {
    if (c.t != null)
        c.k.clear(c.t);
    c.t = c.k.set(tick, ms, c);
}
/** The one timer callback: the next connect attempt when offline, the timeouts and keepalive otherwise. */
function tick(c) {
    c.t = null;
    if (c.s == 0 /* S.OFF */) {
        // The next attempt: a new events object, so events from an older link are ignored.
        c.s = 1 /* S.OPEN */;
        c.attempts++;
        c.w = 0;
        rxReset(c.d);
        var e = { c: c, open: onOpen, data: onData, drain: onDrain, close: onClose };
        c.e = e;
        try {
            var l = c.tr(e);
            if (c.e != e)
                return; // closed synchronously
            c.l = l;
            c.hw = l.hw || 1024;
        }
        catch (x) {
            return drop(c, fail("connect failed", "connect", x));
        }
        return arm(c, c.ct);
    }
    if (c.s != 3 /* S.UP */)
        return drop(c, fail("no CONNACK within " + c.ct + " ms", "timeout"));
    if (c.pg && !c.rx && ++c.pg > c.pt)
        return drop(c, fail("no PINGRESP within " + c.pm + " ms", "timeout"));
    if (c.rx)
        c.pg = 0;
    c.tq = c.tx ? 0 : c.tq + 1;
    c.rq = c.rx ? 0 : c.rq + 1;
    c.aq = storeCount(c.st, true) && !c.ak ? c.aq + 1 : 0;
    c.tx = c.rx = c.ak = 0;
    if (c.aq >= c.at)
        return drop(c, fail("no PUBACK within " + c.am + " ms", "timeout"));
    // A connection that stayed up this long ends the run of failures: the backoff starts short again.
    // Not at CONNACK: a broker that accepts and then drops at once would make a reconnect storm.
    if (++c.ut == c.sk)
        c.f = 0;
    // Pings when nothing went out, and also when nothing came in: a QoS 0 publisher must still find a dead link.
    // Never while a PINGREQ waits: a second one would restart the wait, and a link that swallows
    // everything would never be found.
    if (c.kt && !c.pg && (c.tq >= c.kt || c.rq >= c.kt)) {
        c.tq = c.rq = 0;
        c.pg = 1;
        txAck(c, 0xc0, -1); // PINGREQ
    }
    arm(c, c.iv);
}
// ---- connection lifecycle
function onOpen() {
    var c = this.c;
    if (c.e != this)
        return;
    c.s = 2 /* S.CONNACK */;
    put(c, c.cn, 0, c.cn.length); // made once, when the client was
}
function onClose(x) {
    var c = this.c;
    if (c.e != this)
        return;
    var s = c.s;
    // A name that does not resolve will not resolve on the next try either: wait the longest step.
    if (s == 1 /* S.OPEN */)
        drop(c, fail("connect failed", "connect", x), x && x.code == "ENOTFOUND" ? c.r1 : 0);
    else
        drop(c, fail(s == 3 /* S.UP */ ? "connection lost" : "closed before CONNACK", "closed", x));
}
function onDrain() {
    var c = this.c;
    if (c.e != this)
        return;
    c.w = 0;
    pump(c);
    emit(c, "drain");
}
/** The link is gone (or must go): close it, plan the next attempt, then tell the user. */
function drop(c, err, wait) {
    var was = c.s;
    var l = c.l;
    c.l = null;
    c.e = null;
    c.pg = c.rf = 0;
    c.s = 0 /* S.OFF */;
    c.sh = 0;
    c.f++;
    // With several brokers the next attempt goes to the next one, and the step grows once per pass over
    // the list, so that a broker that died is left at once and the survivors are not stormed.
    var n = c.tl ? c.tl.length : 1;
    if (n > 1)
        c.tr = c.tl[(c.si = (c.si + 1) % n)];
    // Capped exponential backoff with jitter (50-100% of the step), so a fleet does not reconnect in step.
    var step = (n < 2 && wait) || Math.min(c.r1, c.r0 * Math.pow(2, Math.min(Math.floor((c.f - 1) / n), 20)));
    arm(c, step * (0.5 + c.rn() / 2));
    if (l)
        l.close();
    // Both queued before either is emitted, so an end() in the error handler closes after `offline`.
    c.eq.push("error", err);
    if (was == 3 /* S.UP */)
        c.eq.push("offline", undefined);
    ev(c);
}
function finish(c) {
    var was = c.s;
    var l = c.l;
    var n = (persistCount )(c.st);
    if (was == 3 /* S.UP */)
        txAck(c, 0xe0, -1); // DISCONNECT: after a clean one the will is not sent
    if (c.t != null)
        c.k.clear(c.t);
    if (c.et != null)
        c.k.clear(c.et);
    c.t = c.et = null;
    c.s = 4 /* S.END */;
    c.sh = 0;
    c.l = null;
    c.e = null;
    if (l)
        l.close();
    // Callbacks of (un)subscribes still waiting for their acks run once, now: no ack can come.
    for (var k = 0, a = c.sb.concat(c.us); k < a.length; k++)
            settle(c, a[k], fail("ended before its ack: " + a[k].f, "ended"));
    // With persist they stay in Storage, and go out at the next connect with the same persist.
    if (n)
        c.eq.push("error", fail(n + " held QoS 1 message(s) not sent before end()" + (c.st.p ? ", kept in Storage" : ""), "ended"));
    if (was == 3 /* S.UP */)
        c.eq.push("offline", undefined);
    ev(c, "close");
}
// ---- inbound
function onData(chunk) {
    var c = this.c;
    if (c.e != this)
        return;
    var d = c.d;
    var st;
    var ch = chunk;
    // On a board, the PUBACKs of the oldest messages sent, in order, at the start of a chunk with nothing
    // left over before it (what a QoS 1 publisher receives) are taken by the store in one call, not one
    // pass through the decoder each.
    if (c.s == 3 /* S.UP */ && typeof chunk == "string" && !d.b && !d.k && d.g < 0 && (st = (c.st.p ? persistAcks : storeAcks)(c.st, chunk))) {
        c.rx = c.ak = 1;
        if (c.en && !storeCount(c.st))
            return finish(c);
        storeSend(c.st, c);
        if (!(ch = chunk.substr(st)))
            return;
    }
    // On a board, rxNext is not called again for a chunk that held whole packets only (most do): with no
    // new bytes and fewer than 2 left it has nothing to find, and a call there costs more than this test.
    while (c.e == this && (ch || false || d.b.length > 1) && (st = rxNext(d, ch))) {
        ch = null;
        if (st == PACKET) {
            // A PUBACK, what a QoS 1 publisher receives most, is taken here: one call fewer per message on a board.
            if (d.type == 4 /* T.PUBACK */ && c.s == 3 /* S.UP */) {
                c.rx = 1;
                if ((c.st.p ? persistAck : storeAck)(c.st, d.id)) {
                    c.ak = 1;
                    if (c.en && !storeCount(c.st))
                        return finish(c);
                    // The store only, not pump(): no (un)subscribe can be waiting here; each goes out when made, and
                    // those made before the connection went out right after its CONNACK.
                    storeSend(c.st, c);
                }
            }
            else
                handle(c, d);
        }
        else if (st == -8 /* Err.BIG */) {
            // A QoS 1/2 PUBLISH whose id fitted is acknowledged, or the broker would resend it forever.
            if (d.type == 3 /* T.PUBLISH */ && d.id)
                txAck(c, d.qos == 1 ? 0x40 : 0x50, d.id); // PUBACK or PUBREC
            ev(c, "error", fail("packet of " + d.size + " bytes exceeds rxSize", -8 /* Err.BIG */));
        }
        else
            return drop(c, fail("malformed packet from server (" + st + ")", st));
    }
}
/**
 * One packet from the server, but a PUBACK while connected (onData takes those). The rest are ctl()'s:
 * Espruino tokenizes the whole text of a function at every call, what follows a return included (it
 * skips that token by token), so a PUBLISH does not pay for the CONNACK handling's text.
 */
function handle(c, d) {
    var t = d.type;
    var id = d.id;
    c.rx = 1;
    if (t == 3 /* T.PUBLISH */ && c.s == 3 /* S.UP */) {
        if (d.qos == 2) {
            // Exactly once: a PUBLISH whose id is still remembered is a resend; acknowledge, do not deliver.
            // An id is remembered until its PUBREL, never forgotten while its exchange is open [MQTT-4.3.3]:
            // with every slot awaiting a PUBREL the message is not taken (no PUBREC, no delivery), and once
            // the PUBRELs have freed the slots the link is dropped, so that the broker sends it again.
            var fresh = c.q2.indexOf(id) < 0;
            if (fresh) {
                if (c.q2.length >= c.qn) {
                    c.rf++;
                    return ev(c, "error", fail("qos2 slots full: QoS 2 message not taken", "qos2"));
                }
                c.q2.push(id);
            }
            txAck(c, 0x50, id); // PUBREC
            if (!fresh)
                return;
        }
        else if (d.qos)
            txAck(c, 0x40, id); // PUBACK, before delivery: a callback that throws or ends the client cannot lose it
        // On the board the record holds the topic and payload Strings (wire-text.ts).
        var topic = d.tp ;
        var p = (c.bi ? E.toUint8Array(d.p) : d.p) ;
        var sb = c.sb;
        // Each matching subscription's callback, then the message handler. A callback that throws becomes
        // an `error` event and the rest still run; one that unsubscribes (itself or another) is followed by
        // the subscription after it, wherever that is now; a subscription made by a callback (one that
        // subscribes to its own filter again, say with another QoS) gets the next message, not this one.
        var top = c.sq;
        for (var k = 0; k <= sb.length; k++) {
            var s = sb[k];
            try {
                if (!s)
                    emit(c, "message", topic, p);
                else if (CB && s.n < top && s.cb && match(s.f, topic))
                    s.cb(topic, p);
            }
            catch (x) {
                ev(c, "error", fail("callback threw", "callback", x));
            }
            if (!s)
                break;
            var j = sb.indexOf(s);
            k = j < 0 ? k - 1 : j;
        }
        return;
    }
    ctl(c, d, t, id);
}
/** The rest of the packets a server sends: CONNACK, PUBREL, SUBACK, UNSUBACK, PINGRESP. */
function ctl(c, d, t, id) {
    if (c.s == 2 /* S.CONNACK */) {
        if (t != 2 /* T.CONNACK */)
            return drop(c, fail("expected CONNACK, got type " + t, "protocol"));
        var rc = d.rc;
        // Codes 1, 2, 4 and 5 will not fix themselves: wait the longest backoff before trying again.
        // The reasons for codes 1..5 [MQTT-3.2.2.3] are a literal here, not a module constant: on a board a
        // String held by the module costs 14 blocks for as long as it is loaded, this one only while refused.
        if (rc)
            return drop(c, fail("connection refused: " + ("unacceptable protocol version|identifier rejected|server unavailable|bad user name or password|not authorized".split("|")[rc - 1] || "code " + rc), rc), rc == 3 ? 0 : c.r1);
        // CONNACK 0: the session is kept or starts afresh, all of it together [MQTT-3.1.2-4, 3.1.2-6].
        // A 3.1 CONNACK has no session-present flag: with clean false the session is kept (ks).
        var kept = !!(d.sp || c.ks);
        c.kp = kept ? 1 : 0;
        c.s = 3 /* S.UP */;
        // A PUBLISH with one length byte, as long as txSize allows.
        c.sh = Math.min(127, c.z - 2);
        c.tq = c.rq = c.aq = c.ut = 0;
        arm(c, c.iv);
        // Held QoS 1 messages go out again from the oldest; in a new session as new messages (DUP=0).
        storeRewind(c.st, !kept);
        if (c.st.p)
            persistUp(c.st);
        if (!kept)
            c.q2.splice(0, c.q2.length);
        var sb = c.sb;
        // Subscriptions go out again in a new session, and to a 3.1 broker, which may have lost the session
        // without a way to say so (a SUBSCRIBE to a filter held already replaces it).
        for (var k = 0; k < sb.length; k++)
            if (!kept || c.ks || sb[k].i)
                sb[k].i = -1;
        // Unsubscribes still due are resent to a kept session; a new session has nothing to unsubscribe.
        if (kept)
            for (var k = 0; k < c.us.length; k++)
                c.us[k].i = -1;
        var gone = kept ? [] : c.us.splice(0, c.us.length);
        // The handler runs before the session goes out again: a subscribe() there replaces the restored
        // subscription instead of sending a second SUBSCRIBE, and its QoS 0 publishes go ahead of the held
        // messages. Until pump() below, publish() pumps too, so the restored subscriptions go out first.
        c.pp = 1;
        try {
            ev(c, "connected", { sessionPresent: kept });
        }
        finally {
            c.pp = 0;
        }
        pump(c);
        // Their callbacks: done, as the new session holds no subscription (after `connected`, with the rest
        // of the session under way).
        for (var k = 0; k < gone.length; k++)
                settle(c, gone[k], null);
        return;
    }
    if (t == 6 /* T.PUBREL */) {
        var k = c.q2.indexOf(id);
        if (k >= 0)
            c.q2.splice(k, 1);
        txAck(c, 0x70, id); // PUBCOMP
        if (c.rf && !c.q2.length)
            drop(c, fail("reconnect for the QoS 2 messages not taken", "qos2"));
    }
    else if (t == 9 /* T.SUBACK */) {
        var sb = c.sb;
        for (var k = 0; k < sb.length; k++) {
            var s = sb[k];
            if (s.i != id)
                continue;
            // One filter per SUBSCRIBE, so exactly one return code is due [MQTT-3.9.3-1].
            if (d.plen != 1)
                return drop(c, fail("SUBACK with " + d.plen + " return codes for 1 filter", "protocol"));
            s.i = 0;
            var q = d.p.charCodeAt(0) ;
            if (q & 0x80) {
                sb.splice(k, 1);
                var e = fail("subscription refused: " + s.f, "suback");
                // Told once: to subscribe()'s callback when there is one (as MQTT.js), else as an `error`.
                if (s.d)
                    settle(c, s, e, 128);
                else
                    ev(c, "error", e);
            }
            else settle(c, s, null, q);
            return;
        }
    }
    else if (t == 11 /* T.UNSUBACK */) {
        for (var k = 0; k < c.us.length; k++)
            if (c.us[k].i == id) {
                var s = c.us.splice(k--, 1)[0];
                settle(c, s, null);
            }
    }
    else if (t == 2 /* T.CONNACK */)
        drop(c, fail("second CONNACK", "protocol"));
    // PINGRESP needs nothing more; PUBREC/PUBCOMP cannot be due: this client never publishes at QoS 2.
}
// ---- outbound
/** Send what may be sent now: (un)subscriptions not yet sent, then held QoS 1 messages within the window. */
function pump(c) {
    if (c.s != 3 /* S.UP */)
        return;
    var sb = c.sb;
    for (var k = 0; k < sb.length; k++)
        if (sb[k].i < 0)
            txSub(c, (sb[k].i = nextId(c)), sb[k].f, sb[k].q);
    var us = c.us;
    for (var k = 0; k < us.length; k++)
        if (us[k].i < 0)
            txSub(c, (us[k].i = nextId(c)), us[k].f, -1);
    storeSend(c.st, c);
}
function nextId(c) {
    // Ids are handed out in turn; only after wrapping past 65535 can one still be in use.
    for (;;) {
        var id = (c.id = (c.id % 65535) + 1);
        if (id == 65535)
            c.wr = 1;
        if (!c.wr)
            return id;
        var k = storeHas(c.st, id) ? -1 : 0;
        for (; k >= 0 && k < c.sb.length; k++)
            if (c.sb[k].i == id)
                k = -2;
        for (var j = 0; k >= 0 && j < c.us.length; j++)
            if (c.us[j].i == id)
                k = -2;
        if (k >= 0)
            return id;
    }
}
/** Remove `f` from a subscription list; `sent` also removes entries already on the wire. */
function forget(c, list, f, sent) {
    for (var k = 0; k < list.length; k++)
        if (list[k].f == f && (sent || list[k].i < 0)) {
            var s = list.splice(k--, 1)[0];
            settle(c, s, fail("superseded before its ack: " + f, "superseded"));
        }
}
function checkFilter(c, filter) {
    if (!validFilter(filter))
        throw fail("invalid topic filter: " + filter, "topic");
    // Fixed header + id + length-prefixed filter + QoS byte: refused here, or it would never be sent.
    var n = 5 + (filter.length );
    if (n + (n < 128 ? 2 : n < 16384 ? 3 : n < 2097152 ? 4 : 5) > c.z)
        throw fail("topic filter does not fit in txSize", "size");
}
/**
 * A QoS 1 message the store did not take (storePut's `e` < 1): its id is given back. One that can never
 * fit is a bad call and throws; a full store is flow control, like a full socket for QoS 0: false and
 * counted, no event (a burst paced by false meets it once a window, and on a board an error event there
 * cost 42 ms a time, as much as the rest of the burst's QoS 1 path).
 */
function refused(c, e) {
    c.id = ((c.id + 65533) % 65535) + 1;
    if (e < 0)
        throw fail("message larger than storeSize", "size");
    c.dropped++;
    return false;
}
/**
 * publish() beyond a board's reading: every check, then QoS 1 into the store or QoS 0 on the link.
 */
function publishAny(c, topic, payload, opt) {
    var q = opt ? opt.qos || 0 : 0;
    var r = !!(opt && opt.retain);
    // A telemetry node publishes to the same few topics: the last topic that passed is not checked again
    // (a compare, one native step, against four). On a board a char is a byte, so the length
    // check is the byte check; elsewhere UTF-8 may be longer, but never over 3 bytes a UTF-16 unit, so
    // only a topic of over 21,845 units is measured.
    if (topic !== c.vt) {
        if (!validTopic(topic) || (false))
            throw fail("invalid topic: " + topic, "topic");
        // Not once ended: publish() takes a topic equal to vt for a client that still takes messages.
        if (!c.en)
            c.vt = topic;
    }
    if (q !== 0 && q !== 1)
        throw fail("qos must be 0 or 1", "qos");
    if (payload != null && typeof payload != "string" && !(payload instanceof Uint8Array))
        throw fail("payload must be a string or Uint8Array", "payload");
    if (c.en || c.s == 4 /* S.END */)
        return false;
    if (q) {
        // nextId(c) unless ids could be in use (wrapped past 65535): one call less on the board's hot path.
        // Sent by the store when connected; inside the `connected` handler (c.pp) by pump(), so that the
        // restored subscriptions go out first. While connected no (un)subscribe waits otherwise: each
        // goes out when made.
        var e = (c.st.p ? persistPut : storePut)(c.st, topic, payload, r, c.id < 65534 && !c.wr ? ++c.id : nextId(c), c.s == 3 /* S.UP */ && !c.pp ? c : null);
        if (e < 1)
            return refused(c, e);
        if (c.pp)
            pump(c);
        return true;
    }
    if (c.s != 3 /* S.UP */ || c.w >= c.hw) {
        c.dropped++;
        return false;
    }
    if (txPublish(c, topic, payload, r) < 0)
        throw fail("message larger than txSize", "size");
    return true;
}
// The methods, shared by every client through the prototype; the API's bodies live here (on Espruino a
// wrapper would be one more function in RAM and one more call per publish).
var PROTO = {
    publish: function (topic, payload, opt, cb) {
        // A board's reading, publish(topic, "21.5") or at QoS 1, to a topic already sent to: every check
        // of publishAny() is known to pass. Each call and each local costs on an interpreter, and every
        // call tokenizes the whole text of the function, what follows its return included (Espruino skips
        // the rest token by token, jspeSkipBlock): so this method holds the reading's path and nothing
        // else. A QoS 0 PUBLISH (body under 128 bytes) is built and written here, while connected with
        // room on the link (txPublish in wire-text.ts builds the same bytes for every length); a QoS 1 one
        // goes to the store, and a refusal takes refused(), as on the general path.
        // One local for the QoS 0 body's length and the store's answer, and `this` with no alias for it:
        // each local costs a step per call on a board (the alias took 3% of a QoS 0 publish on the 64-bit
        // build, two locals 6%). Neither end() nor a lost link costs a test here: from end() on vt is NaN,
        // and sh is 0 unless connected (3% of a QoS 0 publish on the 64-bit build).
        var n;
        if (topic === this.vt && typeof payload == "string") {
            if (opt == null) {
                // Sized first, then built in one concatenation with one fromCharCode for the whole header
                // (building the body, then the packet around it, took 15% longer on the 64-bit build).
                n = topic.length + payload.length + 2;
                if (n <= this.sh && this.w < this.hw) {
                    this.w += n + 2;
                    this.tx = 1;
                    this.l.write(chr(0x30, n, topic.length >> 8, topic.length & 255) + topic + payload, 0, n + 2);
                    return true;
                }
            }
            else if (opt.qos === 1 && this.id < 65534 && !this.wr) {
                // The id is taken before the store may write the PUBLISH: a handler run from inside write() (a
                // link that closes at once) gets the next one.
                n = (this.st.p ? persistPut : storePut)(this.st, topic, payload, !!opt.retain, ++this.id, this.s == 3 /* S.UP */ && !this.pp ? this : null);
                if (n < 1)
                    return refused(this, n);
                if (this.pp)
                    pump(this);
                return true;
            }
        }
        return publishAny(this, topic, payload, opt);
    },
    // subscribe() and unsubscribe() are written out each, not one shared function: on a board a function
    // of five parameters held while the module is loaded costs about 11 blocks, more than the repetition.
    subscribe: function (filter, opt, cb) {
        var c = this;
        if (typeof opt == "function") {
            cb = opt;
            opt = null;
        }
        var h = opt && opt.onMessage;
        var q = (opt && opt.qos) || 0;
        checkFilter(c, filter);
        if (q !== 0 && q !== 1 && q !== 2)
            throw fail("qos must be 0, 1 or 2", "qos");
        if (c.s == 4 /* S.END */) {
            if (cb)
                cb(fail("ended", "ended"));
            return c;
        }
        forget(c, c.sb, filter, true);
        forget(c, c.us, filter, true); // the later call wins: an unsubscribe still due (sent or not) is superseded
        c.sb.push({ f: filter, q: q, cb: h, d: cb, i: -1, n: c.sq++ } );
        pump(c);
        return c;
    },
    unsubscribe: function (filter, cb) {
        var c = this;
        checkFilter(c, filter);
        if (c.s == 4 /* S.END */) {
            if (cb)
                cb(fail("ended", "ended"));
            return c;
        }
        forget(c, c.sb, filter, true);
        forget(c, c.us, filter, false); // an UNSUBSCRIBE already sent is left to its UNSUBACK
        // Sent now or at the next connect to a kept session, until an UNSUBACK says it is done.
        c.us.push({ f: filter, q: 0, i: -1, d: cb } );
        pump(c);
        return c;
    },
    end: function (force, cb) {
        var c = this;
        // end(cb) and end(force, cb), as MQTT.js: cb runs once, when the DISCONNECT is written or the end forced.
        if (typeof force == "function") {
            cb = force;
            force = 0;
        }
        if (cb) {
            if (c.s == 4 /* S.END */)
                return cb();
            listen(c, "close", cb, true);
        }
        if (c.s == 4 /* S.END */ || (c.en && !force))
            return;
        c.en = 1;
        // publish() then takes its general path, which refuses.
        c.vt = NaN;
        if (!force && storeCount(c.st)) {
            c.et = c.k.set(finish, c.ed, c);
            pump(c);
        }
        else
            finish(c);
    },
    // Several listeners per event (events.ts).
    on: on,
    once: once,
    off: off,
    state: function () {
        return this.s;
    },
    queued: function () {
        return (persistCount )(this.st);
    },
};
// Espruino's own on/emit/removeListener cannot serve: its emit() queues the call for later (measured on
// the interpreter: a listener removed right after emit() was never called), while a handler here runs
// after the transition that emitted it, before anything else happens.
PROTO.removeListener = PROTO.off;
/**
 * A client for the options `opts` (copied, never written). `make` builds the transport when the options
 * name none; `defaults` are the platform's defaults under the user's options. Options that can never
 * work throw here, before any link is opened.
 */
function createClient(opts, make, defaults) {
    var o = {};
    for (var k in defaults)
        o[k] = defaults[k];
    for (var k in opts)
        if (opts[k] !== undefined)
            o[k] = opts[k];
    o.random = o.random || Math.random;
    if (o.servers) {
        if (!make || o.transport || !(o.servers.length > 0))
            throw fail("servers: a non-empty list of { host, port }, with the platform's transport", "options");
        // A transport per broker, each for the options with that entry's fields over them.
        o.tl = [];
        for (var k = 0; k < o.servers.length; k++) {
            var so = {};
            for (var x in o)
                so[x] = o[x];
            for (var x in o.servers[k])
                so[x] = o.servers[k][x];
            o.tl.push(make(so));
        }
        o.transport = o.tl[0];
    }
    else if (!o.transport)
        o.transport = make ? make(o) : null;
    if (typeof o.transport != "function")
        throw fail("no transport", "options");
    if (o.protocol == null)
        o.protocol = 4;
    if (o.protocol !== 3 && o.protocol !== 4)
        throw fail("protocol must be 3 (MQTT 3.1) or 4 (MQTT 3.1.1)", "options");
    // __INLINE__: terser writes these one-call functions out here, so a board holds two functions fewer
    // (about 6 blocks each) for as long as the module is loaded.
    /*@__INLINE__*/ numbers(o, "keepalive 60 0 65535 rxSize 1024 2 268435455 txSize 512 16 268435455 storeSize 2048 0 268435455 window 8 1 65535 reconnectMin 1000 1 1e9 reconnectMax 60000 1 1e9 connectTimeout 10000 1 1e9 ackTimeout 30000 1 1e9 pingTimeout 10000 1 1e9 endTimeout 10000 0 1e9 qos2 16 1 65535");
    if (o.reconnectMax < o.reconnectMin)
        o.reconnectMax = o.reconnectMin;
    if (o.clientId == null)
        o.clientId = "mqttiny" + Math.floor(o.random() * 1e8);
    var idn = typeof o.clientId != "string" ? -1 : o.clientId.length ;
    // 3.1 allows 1 to 23 characters; 3.1.1 allows an empty id only with a clean session [MQTT-3.1.3-7].
    if (idn < 0 || (o.protocol == 3 ? idn < 1 || idn > 23 : !idn && o.clean === false))
        throw fail("client id: 1-23 chars on MQTT 3.1, empty only with clean", "clientId");
    if (o.will && (!validTopic(o.will.topic) || !(o.will.qos == null || o.will.qos === 0 || o.will.qos === 1 || o.will.qos === 2)))
        throw fail("invalid will topic or QoS", "will");
    if (o.password != null && o.username == null)
        throw fail("password without username", "password");
    var cn = /*@__INLINE__*/ connectPacket(o);
    if (typeof cn == "number")
        throw fail("a CONNECT field is over 65,535 bytes", "options");
    if (cn.length > o.txSize)
        throw fail("CONNECT does not fit in txSize", "size");
    var ka = o.keepalive * 1000;
    o.pingTimeout = Math.min(o.pingTimeout, ka || 1e9);
    var c = Object.create(PROTO);
    // Only what runs later is kept, under short names; `o` (a merged copy) is garbage after this. Espruino
    // finds a property by walking the object's list in the order the properties were made: what publish()
    // and a PUBACK read comes first (one at a time: `a = b = 0` makes b before a).
    c.s = 0 /* S.OFF */;
    c.vt = NaN;
    c.w = 0;
    c.hw = 0;
    c.en = 0;
    c.l = null;
    c.tx = 0;
    c.sh = 0;
    c.z = o.txSize;
    c.e = null;
    c.d = rxCreate(o.rxSize);
    c.st = storeCreate(o.storeSize);
    c.rx = 0;
    c.ak = 0;
    c.wn = o.window;
    c.id = 0;
    c.wr = 0;
    c.pp = 0;
    c.tr = o.transport;
    c.si = 0;
    if (o.tl)
        c.tl = o.tl;
    c.cn = cn;
    c.ct = o.connectTimeout;
    c.pm = o.pingTimeout;
    c.am = o.ackTimeout;
    c.ed = o.endTimeout;
    c.r0 = o.reconnectMin;
    c.r1 = o.reconnectMax;
    c.rn = o.random;
    c.bi = o.binary ? 1 : 0;
    c.qn = o.qos2;
    c.ks = o.protocol == 3 && o.clean === false ? 1 : 0;
    c.kp = 0;
    // The host's timers unless a clock is given (setTimeout passes `a` on to f, on Node and on Espruino):
    // the host functions themselves, not wrappers, as none of them uses `this` and on Espruino each wrapper
    // would be one more function in RAM; looked up here, so a host without timers can still load the module.
    c.k = o.clock || { now: Date.now, set: setTimeout, clear: clearTimeout };
    c.h = {};
    c.f = c.tq = c.rq = c.aq = c.pg = c.ut = c.rf = 0;
    // Flags as 0/1: on Espruino a property holding a number fits in its name's block, a boolean takes two.
    c.ef = 0;
    c.q2 = [];
    c.sb = [];
    c.sq = 0;
    c.us = [];
    c.eq = [];
    c.dropped = c.attempts = 0;
    // Tick interval while connected: a quarter of the shortest timeout, so each timeout fires within a
    // quarter of its value. A PINGREQ leaves once kt quiet ticks have passed, at most one keepalive after
    // the last packet (the broker allows 1.5 x), and the link is dropped pt ticks after it: a dead link
    // is found within keepalive + pingTimeout of its last packet, whatever the two values.
    // A connection is stable after one keepalive (or ackTimeout) period.
    var iv = Math.max(1, Math.min(ka ? Math.min(ka, o.pingTimeout) : o.ackTimeout, o.ackTimeout) / 4);
    c.iv = iv;
    c.kt = ka ? Math.floor(ka / iv) - 1 : 0;
    c.at = Math.ceil(o.ackTimeout / iv);
    c.pt = Math.ceil(o.pingTimeout / iv);
    c.sk = Math.ceil((ka || o.ackTimeout) / iv);
    // Held messages from Storage go into the store now, before the first CONNACK rewinds it; new ids follow theirs.
    if (o.persist != null) {
        numbers(o, "persistSize 2048 32 65000");
        c.id = persistOpen(c.st, o.persist, o.persistSize, o.window);
    }
    else if (o.persist != null)
        throw fail("persist needs build/mqttiny-persist.min.js", "options");
    // The first attempt is a timer too, so end() right after connect() cancels it.
    c.t = c.k.set(tick, 0, c);
    return c;
}

// Espruino transport: require("net") / require("tls"). Socket data arrives as Strings (one char per
// byte) and goes to the decoder as it is; the device wire builds packets as Strings, which are what an
// Espruino socket sends as bytes (a Uint8Array passed to write() goes out as the text "1,2,3").
function espruinoTransport(o) {
    var cfg = { h: o.host || "127.0.0.1", p: linkPort(o), t: !!o.tls, w: o.hw || 256, a: der(o.ca), c: der(o.cert), k: der(o.key) } ;
    return sConnect.bind(cfg);
}
// Espruino's tls takes DER byte Strings only (PEM text throws "mbedtls_x509_crt_parse ... Invalid
// format"): PEM text becomes the atob() of its first block's body (atob skips the line breaks).
// Anything without a "-----" line is taken to be DER already.
function der(p) {
    var a = p && p.split("-----");
    return a && a[2] ? atob(a[2]) : p;
}
// No closure per connection either: the socket itself is the link (its write() takes the client's
// Strings and ignores the range arguments), it carries the link's state, and its handlers are module
// functions that find it as `this`. A closure made per connection cost about 110 blocks on an ESP8266,
// against 10 for the socket itself.
function sConnect(h) {
    var o = this;
    var s;
    try {
        // The socket keeps this object for as long as it is open: the TLS fields only when given.
        var q = { host: o.h, port: o.p };
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
    }
    catch (e) {
        // Connecting to a closed port may throw instead of emitting: reported like a close, after return.
        // Espruino prints the errno (err 111) to the console only; the error names the broker at least.
        s = {};
        setTimeout(sGone, 0, o.h + ":" + o.p + ": " + (e.message || e) + " (refused or unreachable)", s);
    }
    // h: the client's events; t: TLS; g: data was seen; e: the error seen; d: the link is down.
    s.h = h;
    s.c = o;
    s.t = o.t;
    s.hw = o.w;
    s.close = lClose;
    return s;
}
function lClose() {
    this.d = true;
    if (this.end)
        this.end();
}
function sOpen() {
    this.h.open();
}
function sData(d) {
    this.g = true;
    this.h.data(d);
}
function sDrain() {
    this.h.drain();
}
function sError(e) {
    this.e = this.c.h + ":" + this.c.p + ": " + ((e && e.message) || e);
}
// A lost link gives end then close, error may never fire, and connecting to a closed port may throw:
// every path ends here, once, with the error if one was seen. A TLS link that ends before any data,
// with no error given, failed its handshake (2v29 reports that only as an uncaught InternalError from
// its event loop, which nothing here can catch).
function sGone(e, o) {
    var s = o || this;
    // `close` passes a boolean (had_error): the error itself came with the `error` event.
    if (e && e !== true)
        s.e = e;
    if (!s.d) {
        s.d = true;
        s.h.close(s.e || (s.t && !s.g ? "TLS handshake failed" : s.e));
    }
}

// connect(url, opts) as MQTT.js takes it: the options a broker URL gives, over a copy of `o`.
/**
 * `mqtt://` or `tcp://` (plain), `mqtts://` or `ssl://` (TLS); `user:password@`; a host name, an IPv4
 * address or a bracketed IPv6 one; `:port` (checked with the other options). A path is ignored.
 * Anything else throws with code "url"; the message never repeats the URL, which may hold a password.
 */
function urlOptions(u, o) {
    var r = {};
    for (var k in o)
        r[k] = o[k];
    var i = u.indexOf("://");
    var s = u.substr(0, i);
    var h = u.substr(i + 3).split("/")[0];
    var at = h.lastIndexOf("@");
    if (at >= 0) {
        var c = h.substr(0, at).split(":");
        r.username = decodeURIComponent(c[0]);
        if (c.length > 1)
            r.password = decodeURIComponent(c.slice(1).join(":"));
        h = h.substr(at + 1);
    }
    var p = h.lastIndexOf(":");
    if (p > h.lastIndexOf("]")) {
        r.port = +h.substr(p + 1) || 0;
        h = h.substr(0, p);
    }
    if (h.charAt(0) == "[")
        h = h.substr(1, h.length - 2);
    if (i < 1 || !h || "mqtt tcp mqtts ssl".split(" ").indexOf(s) < 0)
        throw fail("URL: mqtt://, mqtts://, tcp:// or ssl://, then [user[:password]@]host[:port]", "url");
    r.host = h;
    r.tls = s == "mqtts" || s == "ssl";
    return r;
}

// The device bundle's entry: what `require("mqttiny")` gives on an Espruino board.
//   var mqtt = require("mqttiny").connect({ host: "192.168.1.10", clientId: "node1" });
/** connect(opts), or connect(url, opts) as MQTT.js takes it. */
function connect(u, o) {
    // Defaults for an ESP8266 (1,700 blocks of 12 bytes): held QoS 1 messages are Strings in RAM, so the
    // store holds at most 1 KB (about 100 blocks); an ESP32 can take storeSize: 8192 and more. A literal
    // made per call, not a module constant that a board would hold for as long as the module is loaded.
    // On Node this bundle would connect, then die inside the first packet on the missing E: say so here.
    if (typeof E == "undefined")
        throw fail('mqttiny/device is the Espruino bundle; on Node use require("mqttiny")', "platform");
    return createClient(typeof u == "string" ? urlOptions(u, o) : u, espruinoTransport, { storeSize: 1024 });
}

exports.connect = connect;
exports.createClient = createClient;
