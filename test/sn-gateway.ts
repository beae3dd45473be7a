// The real MQTT-SN gateway for the sn-client tests: the Paho MQTT-SN Gateway (../shared/mqttsn-gateway,
// or $MQTTSN_GATEWAY: its folder or the binary) in front of a mosquitto started per test, both on free
// loopback ports. The config is written into a temp folder from gateway.conf.example, with a
// ClientsList (QoS -1 clients by source port) and a PredefinedTopicList. SIGINT stops the gateway
// (it ignores SIGTERM). Without the gateway the suite is skipped with one line; under CI=true it fails.
import * as assert from "uvu/assert";
import dgram from "node:dgram";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, statSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startMosquitto, mosquittoPath } from "./brokers";
import type { Mosquitto } from "./brokers";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const CI = process.env.CI == "true" || process.env.CI == "1";

/** The gateway binary and the folder holding gateway.conf.example, or null. */
export function findGateway(): { bin: string; example: string } | null {
  const p = resolve(ROOT, process.env.MQTTSN_GATEWAY || "../shared/mqttsn-gateway");
  if (!existsSync(p)) return null;
  const bin = statSync(p).isDirectory() ? join(p, "MQTT-SNGateway") : p;
  const example = join(dirname(bin), "gateway.conf.example");
  return existsSync(bin) && existsSync(example) ? { bin, example } : null;
}

export const GW = findGateway();

let told = false;
/**
 * True when the gateway and mosquitto can run. Otherwise: outside CI one line, and the caller registers
 * nothing (one line for the whole run, whichever suites ask); under CI=true a failing test in `t`.
 */
export function haveGateway(t: any): boolean {
  const why = !GW ? "no MQTT-SN gateway at " + resolve(ROOT, process.env.MQTTSN_GATEWAY || "../shared/mqttsn-gateway") : !mosquittoPath() ? "mosquitto is not installed" : "";
  if (!why) return true;
  if (CI) t("the MQTT-SN gateway and mosquitto are available under CI", () => assert.unreachable(why + ": set MQTTSN_GATEWAY to the gateway's folder or binary"));
  else if (!told) console.log(`  tests that need the MQTT-SN gateway skipped (${why}): MQTTSN_GATEWAY=/path/to/mqttsn-gateway npm test enables them`);
  told = true;
  return false;
}

/** A free UDP port on loopback (bound, read, released). */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", r));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(r));
  return p;
}

const leftovers: string[] = [];
process.once("exit", () => leftovers.forEach((d) => rmSync(d, { recursive: true, force: true })));

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
  /** Stop the gateway and the broker (the temp folders go when the tests end). */
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** PredefinedTopicList lines: [clientId or "*", topic, id]. */
  predefined?: [string, string, number][];
  /** ClientsList lines: [clientId, UDP port, flag] (flag "QoS-1" for a QoS -1 client). */
  clients?: [string, number, string][];
}

export async function startGateway(o: GatewayOptions = {}): Promise<Gateway> {
  if (!GW) throw new Error("no MQTT-SN gateway");
  const broker = await startMosquitto();
  const port = await freeUdpPort();
  // A fresh folder per start: the gateway makes its SysV shared memory keys with ftok() on files in it
  // (inode-based), and a segment leaked by a gateway killed elsewhere whose key a new inode happens to
  // match makes it abort ("RingBuffer can't create a shared memory"). A new folder is a new inode.
  // Each folder is removed when the tests end, not at stop() or close(): a new folder reusing its inode at
  // once would reuse the keys. Listed at creation, so a test that never reaches close() leaves none either.
  let dir = "";
  function prepare() {
    dir = mkdtempSync(join(tmpdir(), "mqttsn-gw-"));
    leftovers.push(dir);
    const clients = join(dir, "clients.conf");
    const predef = join(dir, "predefined.conf");
    writeFileSync(clients, (o.clients || []).map((c) => `${c[0]},127.0.0.1:${c[1]},${c[2]}`).join("\n") + "\n");
    writeFileSync(predef, (o.predefined || []).map((p) => p.join(",")).join("\n") + "\n");
    const conf = readFileSync(GW!.example, "utf8")
      .replace(/^BrokerPortNo=.*$/m, `BrokerPortNo=${broker.port}`)
      .replace(/^BrokerSecurePortNo=.*$/m, `BrokerSecurePortNo=${broker.port}`)
      .replace(/^ClientsList=.*$/m, `ClientsList=${clients}`)
      .replace(/^PredefinedTopicList=.*$/m, `PredefinedTopicList=${predef}`)
      .replace(/^GatewayPortNo=.*$/m, `GatewayPortNo=${port}`);
    writeFileSync(join(dir, "gateway.conf"), conf.endsWith("\n") ? conf : conf + "\n");
  }
  const log: string[] = [];
  let proc: ChildProcess | null = null;
  const g: Gateway = {
    port,
    broker,
    log,
    async start() {
      for (let attempt = 1; ; attempt++) {
        prepare();
        const p = spawn(GW!.bin, ["-f", join(dir, "gateway.conf")], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
        proc = p;
        const take = (d: Buffer) => log.push(...d.toString().replace(/\x1b\[[0-9;]*m/g, "").split("\n").filter((l) => l.trim()));
        p.stdout!.on("data", take);
        p.stderr!.on("data", take);
        try {
          return await ready(port, p);
        } catch (e: any) {
          // It aborted at start (see prepare): again, from a new folder.
          if (p.exitCode == null || attempt == 5) throw new Error(e.message + "; gateway output:\n" + log.slice(-15).join("\n"));
        }
      }
    },
    async stop() {
      const p = proc;
      proc = null;
      if (!p || p.exitCode != null || p.signalCode != null) return;
      const done = new Promise((r) => p.once("exit", r));
      p.kill("SIGINT");
      const k = setTimeout(() => p.kill("SIGKILL"), 3000);
      await done;
      clearTimeout(k);
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

/** Resolves once the gateway answers a SEARCHGW with GWINFO (by unicast, as this build does). */
async function ready(port: number, p: ChildProcess, ms = 5000): Promise<void> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", r));
  let got = false;
  s.on("message", (d) => {
    if (d[1] == 0x02) got = true;
  });
  const end = Date.now() + ms;
  try {
    while (!got) {
      if (p.exitCode != null) throw new Error("the gateway exited with " + p.exitCode);
      if (Date.now() > end) throw new Error("the gateway did not answer SEARCHGW on port " + port);
      s.send(Buffer.from([3, 1, 1]), port, "127.0.0.1");
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    s.close();
  }
}
