// `npm run bench [-- --quick]`: every comparison measured side by side in this one run, printed as a
// markdown table of medians, spreads and ratios, with the targets and whether each is met.
import os from "node:os";
import { fork, execFileSync } from "node:child_process";
import { codecRows } from "./codec.mjs";
import { qos0, qos1, startSink, sinkRate } from "./e2e.mjs";
import { dukRates } from "./duk.mjs";
import { deviceRows, deviceSnRows } from "./device.mjs";
import { snRows } from "./sn.mjs";
import { interleave, median, spread, fmt, pct } from "./stats.mjs";
import { sizes } from "../test/size.mjs";
import { startMosquitto, mosquittoPath } from "../test/brokers.ts";

const quick = process.argv.includes("--quick");
const started = Date.now();
const rows = [];
const say = (...a) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ` + a.join(" ") + "\n");
const row = (area, what, ours, theirs, ratio, target, met) => rows.push({ area, what, ours, theirs, ratio, target, met });
const mark = (ok) => (ok == null ? "" : ok ? "yes" : "**no**");

// 1. Codec
say("codec...");
for (const r of await codecRows(quick)) {
  const ours = `${fmt(median(r.ours))} ops/s ${pct(r.spreadOurs)}`;
  const theirs = `mqtt-packet ${fmt(median(r.theirs))} ${pct(r.spreadTheirs)}` + (r.limit ? `; byte copy ${fmt(median(r.limit))}` : "");
  const enc = r.what.startsWith("encode");
  const target = enc ? 5 : r.what.includes("topic string") ? null : 3;
  row("codec", r.what, ours, theirs, r.ratio.toFixed(2) + "x", target ? `>= ${target}x` : "", target ? mark(r.ratio >= target) : "");
}

// 2. Allocation
say("allocation...");
const gc = JSON.parse(execFileSync(process.execPath, ["test/gc-probe.mjs", "1000000"], { encoding: "utf8" }));
for (const [k, label] of [["encode", "QoS 0 encodes"], ["decode", "QoS 0 decodes"], ["qos0", "client QoS 0 publishes"], ["qos1", "client QoS 1 publish + PUBACK"]])
  row("allocation", `GC events per 1,000,000 ${label}`, String(gc[k]), "", "", k == "decode" || k == "qos1" ? "(0)" : "0", mark(gc[k] == 0));
row("allocation", "GC events per 1,000,000 client QoS 0 deliveries (topic and payload strings)", String(gc.recv), "a string built char by char: 1,238", "", "< 200", mark(gc.recv < 200));

// 3. End to end on real brokers
const brokers = [];
let mosq = null;
if (mosquittoPath()) {
  mosq = await startMosquitto();
  brokers.push(["mosquitto", mosq.port]);
} else say("mosquitto not installed: its rows are skipped");
const aedesProc = fork("bench/aedes-server.mjs", [], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
const aedesPort = await new Promise((r) => aedesProc.stdout.once("data", (d) => r(JSON.parse(d).port)));
brokers.push(["aedes", aedesPort]);
// Quick runs are shorter, not fewer: a verdict flipped between two runs on a busy 2-core machine with
// medians of 3, so every comparison is the median of 5 (7) interleaved runs after an untimed warm-up
// round, in an order that rotates from round to round (see interleave in stats.mjs). QoS 0 against
// the raw writer, whose runs spread by +-20% when other work shares the machine, takes 9 in both (with
// 7 a quick run's median was 89% once, beside 94-97% in the runs around it, 2026-12-04).
const N0 = quick ? 40000 : 100000;
const N1 = quick ? 5000 : 20000;
const reps = quick ? 5 : 7;
const reps0 = 9;
// The independent subscriber is mosquitto_sub (Debian package mosquitto-clients).
let haveSub = true;
try {
  execFileSync("mosquitto_sub", ["--help"], { stdio: "ignore" });
} catch (e) {
  haveSub = e.status != null;
}
if (!haveSub) say("mosquitto_sub not installed: end-to-end rows skipped");
for (const [name, port] of haveSub ? brokers : []) {
  say(`end to end on ${name}...`);
  const r0 = await interleave({ raw: () => qos0("raw", port, N0), ours: () => qos0("mqttiny", port, N0), js: () => qos0("mqtt", port, N0) }, reps0);
  // The median of each round's ratio, as the codec rows take theirs: the two ran back to back in that
  // round, where a ratio of medians can pair a fast run with a slow one (a quick run's 89% beside 95-100%).
  const vsRaw = median(r0.ours.map((x, i) => x / r0.raw[i]));
  row(`end to end, ${name}`, `${N0.toLocaleString()} QoS 0 until the subscriber has all`, `${fmt(median(r0.ours))} msg/s ${pct(spread(r0.ours))}`, `MQTT.js ${fmt(median(r0.js))}; raw pre-encoded ${fmt(median(r0.raw))}`, `${(median(r0.ours) / median(r0.js)).toFixed(2)}x MQTT.js; ${(vsRaw * 100).toFixed(0)}% of raw`, name == "mosquitto" ? ">= 90% of raw" : "", name == "mosquitto" ? mark(vsRaw >= 0.9) : "");
  const r1 = await interleave({ ours: () => qos1("mqttiny", port, N1), js: () => qos1("mqtt", port, N1) }, reps);
  row(`end to end, ${name}`, `${N1.toLocaleString()} QoS 1 until every PUBACK`, `${fmt(median(r1.ours))} msg/s ${pct(spread(r1.ours))}`, `MQTT.js ${fmt(median(r1.js))} ${pct(spread(r1.js))}`, (median(r1.ours) / median(r1.js)).toFixed(2) + "x", "", "");
}

// 4. Client speed without a broker ceiling
say("sink broker...");
const NS = quick ? 50000 : 200000;
const sink = await startSink(NS);
// QoS 1 rounds stay at 50,000: more than 65,535 unacknowledged messages stalls MQTT.js (packet ids run out).
for (const [mode, label, target] of [["qos0", "QoS 0 publish", 2], ["qos1", "QoS 1 publish (all PUBACKs in)", 2], ["recv", "QoS 0 receive", null]]) {
  const n = mode == "qos1" ? 50000 : NS;
  const r = await interleave({ ours: () => sinkRate("mqttiny", sink, mode, n), js: () => sinkRate("mqtt", sink, mode, n) }, reps);
  const ratio = median(r.ours) / median(r.js);
  row("client vs sink broker", `${n.toLocaleString()} ${label}`, `${fmt(median(r.ours))} msg/s ${pct(spread(r.ours))}`, `MQTT.js ${fmt(median(r.js))} ${pct(spread(r.js))}`, ratio.toFixed(2) + "x", target ? `>= ${target}x` : "", target ? mark(ratio >= target) : "");
}
sink.stop();

// 5. Scale
const fleetPort = mosq ? mosq.port : aedesPort;
for (const n of quick ? [100] : [100, 1000]) {
  say(`fleet of ${n}...`);
  const fleet = (kind) => JSON.parse(execFileSync(process.execPath, ["--expose-gc", "bench/scale.mjs", kind, String(fleetPort), String(n), "20"], { encoding: "utf8", timeout: 120000 }));
  const ours = fleet("mqttiny");
  const js = fleet("mqtt");
  row("scale", `${n} clients on ${mosq ? "mosquitto" : "aedes"}: memory per client`, `${(ours.perClientBytes / 1024).toFixed(1)} KB`, `MQTT.js ${(js.perClientBytes / 1024).toFixed(1)} KB`, (js.perClientBytes / ours.perClientBytes).toFixed(1) + "x less", "", "");
  row("scale", `${n} clients: 20 QoS 1 each`, `${fmt(ours.rate)} msg/s`, `MQTT.js ${fmt(js.rate)}`, (ours.rate / js.rate).toFixed(2) + "x", "", "");
}
aedesProc.kill();
if (mosq) await mosq.stop();

// 6. Size
for (const s of sizes()) {
  const name = s.file.includes("codec") ? "codec alone" : s.file.includes("-sn") ? "MQTT-SN client (device bundle)" : "full client (device bundle)";
  row("size", `${name}: ${s.file}`, `${s.bytes} B (${s.gzip} B gzip)`, "", "", `<= ${s.target} B`, mark(s.bytes <= s.target));
}

// 7. Interpreted engine
say("duktape...");
const duk = dukRates(quick);
row("interpreter (duk)", "encode PUBLISH QoS 0", `${fmt(duk.enc)} ops/s`, "", "", "", "");
row("interpreter (duk)", "decode PUBLISH QoS 0 (Uint8Array / byte string)", `${fmt(duk.dec)} / ${fmt(duk.decString)} ops/s`, "", "", "", "");
row("interpreter (duk)", "device bundle: client QoS 0 publish / QoS 1 publish + PUBACK", `${fmt(duk.q0)} / ${fmt(duk.q1)} msg/s`, "", "", "", "");

// 8. The real interpreter (Espruino 2v29 Linux builds): blocks and time per call, on the device bundle.
say("espruino interpreter...");
let mqttDev = null;
{
  const m = mosquittoPath() ? await startMosquitto() : null;
  const d = m ? await deviceRows(quick, m.port).catch((e) => ({ skipped: String(e.message || e).slice(0, 200) })) : { skipped: "mosquitto not installed" };
  if (m) await m.stop();
  mqttDev = d;
  const dev = (what, ours, theirs, ratio, target, met) => row("device (Espruino 2v29)", what, ours, theirs, ratio, target, met);
  if (d.skipped) dev("device rows", "skipped: " + d.skipped, "", "", "", "");
  else {
    // Baselines: issue 11's side-by-side measurement of 2026-11-25 on the same builds (tinyMQTT and the
    // Espruino MQTT module are not part of this repository, so their figures are quoted), and tinyMQTT's
    // QoS 0 publish path timed again in the same run as its steps (bench/tinymqtt-path.js).
    dev("ESP8266 layout: blocks in use with a connected client, default options, module from Storage", `${d.used} of ${d.total} (module +${d.load})`, "tinyMQTT 539; Espruino MQTT 1,000; mqttiny before 1,468", "", "<= 540", mark(+d.used <= 540));
    // Issue 29's rows: the lite build beside tinyMQTT and the Espruino MQTT module (quoted, as above).
    if (d.liteused) {
      dev("lite (build/mqttiny-lite.min.js), ESP8266 layout: blocks in use with a connected client, module from Storage", `${d.liteused} of ${d.litetotal} (module +${d.liteload})`, "tinyMQTT 539; full build " + d.used, "", "<= 540", mark(+d.liteused <= 540));
      const lr = /^\d+$/.test(String(d.literamload));
      dev("lite, ESP8266 layout: loaded from a RAM string (as the Web IDE)", lr ? `+${d.literamload} blocks` : d.literamload, "Espruino MQTT module +717; tinyMQTT +252", "", "loads, < +717", mark(lr && +d.literamload < 717));
      dev("lite, ESP8266 layout from Storage: time inside one QoS 0 publish()", `${d.Lq0} ms (floor ${d.Lfl} ms)`, `tinyMQTT's steps in the same run: ${d.Ltq} ms; full build ${d.eq0} ms`, (+d.Lq0 / +d.Ltq).toFixed(2) + "x tinyMQTT's steps", "<= tinyMQTT", mark(+d.Lq0 <= +d.Ltq));
      const lq1 = +d.Lq1all / +d.Lq0all;
      dev("lite, ESP8266 layout: 1000 QoS 1 acknowledged vs 1000 QoS 0 sent", `${(+d.Lq1all / 1000).toFixed(2)} s (with the in-program broker's ${(+d.Lq1bt / 1000).toFixed(2)} s taken out) vs ${(+d.Lq0all / 1000).toFixed(2)} s`, "", lq1.toFixed(2) + "x", "<= 3x", mark(lq1 <= 3));
    }
    dev("ESP8266 layout: module loaded from a RAM string (as the Web IDE)", typeof d.ramload == "number" || /^\d+$/.test(d.ramload) ? `+${d.ramload} blocks` : d.ramload, "", "", "loads", mark(/^\d+$/.test(String(d.ramload))));
    // 64-bit verdicts from the module loaded from RAM: the Linux builds keep Storage in a file and read
    // code run from it back through that file (from Storage is 10x slower there; on a board flash is
    // memory-mapped). "floor": the same PUBLISH built by concatenation and written, with no checks or
    // state, in the same program: a ratio that does not move with the machine's speed.
    // "tinyMQTT's steps": bench/tinymqtt-path.js, its QoS 0 publish path timed in the same program and
    // loaded as ours is; the verdict is ours against it on the 64-bit build from RAM (where issue 11
    // quoted tinyMQTT's 0.072 ms), the ESP8266 and ESP32 layouts beside it.
    const x = (a, b) => (+a / +b).toFixed(2) + "x";
    const q0 = d.rq0 ? `${d.rq0} ms (from Storage ${d.lq0} ms; floor ${d.rfl} ms) / ${d.eq0} ms (floor ${d.efl} ms)` : `${d.eq0} ms (ESP8266)`;
    const tq = d.rtq ? `tinyMQTT's steps in the same run: ${d.rtq} / ${d.etq} ms (quoted: tinyMQTT 0.072 / 0.815 ms on 2026-11-25); mqttiny before 0.301 / ~2.6 ms` : "tinyMQTT 0.072 / 0.815 ms; mqttiny before 0.301 / ~2.6 ms";
    const others = [d.etq && `ESP8266 layout ${x(d.eq0, d.etq)}`, d.stq && `ESP32 layout from RAM ${x(d.sq0, d.stq)}`].filter(Boolean).join(", ");
    const q0r = d.rtq ? `${x(d.rq0, d.rtq)} tinyMQTT's steps (64-bit${others ? "; " + others : ""}), ${x(d.rq0, d.rfl)} the floor` : d.etq ? `${x(d.eq0, d.etq)} tinyMQTT's steps (ESP8266 layout)` : "";
    // The 64-bit build from RAM decides when it is there (where issue 11 quoted tinyMQTT), else the ESP8266 layout.
    dev("time inside one QoS 0 publish(): 64-bit build, module from RAM / ESP8266 layout", q0, tq, q0r, "<= tinyMQTT", mark(d.rtq ? +d.rq0 <= +d.rtq : +d.eq0 <= +d.etq));
    const r13 = +d.eq1all / +d.eq0all;
    // Beside it the same 32-bit interpreter with the module in RAM (ESP32 layout) and the 64-bit build
    // from RAM: without the Storage file read back under each character lexed, which inflates the
    // ESP8266 layout's figures and most the longer QoS 1 path.
    const other = [d.sq1all && `ESP32 layout from RAM ${(+d.sq1all / +d.sq0all).toFixed(2)}x`, d.rq1all && `64-bit from RAM ${(+d.rq1all / +d.rq0all).toFixed(2)}x`].filter(Boolean).join("; ");
    // The QoS 1 time is less the in-program broker's reading of the PUBLISHes (a real broker is another machine).
    dev(`ESP8266 layout: 1000 QoS 1 acknowledged vs 1000 QoS 0 sent`, `${(+d.eq1all / 1000).toFixed(2)} s (with the in-program broker's ${(+d.eq1bt / 1000).toFixed(2)} s taken out) vs ${(+d.eq0all / 1000).toFixed(2)} s`, `mqttiny before: 87 s for 1,000 QoS 1 (over mosquitto)${other ? "; " + other : ""}`, `${r13.toFixed(2)}x`, "<= 3x", mark(r13 <= 3));
    if (d.kq0)
      dev(
        "ESP8266 layout, pretokenised (npm run flash -- --pretokenise): module size, QoS 0 publish(), 1000 QoS 1 vs 1000 QoS 0",
        `${d.tokBytes} B; ${d.kq0} ms (floor ${d.kfl} ms); ${(+d.kq1all / +d.kq0all).toFixed(2)}x`,
        `not tokenised: ${sizes().find((s) => s.file.endsWith("mqttiny.min.js")).bytes} B, ${d.eq0} ms, ${r13.toFixed(2)}x; tinyMQTT's steps tokenised too: ${d.ktq} ms`,
        `${x(d.kq0, d.eq0)} the time; ${x(d.kq0, d.ktq)} tinyMQTT's steps`,
        "",
        "",
      );
    dev("inbound 534-byte PUBLISH decoded and delivered: 64-bit build, module from RAM / ESP8266 layout", `${d.rin ?? "-"} ms (from Storage ${d.lin ?? "-"} ms) / ${d.ein} ms`, "mqttiny before: 4.5 ms body copy (ESP8266)", "", "< 0.5 ms (64-bit)", d.rin ? mark(+d.rin < 0.5) : "");
  }
}

// 9. MQTT-SN (issue 13): bytes on the wire per reading against MQTT, and the MQTT-SN bundle on the interpreter.
say("MQTT-SN...");
await snRows(quick, mqttDev, row);

const cpu = os.cpus()[0]?.model || "unknown CPU";
console.log(`\n### mqttiny benchmark (${quick ? "quick" : "full"}), ${new Date().toISOString().slice(0, 10)}\n`);
console.log(`Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Medians of interleaved runs after a warm-up round (codec ${quick ? 7 : 9} runs of ~${quick ? 80 : 250} ms each, network ${quick ? 5 : 7}, QoS 0 end to end ${quick ? 7 : 9}); ±x% is half the max-min spread; a codec ratio is the median of the rounds' ratios.\n`);
console.log("| area | measure | mqttiny | compared with | ratio | target | met |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.area} | ${r.what} | ${r.ours} | ${r.theirs} | ${r.ratio} | ${r.target} | ${r.met} |`);
const missed = rows.filter((r) => r.met == "**no**").map((r) => r.what);
console.log(`\nTargets missed: ${missed.length ? missed.join("; ") : "none"}. Took ${((Date.now() - started) / 1000).toFixed(0)} s.`);
process.exit(0);
