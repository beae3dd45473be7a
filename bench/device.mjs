// Device rows of `npm run bench`: the device bundle on the real Espruino interpreter (ESPRUINO, see
// device/interpreter.mjs), measured there and nowhere else. Memory on the ESP8266 layout (1,700 blocks),
// time on the ESP8266 layout (under qemu, so read it as relative) and on the 64-bit build.
// The client runs over an in-program transport that answers like a broker (CONNACK, PUBACK per QoS 1
// PUBLISH, after the call returns), so the rows are the client's own cost, not the network's; the
// connected-client row uses mosquitto on loopback.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { resolve, join } from "node:path";
import { tmpdir } from "node:os";
import { minify } from "terser";
import { findEspruino, runProgram } from "../device/interpreter.mjs";
import { pretokenised } from "./pretokenise.mjs";

const BUNDLE = resolve("build/mqttiny.min.js");
const SN_BUNDLE = resolve("build/mqttiny-sn.min.js");
// Issue 29: the lite build (src/features.ts), the ESP8266's default.
const LITE = resolve("build/mqttiny-lite.min.js");
const TINY_PATH = resolve("bench/tinymqtt-path.js");

/**
 * tinyMQTT's steps minified, as our bundle is and as tinyMQTT ships its own (names shortened, no
 * whitespace): the interpreter lexes every character it runs. Not compressed: its helpers stay
 * functions, as in tinyMQTT.min.js.
 */
async function tinyPath() {
  const out = await minify(readFileSync(TINY_PATH, "utf8"), { ecma: 5, toplevel: true, compress: false, mangle: true, format: { comments: false } });
  const dir = mkdtempSync(join(tmpdir(), "mqttiny-bench-"));
  // Every device run of the bench loads the file, so its folder goes when the bench process exits.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "tinymqtt-path.min.js");
  writeFileSync(file, out.code);
  return [["tpath", file]];
}

/** Writes the bundle into Storage in 512-byte pieces (a whole read does not fit the ESP8266 heap), then runs `body`. */
function program(body, fromStorage = true, bundle = BUNDLE, extra = []) {
  const store = (name, file) =>
    `(function(){var f=E.openFile(${JSON.stringify(file)},"r"),n=${readFileSync(file).length},o=0,d;while(o<n){d=f.read(512);S.write(${JSON.stringify(name)},d,o,n);o+=d.length;}f.close();})();`;
  const cache = (name, file) => `Modules.addCached(${JSON.stringify(name)}, require("fs").readFileSync(${JSON.stringify(file)}));`;
  // Other modules (name, file) load the same way as the bundle, after the memory mark.
  const others = fromStorage ? "" : extra.map(([name, file]) => cache(name, file)).join("");
  const load = fromStorage ? `var S=require("Storage");${store("mqttiny", bundle)}${extra.map(([name, file]) => store(name, file)).join("")}` : "";
  return `${load}
var m0=process.memory().usage;
${fromStorage ? "" : cache("mqttiny", bundle)}
var mq=require("mqttiny");
var mLoad=process.memory().usage-m0;
${others}
function out(k,v){print("@"+k+"="+v);}
${body}`;
}

// A transport inside the program: CONNACK on open, a PUBACK for every QoS 1 PUBLISH, a fixed "network".
// A write is a stream, as a socket's is: the client may hand over several packets in one (the store
// sends a window of first sends together), and each QoS 1 PUBLISH in it is answered by ackAll(); a
// QoS 0 one costs one test and nothing more (the interpreter lexes the text it skips, so the reading loop
// is not inside write()). The PUBACKs that arrived since the last turn of the event loop come as an
// Espruino socket hands them over: together, in data events of at most 536 bytes (134 PUBACKs).
// The broker's own time in reading the QoS 1 PUBLISHes is added up in bt: a real broker is another
// machine, so the QoS 1 row takes it out of the time until all are acknowledged (on 2026-12-04 a fifth of it
// on the 64-bit build, a tenth on the ESP8266 layout, where our code is read from Storage); its two clock
// reads per write stay in.
const FAKE = `
var ev=null, lnk=null, acks="", bt=0;
function ackAll(s){ var t0=getTime(); for (var j=0,n,i,tl;j<s.length;j=i+n) { n=s.charCodeAt(j+1); i=j+2; if (n&128) n=(n&127)|(s.charCodeAt(i++)<<7); tl=(s.charCodeAt(i)<<8)|s.charCodeAt(i+1); acks+="\\x40\\x02"+s.substr(i+2+tl,2); } bt+=getTime()-t0; }
function fake(h){ ev=h; setTimeout(function(){ h.open(); h.data("\\x20\\x02\\x00\\x00"); }, 0);
  return lnk={ hw: 1e9, close: function(){}, write: function(s){ if ((s.charCodeAt(0)&0xf6)==0x32) ackAll(s); } }; }
function flushAcks(){ var a=acks; acks=""; for (var k=0;k<a.length;k+=536) ev.data(a.substr(k,536)); }
`;

