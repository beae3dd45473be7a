/** Decoder status: a complete packet is in the record. */
var PACKET = 1;

// The string-to-bytes rule differs per platform and is explicit:
// - UTF-8 (Node, Duktape): strings are UTF-16, so each code point is UTF-8 encoded.
// - raw (Espruino boards): strings are already bytes (no unicode support in the firmware), so each
//   char code is one byte. UTF-8 encoding there would double-encode "\xb0" into C2 B0.
// It is a property of the interpreter, not of a connection, so it is one switch for the process.
// The device bundle is built with true = true: the UTF-8 code is then dead and removed by terser.
/** Byte length of `s` under the current rule; a lone surrogate counts as the 3-byte U+FFFD. */
function strLen(s) {
    var n = s.length;
    return n;
}
/** Write `s` at `o` under the current rule; the caller has checked the room with strLen. Returns the new offset. */
function strWrite(b, o, s) {
    var n = s.length;
    for (var i = 0; i < n; i++) {
        var c = s.charCodeAt(i);
        b[o++] = c;
    }
    return o;
}
/** The string held in b[o, o+n) under the current rule. Allocates: call it only when a string is wanted. */
function strRead(b, o, n) {
    // Espruino builds the string natively; a JS loop per byte is slow on an interpreter.
    if (typeof E != "undefined")
        return E.toString(b.subarray(o, o + n));
    var end = o + n;
    var s = "";
    while (o < end) {
        var c = b[o++];
        s += String.fromCharCode(c);
    }
    return s;
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
function u16(b, o, v) {
    b[o] = v >> 8;
    b[o + 1] = v & 255;
    return o + 2;
}
/** A length-prefixed field whose byte length `n` the caller has already measured. */
function field(b, o, x, n) {
    return dataWrite(b, u16(b, o, n), x);
}
/**
 * Fixed header: type/flags byte and remaining length `n`; returns the offset of the variable header,
 * or Err.SPACE when the whole packet would not fit (checked here so callers write nothing on failure).
 */
function head(b, o, byte1, n) {
    if (n > 268435455 || o + 1 + lenSize(n) + n > b.length)
        return -1 /* Err.SPACE */;
    b[o++] = byte1;
    do {
        b[o++] = (n & 127) | (n > 127 ? 128 : 0);
        n >>>= 7;
    } while (n);
    return o;
}
/** CONNECT [MQTT-3.1]. Err.ARG for a password without a user name, a will QoS over 2, or a field over 65,535 bytes. */
function encodeConnect(b, o, c) {
    var v3 = c.protocol == 3;
    var w = c.will;
    var ka = c.keepalive == null ? 60 : c.keepalive;
    var idn = strLen(c.clientId);
    var wtn = w ? strLen(w.topic) : 0;
    var wpn = w ? dataLen(w.payload) : 0;
    var un = dataLen(c.username);
    var pn = dataLen(c.password);
    var wq = w ? w.qos || 0 : 0;
    // Password without user name is not allowed [MQTT-3.1.2-22]; 16-bit lengths cap every field.
    if ((c.password != null && c.username == null) || wq > 2 || ka > 65535 || ka < 0 || idn > 65535 || wtn > 65535 || wpn > 65535 || un > 65535 || pn > 65535)
        return -9 /* Err.ARG */;
    var n = (v3 ? 12 : 10) + 2 + idn + (w ? 4 + wtn + wpn : 0) + (c.username != null ? 2 + un : 0) + (c.password != null ? 2 + pn : 0);
    o = head(b, o, 1 /* T.CONNECT */ << 4, n);
    if (o < 0)
        return o;
    o = field(b, o, v3 ? "MQIsdp" : "MQTT", v3 ? 6 : 4);
    b[o++] = v3 ? 3 : 4;
    b[o++] =
        (c.username != null ? 0x80 : 0) |
            (c.password != null ? 0x40 : 0) |
            (w ? (w.retain ? 0x20 : 0) | (wq << 3) | 4 : 0) |
            (c.clean === false ? 0 : 2);
    o = u16(b, o, ka);
    o = field(b, o, c.clientId, idn);
    if (w)
        o = field(b, field(b, o, w.topic, wtn), w.payload, wpn);
    if (c.username != null)
        o = field(b, o, c.username, un);
    if (c.password != null)
        o = field(b, o, c.password, pn);
    return o;
}
/**
 * PUBLISH [MQTT-3.3]. The packet identifier is written only for QoS 1 and 2 and must then be 1..65535.
 * Err.TOPIC for an empty topic or one over 65,535 bytes; Err.ARG for QoS outside 0..2 or a bad id.
 */
function encodePublish(b, o, topic, payload, qos, retain, dup, id) {
    var tn = strLen(topic);
    if (tn < 1 || tn > 65535)
        return -7 /* Err.TOPIC */;
    if (!(qos >= 0 && qos <= 2) || (qos && !(id >= 1 && id <= 65535)))
        return -9 /* Err.ARG */;
    var byte1 = (3 /* T.PUBLISH */ << 4) | (0) | (qos << 1) | (retain ? 1 : 0);
    var fixed = 2 + tn + (qos ? 2 : 0);
    var w = -1;
    o = head(b, o, byte1, fixed + (dataLen(payload) ));
    if (o < 0)
        return o;
    o = field(b, o, topic, tn);
    if (qos)
        o = u16(b, o, id);
    return w < 0 ? dataWrite(b, o, payload) : o + w;
}
/** PUBACK, PUBREC, PUBREL or PUBCOMP for packet `id` (PUBREL carries the fixed flags 0010 [MQTT-3.6.1-1]). */
function encodeAck(b, o, type, id) {
    o = head(b, o, (type << 4) | (type == 6 /* T.PUBREL */ ? 2 : 0), 2);
    return o < 0 ? o : u16(b, o, id);
}
/**
 * SUBSCRIBE when `qos` is given (one requested QoS per filter), else UNSUBSCRIBE [MQTT-3.8, 3.10].
 * Both carry the fixed flags 0010. Err.TOPIC for an empty filter or one over 65,535 bytes.
 */
function encodeSubscribe(b, o, id, filters, qos) {
    var n = 2;
    for (var i = 0; i < filters.length; i++) {
        var k = strLen(filters[i]);
        if (k < 1 || k > 65535)
            return -7 /* Err.TOPIC */;
        if (qos && !(qos[i] >= 0 && qos[i] <= 2))
            return -9 /* Err.ARG */;
        n += 2 + k + (qos ? 1 : 0);
    }
    if (!filters.length || !(id >= 1 && id <= 65535))
        return -9 /* Err.ARG */;
    o = head(b, o, ((qos ? 8 /* T.SUBSCRIBE */ : 10 /* T.UNSUBSCRIBE */) << 4) | 2, n);
    if (o < 0)
        return o;
    o = u16(b, o, id);
    for (var i = 0; i < filters.length; i++) {
        o = field(b, o, filters[i], strLen(filters[i]));
        if (qos)
            b[o++] = qos[i];
    }
    return o;
}
/** A packet with no variable header: PINGREQ (C0 00) or DISCONNECT (E0 00). */
function encodeEmpty(b, o, type) {
    o = head(b, o, type << 4, 0);
    return o;
}

// The incremental decoder: one fixed receive buffer, a resumable state machine (fixed header byte,
// remaining length, body) and one reused record. Nothing is allocated per packet; topic and payload
// are reported as offsets into `buf`, valid until the next call to decode().
/** A decoder with a receive buffer of `size` bytes (the largest packet body it will hold). */
function createDecoder(size) {
    return { buf: new Uint8Array(size), st: 0, type: 0, flags: 0, qos: 0, id: 0, rc: 0, sp: 0, topic: 0, tlen: 0, pay: 0, plen: 0, size: 0, ph: 0, h: 0, len: 0, mul: 1, got: 0 };
}
/** Forget any partial packet (after a reconnect the stream starts afresh). */
function resetDecoder(d) {
    d.ph = d.got = d.len = 0;
    d.mul = 1;
    d.st = 0;
}
/**
 * Consume bytes of `c` (Uint8Array/Buffer, or a byte string as Espruino sockets deliver: one char per
 * byte) from index `i` until one packet completes, an error is found, or the chunk ends. Returns the
 * index to continue from; `d.st` says which. Call again while the returned index is below c.length.
 */
function decode(d, c, i) {
    var s = typeof c == "string";
    var n = c.length;
    var b = d.buf;
    d.st = 0;
    while (i < n) {
        if (d.ph == 2) {
            // Body: copy what belongs to this packet; bytes past the buffer's end are counted, not stored.
            var k = d.len - d.got;
            if (k > n - i)
                k = n - i;
            var o = d.got;
            var e = o + k;
            var m = e < b.length ? e : b.length;
            if (s)
                for (var j = i; o < m;)
                    b[o++] = c.charCodeAt(j++);
            else for (var j = i; o < m;)
                    b[o++] = c[j++];
            d.got = e;
            i += k;
            if (e == d.len)
                return done(d, i);
            continue;
        }
        var x = s ? c.charCodeAt(i++) & 255 : c[i++];
        if (d.ph == 0) {
            d.h = x;
            d.ph = 1;
            d.len = d.got = 0;
            d.mul = 1;
        }
        else {
            d.len += (x & 127) * d.mul;
            if (x & 128) {
                // A fourth byte with its continuation bit set announces a fifth: malformed [MQTT-2.2.3].
                if (d.mul == 2097152) {
                    d.ph = 0;
                    d.st = -4 /* Err.LENGTH */;
                    return i;
                }
                d.mul *= 128;
            }
            else {
                d.ph = 2;
                if (!d.len)
                    return done(d, i);
            }
        }
    }
    return i;
}
function done(d, i) {
    d.ph = 0;
    d.st = parse(d);
    return i;
}
function parse(d) {
    var b = d.buf;
    var t = d.h >> 4;
    var f = d.h & 15;
    var n = d.len;
    d.type = t;
    d.flags = f;
    d.size = n;
    d.id = d.qos = d.rc = d.sp = d.topic = d.tlen = d.pay = d.plen = 0;
    if (t < 2 /* T.CONNACK */ || t > 13 /* T.PINGRESP */ || t == 8 /* T.SUBSCRIBE */ || t == 10 /* T.UNSUBSCRIBE */ || t == 12 /* T.PINGREQ */)
        return -2 /* Err.TYPE */;
    if (t != 3 /* T.PUBLISH */ && f != (t == 6 /* T.PUBREL */ ? 2 : 0))
        return -3 /* Err.FLAGS */;
    var big = n > b.length;
    var m = big ? b.length : n; // bytes actually held
    if (t == 3 /* T.PUBLISH */) {
        var q = (f >> 1) & 3;
        if (q == 3)
            return -5 /* Err.QOS */;
        d.qos = q;
        if (m < 2)
            return big ? -8 /* Err.BIG */ : -7 /* Err.TOPIC */;
        var tl = (b[0] << 8) | b[1];
        var p = 2 + tl + (q ? 2 : 0);
        if (p > m)
            return big ? -8 /* Err.BIG */ : -7 /* Err.TOPIC */;
        if (!tl)
            return -7 /* Err.TOPIC */;
        d.topic = 2;
        d.tlen = tl;
        if (q) {
            d.id = (b[p - 2] << 8) | b[p - 1];
            if (!d.id)
                return -6 /* Err.ID */;
        }
        d.pay = p;
        d.plen = n - p;
        return big ? -8 /* Err.BIG */ : PACKET;
    }
    if (big)
        return -8 /* Err.BIG */;
    if (t == 13 /* T.PINGRESP */)
        return n ? -4 /* Err.LENGTH */ : PACKET;
    if (t == 9 /* T.SUBACK */ ? n < 3 : n != 2)
        return -4 /* Err.LENGTH */;
    if (t == 2 /* T.CONNACK */) {
        d.sp = b[0] & 1;
        d.rc = b[1];
        return PACKET;
    }
    d.id = (b[0] << 8) | b[1];
    if (!d.id)
        return -6 /* Err.ID */;
    d.pay = 2;
    d.plen = n - 2;
    return PACKET;
}

function storeCreate(size) {
    return { _b: new Uint8Array(size), _h: 0, _c: 0, _t: 0, _n: 0 };
}
/** Offset just past the entry at `o` (fixed header + remaining length). */
function entryEnd(b, o) {
    var n = 0;
    var m = 1;
    var x;
    do {
        x = b[++o];
        n += (x & 127) * m;
        m *= 128;
    } while (x & 128);
    return o + 1 + n;
}
/** Packet id of the entry at `o`: after the fixed header and the topic. */
function entryId(b, o) {
    while (b[++o] & 128)
        ;
    o += 3 + ((b[o + 1] << 8) | b[o + 2]);
    return (b[o] << 8) | b[o + 1];
}
/** Append a QoS 1 PUBLISH. Returns the new tail (> 0), Err.SPACE when the store is full, or another Err. */
function storePut(s, topic, payload, retain, id) {
    var e = encodePublish(s._b, s._t, topic, payload, 1, retain, false, id);
    if (e == -1 /* Err.SPACE */ && s._h < s._t) {
        // Slide the live entries to the front, leaving out acknowledged ones (tombstones), so one
        // unacknowledged message cannot pin the space behind it. Rare: the head moves up as PUBACKs arrive.
        var b = s._b;
        var j = 0;
        var c = 0;
        for (var o = s._h; o < s._t;) {
            var end = entryEnd(b, o);
            if (o < s._c)
                c = j + (b[o] ? end - o : 0);
            if (b[o])
                while (o < end)
                    b[j++] = b[o++];
            o = end;
        }
        s._c = s._c > s._h ? c : 0;
        s._h = 0;
        s._t = j;
        e = encodePublish(b, j, topic, payload, 1, retain, false, id);
    }
    if (e > 0)
        s._t = e;
    return e;
}
/** Mark the in-flight entry with packet id `id` acknowledged; false when no such entry is in flight. */
function storeAck(s, id) {
    var b = s._b;
    for (var o = s._h; o < s._c; o = entryEnd(b, o)) {
        if (b[o] && entryId(b, o) == id) {
            b[o] = 0;
            s._n--;
            while (s._h < s._t && !b[s._h])
                s._h = entryEnd(b, s._h);
            if (s._h == s._t)
                s._h = s._c = s._t = 0;
            return true;
        }
    }
    return false;
}
/** True when an entry (sent or not) holds packet id `id`. */
function storeHas(s, id) {
    var b = s._b;
    for (var o = s._h; o < s._t; o = entryEnd(b, o))
        if (b[o] && entryId(b, o) == id)
            return true;
    return false;
}
/** Live entries in the store (sent or not). */
function storeCount(s) {
    var b = s._b;
    var n = 0;
    for (var o = s._h; o < s._t; o = entryEnd(b, o))
        if (b[o])
            n++;
    return n;
}

// Topic names and filters [MQTT-4.7]: validation of what the user passes in, and filter matching.
// Module constants: a regex literal inside a function is a new RegExp object on every call.
var WILD = /[+#\0]/;
// `\/` inside the classes: Espruino's lexer ends a regex literal at the first `/`, even in `[...]`.
var BAD_FILTER = /\0|[^\/]#|#.|[^\/]\+|\+[^\/]/;
/** A topic name to publish to: non-empty, no wildcard, no NUL [MQTT-4.7.3-1, 4.7.3-2]. */
function validTopic(t) {
    return typeof t == "string" && t.length > 0 && !WILD.test(t);
}
/** A topic filter: `+` fills a whole level, `#` is a whole last level [MQTT-4.7.1-2, 4.7.1-3]; no NUL. */
function validFilter(f) {
    return typeof f == "string" && f.length > 0 && !BAD_FILTER.test(f);
}
/**
 * Does `filter` match `topic`? `+` matches exactly one level (possibly empty), `#` any number of levels
 * including the parent (`a/#` matches `a`). Topics starting with `$` are not matched by a filter that
 * starts with a wildcard [MQTT-4.7.2-1]. Walks both strings in place: no split, no arrays.
 */
function match(filter, topic) {
    var fl = filter.length;
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

// The client state machine. No I/O of its own: a transport opens links and a clock tells time.
// One numeric state; every transition goes through a handler below and is a test in test/client-*.
// Index = CONNACK return code [MQTT-3.2.2.3].
var REFUSED = ["", "unacceptable protocol version", "identifier rejected", "server unavailable", "bad user name or password", "not authorized"];
function fail(msg, code) {
    var e = new Error(msg);
    e.code = code;
    return e;
}
function createClient(o) {
    var clock = o.clock || {
        now: function () {
            return Date.now();
        },
        set: function (f, ms) {
            return setTimeout(f, ms);
        },
        clear: function (t) {
            clearTimeout(t);
        },
    };
    var rnd = o.random || Math.random;
    var ka = (o.keepalive == null ? 60 : o.keepalive) * 1000;
    var pingMs = Math.min(o.pingTimeout || 10000, ka || 1e9);
    var ackMs = o.ackTimeout || 30000;
    var connMs = o.connectTimeout || 10000;
    var rMin = o.reconnectMin || 1000;
    var rMax = o.reconnectMax || 60000;
    var win = o.window || 8;
    // The options object doubles as CONNECT's fields (protocol, clientId, clean, keepalive, will, credentials).
    if (o.clientId == null)
        o.clientId = "mqttiny" + Math.floor(rnd() * 1e8);
    var idn = strLen(o.clientId);
    // 3.1 allows 1 to 23 characters; 3.1.1 allows an empty id only with a clean session [MQTT-3.1.3-7].
    if (o.protocol == 3 ? idn < 1 || idn > 23 : !idn && o.clean === false)
        throw fail("client id: 1-23 chars on MQTT 3.1, empty only with clean", "clientId");
    if (o.will && (!validTopic(o.will.topic) || (o.will.qos || 0) > 2))
        throw fail("invalid will topic or QoS", "will");
    if (o.password != null && o.username == null)
        throw fail("password without username", "password");
    var dec = createDecoder(o.rxSize || 1024);
    var tx = new Uint8Array(o.txSize || 512);
    var st = storeCreate(o.storeSize || 2048);
    var q2 = new Uint16Array(o.qos2 || 8); // inbound QoS 2 ids awaiting PUBREL; 0 = free slot
    var q2n = 0;
    var subs = [];
    var unsubs = []; // ids of UNSUBSCRIBEs awaiting UNSUBACK
    var h = {};
    var state = 0 /* S.OFF */;
    var link = null;
    var out = 0; // bytes handed to the link since its last drain
    var hw = 0;
    var lastId = 0;
    var wrapped = false;
    var fails = 0; // consecutive failed attempts, for the backoff
    var timer = null;
    // The hot path never reads the clock (on Node, Date.now() allocates a number each call; on a board
    // each call costs interpreter time): packets only set these flags, and a tick every `iv` ms counts
    // the intervals that passed without them.
    var txSeen = false;
    var rxSeen = false;
    var ackSeen = false;
    var txQuiet = 0;
    var rxQuiet = 0;
    var ackQuiet = 0;
    var pinging = 0; // ticks since an unanswered PINGREQ went out; 0 = none
    // Tick interval while connected: a quarter of the shortest timeout, so a PINGREQ leaves after 3/4 to
    // 4/4 of the keepalive without traffic (inside the broker's 1.5 x keepalive), and each timeout fires
    // within a quarter of its value.
    var iv = Math.max(1, Math.min(ka ? Math.min(ka, pingMs) : ackMs, ackMs) / 4);
    var kaTicks = Math.ceil((ka * 3) / 4 / iv);
    var ackTicks = Math.ceil(ackMs / iv);
    var pingTicks = Math.ceil(pingMs / iv);
    var c = {
        publish: publish,
        subscribe: subscribe,
        unsubscribe: unsubscribe,
        end: end,
        on: function (e, f) {
            h[e] = f;
            return c;
        },
        state: function () {
            return state;
        },
        queued: function () {
            return storeCount(st);
        },
        dropped: 0,
        attempts: 0,
    };
    function emit(e, a, b) {
        var f = h[e];
        if (f)
            f(a, b);
    }
    function write(b, from, to) {
        if (!link)
            return; // a callback may have ended the client mid-packet
        out += to - from;
        txSeen = true;
        link.write(b, from, to);
    }
    /** Encode into the scratch buffer with `n` (its new end) and send; false if it did not fit. */
    function send(n) {
        if (n < 0)
            return false;
        write(tx, 0, n);
        return true;
    }
    // ---- timers: one clock timer, set on state changes and by each tick, never per packet.
    function arm(ms) {
        if (timer != null)
            clock.clear(timer);
        timer = clock.set(tick, ms);
    }
    function tick() {
        timer = null;
        if (state == 0 /* S.OFF */)
            return start();
        if (state != 3 /* S.UP */)
            return drop(fail("no CONNACK within " + connMs + " ms", "timeout"));
        if (pinging && !rxSeen && ++pinging > pingTicks)
            return drop(fail("no PINGRESP within " + pingMs + " ms", "timeout"));
        if (rxSeen)
            pinging = 0;
        txQuiet = txSeen ? 0 : txQuiet + 1;
        rxQuiet = rxSeen ? 0 : rxQuiet + 1;
        ackQuiet = st._n && !ackSeen ? ackQuiet + 1 : 0;
        txSeen = rxSeen = ackSeen = false;
        if (ackQuiet >= ackTicks)
            return drop(fail("no PUBACK within " + ackMs + " ms", "timeout"));
        // Pings when nothing went out, and also when nothing came in: a QoS 0 publisher must still find a dead link.
        if (ka && (txQuiet >= kaTicks || rxQuiet >= kaTicks)) {
            txQuiet = rxQuiet = 0;
            pinging = 1;
            send(encodeEmpty(tx, 0, 12 /* T.PINGREQ */));
        }
        arm(iv);
    }
    // ---- connection lifecycle
    function start() {
        state = 1 /* S.OPEN */;
        c.attempts++;
        out = 0;
        resetDecoder(dec);
        var l;
        var ev = {
            open: function () {
                if (l == link)
                    opened();
            },
            data: function (d) {
                if (l == link)
                    onData(d);
            },
            drain: function () {
                if (l == link) {
                    out = 0;
                    pump();
                    emit("drain");
                }
            },
            close: function (e) {
                if (l == link)
                    drop(e ? fail("connection lost: " + (e.message || e), "closed") : null);
            },
        };
        try {
            l = link = o.transport(ev);
            hw = l.hw || 1024;
        }
        catch (e) {
            link = null;
            drop(fail("connect failed: " + (e.message || e), "closed"));
            return;
        }
        arm(connMs);
    }
    function opened() {
        state = 2 /* S.CONNACK */;
        if (!send(encodeConnect(tx, 0, o)))
            drop(fail("CONNECT does not fit in txSize, or a field is invalid", "size"));
    }
    /** The link is gone (or must go): close it, tell the user, and plan the next attempt. */
    function drop(err, wait) {
        var was = state;
        var l = link;
        link = null;
        pinging = 0;
        if (l)
            l.close();
        if (err)
            emit("error", err);
        if (was == 3 /* S.UP */)
            emit("offline");
        if (state == 4 /* S.END */)
            return emit("close");
        fails++;
        state = 0 /* S.OFF */;
        // Capped exponential backoff with jitter (50-100% of the step), so a fleet does not reconnect in step.
        var step = wait || Math.min(rMax, rMin * Math.pow(2, Math.min(fails - 1, 20)));
        arm(step * (0.5 + rnd() / 2));
    }
    function end() {
        if (state == 4 /* S.END */)
            return;
        if (state == 3 /* S.UP */)
            send(encodeEmpty(tx, 0, 14 /* T.DISCONNECT */)); // after a clean DISCONNECT the will is not sent
        if (timer != null)
            clock.clear(timer);
        timer = null;
        var l = link;
        var was = state;
        state = 4 /* S.END */;
        link = null;
        if (l)
            l.close();
        if (was == 3 /* S.UP */)
            emit("offline");
        emit("close");
    }
    // ---- inbound
    function onData(chunk) {
        var i = 0;
        while (i < chunk.length && link) {
            i = decode(dec, chunk, i);
            if (dec.st == PACKET)
                handle();
            else if (dec.st == -8 /* Err.BIG */) {
                emit("error", fail("packet of " + dec.size + " bytes exceeds rxSize", -8 /* Err.BIG */));
                // A QoS 1/2 PUBLISH whose id fitted is acknowledged, or the broker would resend it forever.
                if (dec.type == 3 /* T.PUBLISH */ && dec.id)
                    send(encodeAck(tx, 0, dec.qos == 1 ? 4 /* T.PUBACK */ : 5 /* T.PUBREC */, dec.id));
            }
            else if (dec.st < 0)
                return drop(fail("malformed packet from server (" + dec.st + ")", dec.st));
        }
    }
    function handle() {
        var t = dec.type;
        var id = dec.id;
        rxSeen = true;
        if (state == 2 /* S.CONNACK */) {
            if (t != 2 /* T.CONNACK */)
                return drop(fail("expected CONNACK, got type " + t, "protocol"));
            var rc = dec.rc;
            // Codes 1, 2, 4 and 5 will not fix themselves: wait the longest backoff before trying again.
            if (rc)
                return drop(fail("connection refused: " + (REFUSED[rc] || "code " + rc), rc), rc == 3 ? 0 : rMax);
            state = 3 /* S.UP */;
            fails = 0;
            txQuiet = rxQuiet = ackQuiet = 0;
            arm(iv);
            // Resend from the oldest unacknowledged message; those sent before now carry DUP=1.
            st._c = st._h;
            st._n = 0;
            unsubs.splice(0, unsubs.length); // an array's length cannot be assigned on Espruino 2v19+
            for (var k = 0; k < subs.length; k++)
                if (!dec.sp || subs[k].i)
                    subs[k].i = -1;
            emit("connected", { sessionPresent: !!dec.sp });
            return pump();
        }
        if (t == 3 /* T.PUBLISH */)
            return inbound(id);
        if (t == 4 /* T.PUBACK */) {
            if (storeAck(st, id)) {
                ackSeen = true;
                pump();
            }
        }
        else if (t == 6 /* T.PUBREL */) {
            for (var k = 0; k < q2.length; k++)
                if (q2[k] == id)
                    q2[k] = 0;
            send(encodeAck(tx, 0, 7 /* T.PUBCOMP */, id));
        }
        else if (t == 9 /* T.SUBACK */) {
            for (var k = 0; k < subs.length; k++) {
                var s = subs[k];
                if (s.i != id)
                    continue;
                // One filter per SUBSCRIBE, so exactly one return code is due [MQTT-3.9.3-1].
                if (dec.plen != 1)
                    return drop(fail("SUBACK with " + dec.plen + " return codes for 1 filter", "protocol"));
                var g = dec.buf[dec.pay];
                s.i = 0;
                if (g & 0x80) {
                    subs.splice(k, 1);
                    emit("error", fail("subscription refused: " + s.f, "suback"));
                }
                return;
            }
        }
        else if (t == 11 /* T.UNSUBACK */) {
            var k = unsubs.indexOf(id);
            if (k >= 0)
                unsubs.splice(k, 1);
        }
        else if (t == 2 /* T.CONNACK */)
            return drop(fail("second CONNACK", "protocol"));
        // PINGRESP needs nothing more; PUBREC/PUBCOMP cannot be due: this client never publishes at QoS 2.
    }
    function inbound(id) {
        var q = dec.qos;
        if (q == 2) {
            // Exactly once: a PUBLISH whose id is still remembered is a resend; acknowledge, do not deliver.
            var k = 0;
            while (k < q2.length && q2[k] != id)
                k++;
            if (k == q2.length) {
                deliver();
                q2[q2n] = id; // the oldest remembered id makes room when all slots are taken
                q2n = (q2n + 1) % q2.length;
            }
            send(encodeAck(tx, 0, 5 /* T.PUBREC */, id));
        }
        else {
            deliver();
            if (q == 1)
                send(encodeAck(tx, 0, 4 /* T.PUBACK */, id));
        }
    }
    function deliver() {
        var b = dec.buf;
        var topic = strRead(b, dec.topic, dec.tlen);
        var p = o.binary ? b.subarray(dec.pay, dec.pay + dec.plen) : strRead(b, dec.pay, dec.plen);
        for (var k = 0; k < subs.length; k++) {
            var f = subs[k].cb;
            if (f && match(subs[k].f, topic))
                f(topic, p);
        }
        emit("message", topic, p);
    }
    // ---- outbound
    /** Send what may be sent now: subscriptions not yet sent, then stored QoS 1 messages within the window. */
    function pump() {
        if (state != 3 /* S.UP */)
            return;
        for (var k = 0; k < subs.length; k++) {
            var s = subs[k];
            if (s.i < 0) {
                s.i = nextId();
                send(encodeSubscribe(tx, 0, s.i, [s.f], [s.q]));
            }
        }
        var b = st._b;
        while (st._c < st._t && st._n < win && out < hw && link) {
            var from = st._c;
            var to = entryEnd(b, from);
            st._c = to;
            st._n++;
            write(b, from, to);
            b[from] |= 8; // DUP from now on
        }
    }
    function nextId() {
        // Ids are handed out in turn; only after wrapping past 65535 can one still be in use.
        for (;;) {
            lastId = (lastId % 65535) + 1;
            if (lastId == 65535)
                wrapped = true;
            if (!wrapped || !inUse(lastId))
                return lastId;
        }
    }
    function inUse(id) {
        if (storeHas(st, id) || unsubs.indexOf(id) >= 0)
            return true;
        for (var k = 0; k < subs.length; k++)
            if (subs[k].i == id)
                return true;
        return false;
    }
    function publish(topic, payload, opt) {
        var q = (opt && opt.qos) || 0;
        var r = !!(opt && opt.retain);
        if (!validTopic(topic) || strLen(topic) > 65535)
            throw fail("invalid topic: " + topic, "topic");
        if (q !== 0 && q !== 1)
            throw fail("qos must be 0 or 1", "qos");
        if (payload != null && typeof payload != "string" && !(payload instanceof Uint8Array))
            throw fail("payload must be a string or Uint8Array", "payload");
        if (q == 0) {
            if (state != 3 /* S.UP */ || out >= hw) {
                c.dropped++;
                return false;
            }
            var n = encodePublish(tx, 0, topic, payload, 0, r, false, 0);
            if (n < 0)
                throw fail("message larger than txSize", "size");
            return send(n);
        }
        var e = storePut(st, topic, payload, r, nextId());
        if (e < 0)
            lastId = (lastId + 65533) % 65535 + 1; // a refused message gives its id back
        if (e == -1 /* Err.SPACE */) {
            if (!st._t)
                throw fail("message larger than storeSize", "size");
            emit("error", fail("QoS 1 store full: message refused", "full"));
            return false;
        }
        pump();
        return true;
    }
    function subscribe(filter, opt, cb) {
        var q = (opt && opt.qos) || 0;
        if (!validFilter(filter) || strLen(filter) > 65535)
            throw fail("invalid topic filter: " + filter, "topic");
        if (!(q >= 0 && q <= 2))
            throw fail("qos must be 0, 1 or 2", "qos");
        forget(filter);
        subs.push({ f: filter, q: q, cb: cb, i: -1 });
        pump();
    }
    function forget(filter) {
        for (var k = 0; k < subs.length; k++)
            if (subs[k].f == filter)
                subs.splice(k, 1);
    }
    function unsubscribe(filter) {
        forget(filter);
        if (state == 3 /* S.UP */) {
            var id = nextId();
            unsubs.push(id);
            send(encodeSubscribe(tx, 0, id, [filter]));
        }
    }
    clock.set(start, 0);
    return c;
}

function espruinoTransport(o) {
    return function (h) {
        var s = null;
        var down = false;
        // A lost link gives end then close, error may never fire, and connecting to a closed port may throw:
        // every path ends here, once.
        function gone(e) {
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
        }
        catch (e) {
            setTimeout(function () {
                gone(e);
            }, 0);
        }
        return {
            hw: o.hw || 256,
            write: function (b, a, z) {
                if (s && !down)
                    s.write(E.toString(b.subarray(a, z)));
            },
            close: function () {
                down = true;
                if (s)
                    s.end();
            },
        };
    };
}

// The device bundle's entry: what `require("mqttiny")` gives on an Espruino board.
//   var mqtt = require("mqttiny").connect({ host: "192.168.1.10", clientId: "node1" });
function connect(o) {
    if (!o.transport)
        o.transport = espruinoTransport(o);
    return createClient(o);
}

exports.connect = connect;
exports.createClient = createClient;
