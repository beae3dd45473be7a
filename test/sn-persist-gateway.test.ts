// MQTT-SN persist (issue 31) through the real Paho MQTT-SN gateway and mosquitto: readings a previous
// process held in its Storage file (here a Node process that found no gateway, then was killed) arrive
// at a mosquitto subscriber when the next process connects with the same `persist`, in order.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import mqtt from "mqtt";
import { haveGateway, startGateway, freeUdpPort } from "./sn-gateway";
import { until } from "./brokers";

const require = createRequire(import.meta.url);
const sn = require("../build/node/sn.cjs");
const SN = require.resolve("../build/node/sn.cjs");

/** A previous process: publishes `n` QoS 1 readings to `port` with persist `file`, prints them, then is killed. */
async function previous(file: string, port: number, n: number): Promise<string[]> {
  const code = `
const c = require(${JSON.stringify(SN)}).connect({ port: ${port}, clientId: "pg1", clean: false, retry: 200, retries: 1, reconnectMin: 100, reconnectMax: 200, persist: ${JSON.stringify(file)} });
c.on("error", () => {});
for (let i = 0; i < ${n}; i++) console.log((c.publish("pg/r", "r" + i, { qos: 1 }) ? "@ok " : "@no ") + "r" + i);
console.log("@held " + c.queued());
setInterval(() => {}, 1000);
`;
  const p = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  p.stdout.on("data", (d) => (out += d));
  await until(() => out.includes("@held"), 10000, "the previous process's readings");
  const gone = new Promise((r) => p.once("exit", r));
  p.kill("SIGKILL");
  await gone;
  return out.split("\n").filter((l) => l.startsWith("@ok ")).map((l) => l.slice(4));
}

if (haveGateway(test)) {
  test("readings held by a previous process (no gateway, then killed) arrive at a mosquitto subscriber through the gateway, in order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "snpersist-gw-"));
    const file = join(dir, "held");
    const g = await startGateway({});
    const m = await mqtt.connectAsync("mqtt://127.0.0.1:" + g.broker.port, { clientId: "obs" + Math.random() });
    const seen: string[] = [];
    m.on("message", (t, p) => seen.push(t + "=" + p));
    await m.subscribeAsync("pg/#", { qos: 1 });
    let c: any = null;
    try {
      const ok = await previous(file, await freeUdpPort(), 6);
      assert.is(ok.length, 6, "publish() returned true for every reading");
      assert.ok(existsSync(file), "the Storage file is there");
      c = sn.connect({ port: g.port, clientId: "pg1", clean: false, retry: 500, retries: 3, reconnectMin: 100, reconnectMax: 500, persist: file });
      c.on("error", () => {});
      assert.is(c.queued(), 6, "held across the process's death");
      await until(() => c.queued() == 0, 15000, "all acknowledged");
      await until(() => seen.length >= 6, 5000, "all at the subscriber");
      assert.equal(seen, ok.map((r) => "pg/r=" + r));
    } catch (e) {
      console.log(g.log.slice(-30).join("\n"));
      throw e;
    } finally {
      if (c) c.end();
      await m.endAsync(true);
      await g.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
