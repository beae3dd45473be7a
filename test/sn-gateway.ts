// The real MQTT-SN gateway for the sn-client tests: the Paho MQTT-SN Gateway (../shared/mqttsn-gateway,
// or $MQTTSN_GATEWAY: its folder or the binary) in front of a mosquitto started per test, both on free
// loopback ports. The gateway itself is started and stopped by device/sn-gateway.mjs, as for `npm start
// -- --sn` (its config, the restart from a new folder when it aborts at start, the wait for GWINFO);
// this file adds the test's broker, a restart on the same port, and the skip rule: without the gateway
// the suite is skipped with one line; under CI=true it fails.
import * as assert from "uvu/assert";
import { startMosquitto, mosquittoPath } from "./brokers";
import type { Mosquitto } from "./brokers";
import { skipped } from "./skips";
// @ts-ignore: plain ESM module without types
import { findGateway, startGateway as launchGateway, freeUdpPort as freeUdp } from "../device/sn-gateway.mjs";

export const CI = process.env.CI == "true" || process.env.CI == "1";

const found: { bin?: string; problem?: string } = findGateway();
/** The gateway binary, or null (found.problem says why). */
export const GW: { bin: string } | null = found.bin ? { bin: found.bin } : null;

let told = false;
/**
 * True when the gateway and mosquitto can run. Otherwise: outside CI one line, and the caller registers
 * nothing (one line for the whole run, whichever suites ask); under CI=true a failing test in `t`.
 */
export function haveGateway(t: any): boolean {
  const why = !GW ? found.problem : !mosquittoPath() ? "mosquitto is not installed" : "";
  if (!why) return true;
  if (CI) t("the MQTT-SN gateway and mosquitto are available under CI", () => assert.unreachable(why + ": set MQTTSN_GATEWAY to the gateway's folder or binary"));
  else skipped(why!);
  if (!CI && !told) console.log(`  tests that need the MQTT-SN gateway skipped (${why}): MQTTSN_GATEWAY=/path/to/mqttsn-gateway npm test enables them`);
  told = true;
  return false;
}

/** A free UDP port on loopback (bound, read, released). */
export const freeUdpPort: () => Promise<number> = freeUdp;

// Gateways still running when the tests end (a test that failed before close()) are stopped then, with
// their folders: a gateway left behind would hold its port and shared memory.
const live = new Set<{ kill(): void }>();
process.once("exit", () => live.forEach((x) => x.kill()));

export interface Gateway {
  /** The gateway's UDP port and the broker behind it. */
  port: number;
  broker: Mosquitto;
  /** Everything the gateway printed (escape sequences removed). */
  log: string[];
  /** SIGINT and wait for the exit. */
  stop(): Promise<void>;
  /** Start again on the same port with the same config. */
  start(): Promise<void>;
  /** Stop the gateway and the broker. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** PredefinedTopicList lines: [clientId or "*", topic, id]. */
  predefined?: [string, string, number][];
  /** ClientsList lines: [clientId, UDP port, "QoS-1"]: a QoS -1 sender, known by its source port. */
  clients?: [string, number, "QoS-1"][];
}

export async function startGateway(o: GatewayOptions = {}): Promise<Gateway> {
  if (!GW) throw new Error("no MQTT-SN gateway");
  const broker = await startMosquitto();
  const port = await freeUdpPort();
  const how = {
    bin: GW.bin,
    brokerPort: broker.port,
    port,
    predefined: (o.predefined || []).map(([client, topic, id]) => ({ client, topic, id })),
    qosm1: (o.clients || []).map(([client, p]) => ({ client, port: p })),
  };
  const lines = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "").split("\n").filter((l) => l.trim());
  // What the gateways stopped so far printed, then the running one's output.
  const before: string[] = [];
  let cur: { log(): string; stop(): Promise<void>; kill(): void } | null = null;
  const g: Gateway = {
    port,
    broker,
    get log() {
      return cur ? before.concat(lines(cur.log())) : before;
    },
    async start() {
      cur = await launchGateway(how);
      live.add(cur!);
    },
    async stop() {
      const x = cur;
      cur = null;
      if (!x) return;
      await x.stop();
      live.delete(x);
      before.push(...lines(x.log()));
    },
    async close() {
      await g.stop();
      await broker.stop();
    },
  };
  try {
    await g.start();
  } catch (e) {
    await g.close();
    throw e;
  }
  return g;
}