async function run(esp, board, code, timeoutMs) {
  const r = await runProgram({ esp, board, code, timeoutMs });
  const v = {};
  for (const m of r.output.matchAll(/^@(\w+)=(.*)$/gm)) v[m[1]] = m[2];
  if (!Object.keys(v).length) throw new Error(`no result on ${board}: ${r.output.slice(-400)}`);
  return v;
}

/** The interpreter with an ESP8266 layout ($ESPRUINO, or ../shared/espruino), or null. */
function interpreter() {
  const esp = findEspruino(process.env.ESPRUINO || resolve("../shared/espruino"));
  return esp && esp.boards.esp8266 ? esp : null;
}
const NO_INTERPRETER = { skipped: "no Espruino interpreter (set ESPRUINO to a folder of Linux builds; see README)" };

/** ESP8266 layout, module from Storage: blocks of the module (load) and in use (used of total) once a client with default options connected to 127.0.0.1:port. */
function connectedRows(esp, port, bundle) {
  const code = `
var c=mq.connect({host:"127.0.0.1",port:${port},clientId:"bench-mem"});
c.on("connected",function(){ out("load",mLoad); out("used",process.memory().usage); out("total",process.memory().total); c.end(true); });
c.on("error",function(e){ out("error",e.message); });`;
  return run(esp, "esp8266", program(code, true, bundle), 60000);
}

