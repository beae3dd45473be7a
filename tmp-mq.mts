// scratch: MQTT device timing on linux64 (RAM and Storage), best of 5
import { findEspruino, runProgram } from "./device/interpreter.mjs";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
const esp = findEspruino("/work/shared/espruino");
const files = process.argv.slice(2);
const n = 1000;
const FAKE = `
var ev=null, acks=[];
function fake(h){ ev=h; setTimeout(function(){ h.open(); h.data("\\x20\\x02\\x00\\x00"); }, 0);
  return { hw: 1e9, close: function(){}, write: function(s){ if ((s.charCodeAt(0)&0xf6)==0x32) { var i=s.charCodeAt(1)&128?3:2; var tl=(s.charCodeAt(i)<<8)|s.charCodeAt(i+1); acks.push(s.substr(i+2+tl,2)); } } }; }
function flushAcks(){ var a=acks; acks=[]; for (var k=0;k<a.length;k++) ev.data("\\x40\\x02"+a[k]); }
`;
function prog(storage: boolean, B: string) {
  const load = storage ? `var S=require("Storage");(function(){var f=E.openFile(${JSON.stringify(B)},"r"),n=${readFileSync(B).length},o=0,d;while(o<n){d=f.read(512);S.write("mqttiny",d,o,n);o+=d.length;}f.close();})();` : `Modules.addCached("mqttiny", require("fs").readFileSync(${JSON.stringify(B)}));`;
  return `${load}
var mq=require("mqttiny");
function out(k,v){print("@"+k+"="+v);}
${FAKE}
var c=mq.createClient({transport:fake, clientId:"bench", keepalive:0, storeSize:1024});
c.on("connected",function(){
  var t=getTime(), i;
  for(i=0;i<${n};i++) c.publish("sensors/node1/temp","21.5");
  var q0=getTime()-t;
  t=getTime(); var sent=0;
  function more(){ while(sent<${n} && c.publish("sensors/node1/temp","21.5",{qos:1})) sent++; flushAcks(); if(sent<${n} || c.queued()) setTimeout(more,0); else done(); }
  function done(){ var q1=getTime()-t; out("q0",(q0*1000/${n}).toFixed(4)); out("ratio",(q1/q0).toFixed(2));
    var got=0; c.subscribe("in/#",function(){got++;});
    var body="\\x00\\x0ein/node1/bulk"+new Array(513).join("x"), pk="\\x30"+String.fromCharCode((body.length&127)|128, body.length>>7)+body;
    var t2=getTime(); for(var k=0;k<200;k++) ev.data(pk); out("in",((getTime()-t2)*1000/200).toFixed(4));
    c.end(true); }
  more();
});`;
}
const storage = !!process.env.STORAGE;
const res: Record<string, Record<string, number[]>> = {};
for (let r = 0; r < 5; r++) for (const f of files) {
  const o = await runProgram({ esp, board: "linux64", code: prog(storage, f), timeoutMs: 60000 });
  for (const m of o.output.matchAll(/^@(\w+)=(.*)$/gm)) ((res[f] ||= {})[m[1]] ||= []).push(+m[2]);
}
for (const f of files) console.log(f, storage ? "storage" : "ram", Object.entries(res[f]).map(([k, v]) => `${k} best ${Math.min(...v)} med ${v.sort((a, b) => a - b)[2]}`).join(" | "));
