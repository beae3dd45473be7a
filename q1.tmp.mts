import { startMosquitto } from "./test/brokers";
import { deviceRun, loadModule } from "./test/espruino-helpers";
import { DEVICE } from "./test/bundle-helpers";
const board = process.argv[2];
const m = await startMosquitto();
const body = `
var cl = lib.connect({ host: "127.0.0.1", port: P, clientId: "burst" });
cl.on("error", function (e) { if (e.code != "full") out("error", { code: e.code, message: e.message }); });
var N = +(process.env.N||200), i1 = 0, refused1 = 0, t0;
function pump1() {
  while (i1 < N) {
    if (!cl.publish("b/q1", "m" + i1, { qos: 1 })) { refused1++; setTimeout(pump1, 5); return; }
    i1++;
  }
  wait1();
}
var last = -1;
function wait1() {
  mem();
  if (cl.queued() != last) { last = cl.queued(); out("queued", [Date.now() - t0, last, cl.state()]); }
  if (cl.queued() > 0) return setTimeout(wait1, 20);
  out("q1", { ms: Date.now() - t0, refused: refused1, minFree: __min });
  cl.end();
}
cl.on("offline", function () { out("offline", Date.now() - t0); });
cl.on("connected", function () { out("connected", mem().free); t0 = Date.now(); pump1(); });
`;
const h = deviceRun(board, { storage: { mqttiny: DEVICE }, timeoutMs: 40000, program: `var P = ${m.port};\n` + loadModule("mqttiny", DEVICE, "storage") + body, onLine: (l) => console.log(l) });
await h.done;
await m.stop();