export async function deviceRows(quick, mqttPort) {
  const esp = interpreter();
  if (!esp) return NO_INTERPRETER;
  const rows = {};
  // The same 1,000 messages in quick runs: the verdicts are read from these times, and passes of 40 (2 ms
  // each on the 64-bit build) let the machine's noise and a pass's start and drain decide them.
  const n = 1000;
  const TP = await tinyPath();
  // Memory: a connected client on mosquitto.
  Object.assign(rows, await connectedRows(esp, mqttPort, BUNDLE));
  // Loaded as the Web IDE does: source as a RAM string.
  const ram = await runProgram({ esp, board: "esp8266", code: program(`out("ramload",mLoad);`, false), timeoutMs: 60000 });
  rows.ramload = /@ramload=(\d+)/.test(ram.output) ? +RegExp.$1 : /MEMORY/.test(ram.output) ? "out of memory" : "failed";
  // Time inside publish(), QoS 0 and QoS 1, and 1,000 QoS 1 acknowledged vs 1,000 QoS 0 sent.
  const timing = (tag, lite) => `${FAKE}
var c=mq.createClient({transport:fake, clientId:"bench", keepalive:0, storeSize:1024});
c.on("connected",function(){
  // QoS 0: the best of 5 passes of n/5 publishes, times 5 (a pass the machine slowed down is not read).
  var t, i, q0=1e9, fl=1e9, tq=1e9, m=${n / 5}, tp=require("tpath").create(lnk);
  // The floor on this machine: the same PUBLISH built by concatenation and written, nothing else (what a
  // client without checks or state does, tinyMQTT's way); ours is reported as a multiple of it too.
  function bare(tp,m){ var b=String.fromCharCode(tp.length>>8,tp.length&255)+tp+m; lnk.write(String.fromCharCode(0x30,b.length)+b); }
  // One round: a pass of each QoS 0 way, then a QoS 1 pass (below); 5 rounds. Side by side, so that a
  // stretch the machine slowed down falls on both QoS 0 and QoS 1 passes, not on one of them.
  function round(){
    t=getTime(); for(i=0;i<m;i++) c.publish("sensors/node1/temp","21.5"); q0=Math.min(q0,(getTime()-t)*5);
    t=getTime(); for(i=0;i<m;i++) bare("sensors/node1/temp","21.5"); fl=Math.min(fl,(getTime()-t)*5);
    // tinyMQTT's steps (bench/tinymqtt-path.js), loaded as our module is.
    t=getTime(); for(i=0;i<m;i++) tp.publish("sensors/node1/temp","21.5"); tq=Math.min(tq,(getTime()-t)*5);
    start();
  }
  // QoS 1 as QoS 0: the best of 5 passes of n/5 messages, each until all are acknowledged, times 5.
  var q1=1e9, q1bt=0, pass=0, sent;
  function start(){ sent=0; bt=0; t=getTime(); more(); }
  function more(){ while(sent<m && c.publish("sensors/node1/temp","21.5",{qos:1})) sent++; flushAcks(); if(sent<m || c.queued()) setTimeout(more,0); else { var e=(getTime()-t-bt)*5; if(e<q1){ q1=e; q1bt=bt*5; } if(++pass<5) setTimeout(round,0); else done(); } }
  function done(){ out("${tag}fl",(fl*1000/${n}).toFixed(4)); out("${tag}tq",(tq*1000/${n}).toFixed(4)); out("${tag}q0",(q0*1000/${n}).toFixed(4)); out("${tag}q1all",(q1*1000).toFixed(1)); out("${tag}q1bt",(q1bt*1000).toFixed(1)); out("${tag}q0all",(q0*1000).toFixed(1));
    // Inbound: a 534-byte PUBLISH (topic + 512-byte payload) decoded and delivered.
    var got=0; ${lite ? `c.subscribe("in/#"); c.on("message",function(){got++;});` : `c.subscribe("in/#", {onMessage:function(){got++;}});`}
    var body="\\x00\\x0ein/node1/bulk"+new Array(513).join("x"), pk="\\x30"+String.fromCharCode((body.length&127)|128, body.length>>7)+body;
    // The best of 5 passes, as above.
    var best=1e9, t2, k, r2; for(r2=0;r2<5;r2++){ t2=getTime(); for(k=0;k<40;k++) ev.data(pk); best=Math.min(best,getTime()-t2); }
    out("${tag}in",(best*1000/40).toFixed(4)); out("${tag}got",got);
    c.end(true); }
  round();
});`;
  Object.assign(rows, await run(esp, "esp8266", program(timing("e"), true, BUNDLE, TP), quick ? 120000 : 300000));
  // The lite build, the ESP8266's default: memory connected (from Storage), from a RAM string, and the
  // same timing from Storage on the ESP8266 layout (keys prefixed "lite" and tag "L").
  for (const [k, v] of Object.entries(await connectedRows(esp, mqttPort, LITE))) rows["lite" + k] = v;
  const lram = await runProgram({ esp, board: "esp8266", code: program(`out("ramload",mLoad);`, false, LITE), timeoutMs: 60000 });
  rows.literamload = /@ramload=(\d+)/.test(lram.output) ? +RegExp.$1 : /MEMORY/.test(lram.output) ? "out of memory" : "failed";
  Object.assign(rows, await run(esp, "esp8266", program(timing("L", true), true, LITE, TP), quick ? 120000 : 300000));
  // As npm run flash -- --pretokenise stores it: the bundle and tinyMQTT's steps both tokenised by the
  // espruino CLI's plugin, from Storage on the ESP8266 layout (full runs only: a minute more).
  if (!quick) {
    const tok = pretokenised(BUNDLE);
    Object.assign(rows, await run(esp, "esp8266", program(timing("k"), true, tok, [["tpath", pretokenised(TP[0][1])]]), 300000));
    rows.tokBytes = readFileSync(tok).length;
  }
  // The same 32-bit interpreter with the module in RAM (it fits the ESP32 layout): no Storage file read
  // back under every character lexed, which the ESP8266 layout's figures above carry (on a board flash
  // is memory-mapped).
  if (esp.boards.esp32) Object.assign(rows, await run(esp, "esp32", program(timing("s"), false, BUNDLE, TP), quick ? 120000 : 300000));
  if (esp.boards.linux64) {
    Object.assign(rows, await run(esp, "linux64", program(timing("l"), true, BUNDLE, TP), 60000));
    // The same from a RAM string: the Linux builds keep Storage in a file, and code run from it is read
    // back through that file, so the module-from-Storage figures carry that cost too.
    // Best of 3 runs for each figure: these are the 64-bit verdicts, and one run takes a second.
    const runs = [];
    for (let k = 0; k < 3; k++) runs.push(await run(esp, "linux64", program(timing("r"), false, BUNDLE, TP), 60000));
    for (const key of Object.keys(runs[0])) rows[key] = runs.map((x) => x[key]).reduce((a, b) => (+b < +a ? b : a));
  }
  return rows;
}

