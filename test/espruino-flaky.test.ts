// A month on a flaky link, compressed, on the real interpreter: the device bundle (from Storage) over an
// in-program link that drops after a few PUBACKs, again and again. Each cycle publishes 10 QoS 1
// readings, has 4 acknowledged, loses the link, reconnects to the kept session (the 6 go out again with
// DUP=1), and ends with the store empty. What a board left on bad Wi-Fi must not do, checked here: grow
// (blocks in use, after a garbage collection, once the store is empty, the same every cycle) or lose a
// reading. The link is in the program so that the cycles cost milliseconds, not a broker's restarts; the
// broker restarts against mosquitto are in espruino-telemetry.test.ts. The same for the MQTT-SN bundle
// over a datagram link that loses some of what passes and, once a cycle, everything for a while.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { DEVICE, DEVICE_LITE, DEVICE_SN } from "./bundle-helpers";
import { haveBoards, deviceRun, loadModule, results, deviceErrors, until } from "./espruino-helpers";

const t = suite("espruino: flaky link");
const CYCLES = 30;
const N = 10;

/** Runs `program` on `board` with `bundle` in Storage as mqttiny; its @done record, once it printed one without a device error. */
async function cycles(board: string, bundle: string, program: string): Promise<Record<string, any>> {
  const h = deviceRun(board, { storage: { mqttiny: bundle }, timeoutMs: 120000, program: loadModule("mqttiny", bundle, "storage") + program });
  try {
    const text = () => h.lines.join("\n");
    await until(() => !!results(text()).done || deviceErrors(text()).length > 0, 110000, "the cycles", h);
    assert.equal(deviceErrors(text()), [], text());
    return results(text()).done;
  } finally {
    h.kill();
    await h.done;
  }
}

/**
 * Blocks in use with the store empty, cycle by cycle: from the third cycle on (the first ones make what
 * every later one reuses: the timer, the events objects' shape) the count may not move. "a, b, then lo-hi".
 */
function steady(m: number[]): string {
  const after = m.slice(2);
  assert.ok(Math.max(...after) - Math.min(...after) <= 2, `blocks in use drift: ${m.join(" ")}`);
  return `${m[0]}, ${m[1]}, then ${Math.min(...after)}-${Math.max(...after)}`;
}

// The fake link reads the client's writes as a stream of packets: every QoS 1 PUBLISH (first send or
// DUP) is counted by its payload (the reading's number) and answered, 2 ms later, with its PUBACK, until
// the link's allowance of PUBACKs is used up; then it closes, as a lost Wi-Fi does, from its own timer.
const PROGRAM = `
var CY = ${CYCLES}, N = ${N}, cy = 0, seq = 0, conns = 0, dups = 0, lost = 0, other = "";
var seen = new Uint8Array(CY * N), marks = new Uint16Array(CY);
function fake(h) {
  var me = { hw: 256, pend: "", t: 0, dead: 0,
    left: conns % 2 == 0 ? 4 : 1e9,
    close: function () { me.dead = 1; },
    write: function (s) {
      if (me.dead) return;
      for (var j = 0, b, n, i, tl; j < s.length; j = i + n) {
        b = s.charCodeAt(j); n = s.charCodeAt(j + 1); i = j + 2;
        if (n & 128) n = (n & 127) | (s.charCodeAt(i++) << 7);
        if ((b & 0xf6) != 0x32) continue;
        tl = (s.charCodeAt(i) << 8) | s.charCodeAt(i + 1);
        if (b & 8) dups++;
        seen[+s.substr(i + 4 + tl, n - 4 - tl)]++;
        me.pend += "\\x40\\x02" + s.substr(i + 2 + tl, 2);
      }
      if (me.pend && !me.t) me.t = setTimeout(function () { me.t = 0; flush(me, h); }, 2);
    } };
  me.drop = function () { me.dead = 1; setTimeout(function () { h.close("link lost"); }, 1); };
  lnk = me;
  setTimeout(function () { h.open(); h.data("\\x20\\x02" + (conns ? "\\x01" : "\\x00") + "\\x00"); }, 0);
  return me;
}
var lnk = null;
function flush(me, h) {
  if (me.dead) return;
  var k = Math.min(me.left * 4, me.pend.length), a = me.pend.substr(0, k);
  me.pend = me.pend.substr(k);
  me.left -= k / 4;
  if (a) h.data(a);
  if (me.left <= 0) me.drop();
}
var c = lib.connect({ transport: fake, clientId: "flaky", clean: false, keepalive: 0, reconnectMin: 1, reconnectMax: 5 });
c.on("error", function (e) { if (e.code == "closed") lost++; else other = e.code + " " + e.message; });
c.on("connected", function () {
  // Odd connects start a cycle: 10 readings, 4 PUBACKs, then the link drops. Even ones get the rest
  // acknowledged; once the store is empty the cycle's mark is taken and this link drops too.
  if (++conns % 2) for (var i = 0; i < N; i++) c.publish("flaky/node1/temp", "" + seq++, { qos: 1 });
  else settle();
});
function settle() {
  if (c.queued()) return setTimeout(settle, 5);
  marks[cy] = process.memory().usage;
  if (++cy < CY) return lnk.drop();
  c.end();
  var missing = 0, k;
  for (k = 0; k < seq; k++) if (!seen[k]) missing++;
  out("done", { seq: seq, missing: missing, dups: dups, lost: lost, conns: conns, other: other, marks: [].slice.call(marks) });
}
`;

