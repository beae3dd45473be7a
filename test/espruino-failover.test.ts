// Failover across brokers (issue 32) on the real Espruino interpreter, ESP8266 layout, the full device
// bundle: `servers` of two mosquittos on loopback. Killing the first moves the board to the second, the
// QoS 1 messages it held while moving arrive there, and it moves back when the second dies.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import mqtt from "mqtt";
import { DEVICE } from "./bundle-helpers";
import { startMosquitto } from "./brokers";
import { haveBoards, deviceRun, loadModule, results, deviceErrors, until } from "./espruino-helpers";

const t = suite("espruino: failover");

if (haveBoards(t, ["esp8266"]))
  t("esp8266: killing the first broker moves the board to the second with its held QoS 1 messages; it moves back when the second dies", async () => {
    const a = await startMosquitto();
    const b = await startMosquitto();
    const watch = async (port: number, id: string, into: Set<number>) => {
      const w = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: id, reconnectPeriod: 0 });
      w.on("message", (_t, p) => into.add(+String(p)));
      await w.subscribeAsync("f/#", { qos: 1 });
      return w;
    };
    const atA = new Set<number>();
    const atB = new Set<number>();
    const atA2 = new Set<number>();
    const ws = [await watch(a.port, "wa", atA), await watch(b.port, "wb", atB)];
    // A numbered QoS 1 message every 150 ms from the first connect on; each one sent while not connected
    // is counted as held.
    const N = 90;
    const body = `
var cl = lib.connect({ servers: [{ host: "127.0.0.1", port: ${a.port} }, { host: "127.0.0.1", port: ${b.port} }], clientId: "board1", reconnectMin: 200, reconnectMax: 1000 });
var i = 0, held = 0, ups = 0, timer = null;
cl.on("error", function (e) { out("error", e.message); });
cl.on("connected", function () {
  out("up", ++ups);
  if (!timer) timer = setInterval(function () {
    if (cl.state() != 3) held++;
    cl.publish("f/x", "" + (++i), { qos: 1 });
    if (i == ${N}) { clearInterval(timer); out("sent", { n: i, held: held }); }
  }, 150);
});
`;
    const h = deviceRun("esp8266", { storage: { mqttiny: DEVICE }, timeoutMs: 120000, program: loadModule("mqttiny", DEVICE, "storage") + body });
    const r = () => results(h.lines.join("\n"));
    try {
      await until(() => atA.size >= 5, 20000, "5 messages at the first", h);
      await a.stop();
      await until(() => atB.size >= 5, 20000, "5 messages at the second", h);
      await a.start();
      ws.push(await watch(a.port, "wa2", atA2));
      await b.stop();
      await until(() => r().sent != null, 60000, "all sent", h);
      await until(() => [...Array(N)].every((_, k) => atA.has(k + 1) || atB.has(k + 1) || atA2.has(k + 1)), 20000, "every message at one of the brokers", h);
      assert.is(r().up, 3, "connected three times: the first, the second, the first again");
      assert.ok(r().sent.held > 0, "messages were published while the board was between brokers");
      assert.ok(atA2.size > 0, "it moved back to the first");
      assert.equal(deviceErrors(h.lines.join("\n")), []);
      console.log(`  (${N} messages: ${atA.size} at the first, ${atB.size} at the second, ${atA2.size} at the first again; ${r().sent.held} published while between brokers)`);
    } finally {
      h.kill();
      await h.done;
      ws.forEach((w) => w.end(true));
      await a.stop();
      await b.stop();
    }
  });

t.run();