// A datagram transport inside the program that answers like a gateway, after the call returns: CONNACK to
// CONNECT, REGACK (topic id 1) to REGISTER, PUBACK to a QoS 1 PUBLISH; answers come as Strings, as from dgram.
const FAKE_SN = `
var sev=null, sq=[];
function sfake(h){ sev=h; return { close: function(){}, send: function(x){ var d=typeof x=="string"?E.toUint8Array(x):x, t=d[1];
  if (t==4) sq.push("\\x03\\x05\\x00");
  else if (t==10) sq.push("\\x07\\x0b\\x00\\x01"+String.fromCharCode(d[4],d[5])+"\\x00");
  else if (t==12 && (d[2]&0x60)==0x20) sq.push("\\x07\\x0d"+String.fromCharCode(d[3],d[4],d[5],d[6])+"\\x00");
  if (sq.length==1) setTimeout(sflush,0); } }; }
function sflush(){ var a=sq; sq=[]; for (var k=0;k<a.length;k++) sev.message(a[k],"127.0.0.1",10000); }
`;

/**
 * The MQTT-SN bundle on the interpreter: blocks in use with a connected client (module from Storage, the
 * real gateway at 127.0.0.1:gatewayPort, default options), and the time inside publish() at QoS 0 and
 * QoS 1 and for n QoS 1 acknowledged, over the in-program gateway above (the client's own cost).
 */
export async function deviceSnRows(quick, gatewayPort) {
  const esp = interpreter();
  if (!esp) return NO_INTERPRETER;
  const rows = {};
  const n = quick ? 200 : 1000;
  Object.assign(rows, await connectedRows(esp, gatewayPort, SN_BUNDLE));
  const timing = (tag) => `${FAKE_SN}
var c=mq.connect({transport:sfake, clientId:"bench", keepalive:0});
c.on("connected",function(){
  // The first QoS 1 publish registers the topic; then every publish goes out with its id.
  c.publish("telemetry/node1/temp","21.5",{qos:1});
  (function reg(){ if (c.queued()) return setTimeout(reg,0);
    var t=getTime(), i;
    for(i=0;i<${n};i++) c.publish("telemetry/node1/temp","21.5");
    var q0=getTime()-t;
    t=getTime(); var sent=0, inside=0;
    function more(){ var t1=getTime(); while(sent<${n} && c.queued()<4 && c.publish("telemetry/node1/temp","21.5",{qos:1})) sent++; inside+=getTime()-t1; if(sent<${n} || c.queued()) setTimeout(more,0); else done(); }
    function done(){ var q1=getTime()-t; out("${tag}q0",(q0*1000/${n}).toFixed(4)); out("${tag}q1",(inside*1000/${n}).toFixed(4)); out("${tag}q1all",(q1*1000).toFixed(1)); out("${tag}q0all",(q0*1000).toFixed(1)); c.end(); }
    more();
  })();
});
c.on("error",function(e){ out("error",e.message); });`;
  Object.assign(rows, await run(esp, "esp8266", program(timing("e"), true, SN_BUNDLE), quick ? 120000 : 300000));
  if (esp.boards.linux64) Object.assign(rows, await run(esp, "linux64", program(timing("r"), false, SN_BUNDLE), 60000));
  return rows;
}