for (const board of ["esp8266", "linux64"]) {
  if (!haveBoards(t, [board])) continue;
  // Issue 29: the lite build too, on the ESP8266 layout it is for.
  for (const [b, file] of board == "esp8266" ? [["full", DEVICE], ["lite", DEVICE_LITE]] : [["full", DEVICE]])
  t(`${board}${b == "full" ? "" : " [" + b + "]"}: ${CYCLES} cycles of a link lost after 4 of 10 QoS 1 PUBACKs: no reading lost, the rest resent with DUP, and blocks in use the same after every cycle`, async () => {
    const x = await cycles(board, file, PROGRAM);
    assert.is(x.other, "", "no error but the lost links");
    assert.is(x.seq, CYCLES * N);
    assert.is(x.missing, 0, "every reading reached the broker");
    assert.is(x.conns, 2 * CYCLES);
    assert.is(x.lost, 2 * CYCLES - 1, "one lost link a connect, but for the last");
    assert.is(x.dups, CYCLES * (N - 4), "the 6 unacknowledged ones of each cycle, and only they, went out again with DUP=1");
    console.log(`  ${board}${b == "full" ? "" : " " + b}: ${CYCLES} cycles, ${x.conns} connects, ${x.dups} DUP resends; blocks in use with the store empty: ${steady(x.marks)}`);
  });
}

// MQTT-SN: an in-program gateway (CONNACK, REGACK with topic id 1, PUBACK) behind a link that loses every
// 5th datagram sent and every 7th answer, and once a cycle goes dark for longer than the client's retries
// (20 ms, 2 of them): the gateway then counts as lost, and the client connects again (a clean session:
// it registers again) and sends what it holds. Readings are counted by their payload as they reach the
// gateway; a resend of one already counted is fine (QoS 1 is at least once).
const SN_PROGRAM = `
var CY = ${CYCLES}, N = ${N}, cy = 0, seq = 0, k = 0, dark = 0, connects = 0, timeouts = 0, other = "";
var seen = new Uint8Array(CY * N), marks = new Uint16Array(CY);
function sfake(h) {
  return { close: function () {}, send: function (x) {
    var d = typeof x == "string" ? E.toUint8Array(x) : x, t = d[1], a = "";
    if (dark || ++k % 5 == 0) return;
    if (t == 4) { connects++; a = "\\x03\\x05\\x00"; }
    else if (t == 10) a = "\\x07\\x0b\\x00\\x01" + String.fromCharCode(d[4], d[5]) + "\\x00";
    else if (t == 12 && (d[2] & 0x60) == 0x20) { seen[+E.toString(d.slice(7))]++; a = "\\x07\\x0d" + String.fromCharCode(d[3], d[4], d[5], d[6]) + "\\x00"; }
    if (a && k % 7 != 3) setTimeout(function () { h.message(a, "127.0.0.1", 10000); }, 1);
  } };
}
var c = lib.connect({ transport: sfake, clientId: "flaky", keepalive: 0, retry: 20, retries: 2, reconnectMin: 1, reconnectMax: 5 });
c.on("error", function (e) { if (e.code == "timeout") timeouts++; else other = e.code + " " + e.message; });
c.on("connected", function () { if (connects == 1) cycle(); });
function cycle() {
  for (var i = 0; i < N; i++) c.publish("flaky/node1/temp", "" + seq++, { qos: 1 });
  dark = 1;
  setTimeout(function () { dark = 0; settle(); }, 120);
}
function settle() {
  if (c.queued() || c.state() != 3) return setTimeout(settle, 5);
  marks[cy] = process.memory().usage;
  if (++cy < CY) return cycle();
  c.end();
  var missing = 0, j;
  for (j = 0; j < seq; j++) if (!seen[j]) missing++;
  out("done", { seq: seq, missing: missing, connects: connects, timeouts: timeouts, other: other, marks: [].slice.call(marks) });
}
`;

for (const board of ["esp8266", "linux64"]) {
  if (!haveBoards(t, [board])) continue;
  t(`${board}, MQTT-SN: ${CYCLES} cycles of 10 QoS 1 readings over a lossy datagram link that goes dark past the retries: no reading lost, a reconnect each cycle, and blocks in use the same after every cycle`, async () => {
    const x = await cycles(board, DEVICE_SN, SN_PROGRAM);
    assert.is(x.other, "", "no error but the lost gateway");
    assert.is(x.seq, CYCLES * N);
    assert.is(x.missing, 0, "every reading reached the gateway");
    assert.ok(x.timeouts >= CYCLES, `the gateway counted as lost every cycle (${x.timeouts})`);
    assert.ok(x.connects > CYCLES, `connected again every cycle (${x.connects})`);
    console.log(`  ${board}, MQTT-SN: ${CYCLES} cycles, ${x.connects} CONNECTs reached the gateway, ${x.timeouts} times lost; blocks in use with the store empty: ${steady(x.marks)}`);
  });
}

t.run();
