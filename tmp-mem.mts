// scratch: blocks on the esp8266 layout, module from Storage, a client connected over mosquitto
import { findEspruino, runProgram } from "./device/interpreter.mjs";
import { startMosquitto } from "./test/brokers.ts";
import { readFileSync } from "node:fs";
const esp = findEspruino("/work/shared/espruino");
const m = await startMosquitto();
for (const B of process.argv.slice(2)) {
  const code = `var S=require("Storage");(function(){var f=E.openFile(${JSON.stringify(B)},"r"),n=${readFileSync(B).length},o=0,d;while(o<n){d=f.read(512);S.write("mqttiny",d,o,n);o+=d.length;}f.close();})();
var m0=process.memory().usage; var mq=require("mqttiny"); var mLoad=process.memory().usage-m0;
var c=mq.connect({host:"127.0.0.1",port:${m.port},clientId:"bench-mem"});
c.on("connected",function(){ print("@load="+mLoad+" used="+process.memory().usage); c.end(true); });
c.on("error",function(e){ print("@error "+e.message); });`;
  const r = await runProgram({ esp, board: "esp8266", code, timeoutMs: 60000 });
  console.log(B, (r.output.match(/@.*/) || ["?" + r.output.slice(-300)])[0]);
}
await m.stop?.(); process.exit(0);
