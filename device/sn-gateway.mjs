// The Eclipse Paho MQTT-SN gateway (UDP) beside a mosquitto, both on 127.0.0.1, for `npm start -- --sn`
// and the device tests: find them, start them from generated configs in a temp folder, stop them.
//
//   MQTTSN_GATEWAY=/path/to/MQTT-SNGateway     the binary, or the folder holding it
//   (default: ../shared/mqttsn-gateway beside the repository)
//
// The gateway (see ../shared/mqttsn-gateway/README.md): `-f CONFIG` is its only option; it writes
// ringbuffer.key / rbmutex.key beside the config; SIGINT stops it (it ignores SIGTERM). Ready = it answers
// a SEARCHGW sent to its port with a GWINFO (it sends no ADVERTISE).
import { spawn } from "node:child_process";
import { existsSync, statSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import dgram from "node:dgram";
import net from "node:net";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_GATEWAY = resolve(root, "..", "shared", "mqttsn-gateway");

/** { bin } for the gateway named by `spec` ($MQTTSN_GATEWAY, else ../shared/mqttsn-gateway), or { problem } saying what is missing. */
export function findGateway(spec = process.env.MQTTSN_GATEWAY) {
  const from = resolve(spec || DEFAULT_GATEWAY);
  const how = spec ? `MQTTSN_GATEWAY=${spec}` : `no MQTTSN_GATEWAY, and the default ${from}`;
  if (!existsSync(from)) return { problem: `no MQTT-SN gateway: ${how} does not exist` };
  const bin = statSync(from).isDirectory() ? join(from, "MQTT-SNGateway") : from;
  if (!existsSync(bin)) return { problem: `no MQTT-SN gateway: ${from} holds no MQTT-SNGateway` };
  return { bin };
}

export function mosquittoBin() {
  for (const p of ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"]) if (existsSync(p)) return p;
  return null;
}

export async function freeTcpPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const p = s.address().port;
  await new Promise((r) => s.close(r));
  return p;
}

export async function freeUdpPort() {
  const s = dgram.createSocket("udp4");
  await new Promise((r) => s.bind(0, "127.0.0.1", r));
  const p = s.address().port;
  await new Promise((r) => s.close(r));
  return p;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A mosquitto on a free loopback port, anonymous. Returns { port, stop(), kill() (at once, for process exit) }. */
export async function startPlainMosquitto() {
  const bin = mosquittoBin();
  if (!bin) throw new Error("mosquitto is not installed (Debian package mosquitto)");
  const dir = mkdtempSync(join(tmpdir(), "sn-mosq-"));
  const port = await freeTcpPort();
  writeFileSync(join(dir, "m.conf"), ["user root", `listener ${port} 127.0.0.1`, "allow_anonymous true", "log_dest none", ""].join("\n"));
  const p = spawn(bin, ["-c", join(dir, "m.conf")], { stdio: "ignore" });
  const end = Date.now() + 5000;
  for (;;) {
    const ok = await new Promise((r) => {
      const c = net.connect({ host: "127.0.0.1", port }, () => (c.destroy(), r(true)));
      c.on("error", () => r(false));
    });
    if (ok) break;
    if (Date.now() > end || p.exitCode != null) {
      p.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw new Error("mosquitto did not start on port " + port);
    }
    await sleep(50);
  }
  return {
    port,
    stop: async () => {
      if (p.exitCode == null) {
        const done = new Promise((r) => p.once("exit", r));
        p.kill("SIGTERM");
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => {
      if (p.exitCode == null) p.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True when a GWINFO comes back for a SEARCHGW sent to 127.0.0.1:port within `ms`. */
export function probeGateway(port, ms = 500) {
  return new Promise((res) => {
    const s = dgram.createSocket("udp4");
    const done = (v) => {
      clearTimeout(t);
      try {
        s.close();
      } catch {}
      res(v);
    };
    const t = setTimeout(() => done(false), ms);
    s.on("message", (m) => m.length >= 3 && m[1] == 0x02 && done(true));
    s.on("error", () => done(false));
    s.bind(0, "127.0.0.1", () => s.send(Buffer.from([3, 1, 0]), port, "127.0.0.1"));
  });
}

/**
 * Starts the gateway for a broker on brokerHost (default 127.0.0.1):brokerPort. Options:
 *   bin          the gateway binary (default: findGateway())
 *   predefined   [{ client = "*", topic, id }] predefined topic ids
 *   qosm1        [{ client, port }] QoS -1 senders, known by their UDP source port on 127.0.0.1
 *   port         the gateway's UDP port (default: a free one)
 *   username, password   what the gateway logs in to the broker with (LoginID, Password), for every
 *                client: MQTT-SN has no credentials of its own
 * Returns { port, log() (its output so far), stop(), kill() (at once, for process exit) }.
 */
export async function startGateway({ brokerHost = "127.0.0.1", brokerPort, bin, predefined = [], qosm1 = [], port, username, password } = {}) {
  // One Key=Value a line: a line break in a value would be read as another key.
  if (/[\r\n]/.test((username || "") + (password || ""))) throw new Error("a user name or password with a line break cannot go into the gateway's config");
  if (!bin) {
    const g = findGateway();
    if (g.problem) throw new Error(g.problem);
    bin = g.bin;
  }
  port = port || (await freeUdpPort());
  // The gateway makes its SysV shared memory keys with ftok() on files in its folder (inode-based): a
  // segment a killed gateway left behind whose key a new inode happens to match makes it abort at start
  // ("RingBuffer can't create a shared memory"; seen in about one start in ten on a machine where test
  // runs had left 275 segments). It is started again from a new folder, up to 5 times; the folders go at
  // stop(), not at once, so that a new folder does not reuse a failed one's inode.
  const dirs = [];
  let p, log;
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), "sn-gw-"));
    dirs.push(dir);
    writeFileSync(join(dir, "predefined.txt"), predefined.map((p) => `${p.client || "*"},${p.topic},${p.id}\n`).join(""));
    writeFileSync(join(dir, "clients.txt"), qosm1.map((c) => `${c.client},127.0.0.1:${c.port},QoS-1\n`).join(""));
    const conf = [
      "GatewayID=1",
      "GatewayName=mqttiny-gw",
      "MaxNumberOfClients=100",
      "KeepAlive=900",
      `BrokerName=${brokerHost}`,
      `BrokerPortNo=${brokerPort}`,
      `BrokerSecurePortNo=${brokerPort}`,
      "AggregatingGateway=NO",
      `QoS-1=${qosm1.length ? "YES" : "NO"}`,
      "Forwarder=NO",
      "PredefinedTopic=YES",
      "ClientAuthentication=NO",
      `ClientsList=${join(dir, "clients.txt")}`,
      `PredefinedTopicList=${join(dir, "predefined.txt")}`,
      "GatewayIP=127.0.0.1",
      `GatewayPortNo=${port}`,
      "ShearedMemory=NO",
      ...(username != null ? [`LoginID=${username}`] : []),
      ...(password != null ? [`Password=${password}`] : []),
      "",
    ];
    writeFileSync(join(dir, "gateway.conf"), conf.join("\n"));
    const out = [];
    p = spawn(bin, ["-f", join(dir, "gateway.conf")], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    p.stdout.on("data", (d) => out.push(d));
    p.stderr.on("data", (d) => out.push(d));
    log = () => Buffer.concat(out).toString("latin1");
    const end = Date.now() + 10000;
    let up = false;
    while (!(up = await probeGateway(port, 300)) && p.exitCode == null && Date.now() < end);
    if (up) break;
    const aborted = p.exitCode != null && /shared memory/.test(log());
    if (!aborted || attempt == 5) {
      p.kill("SIGKILL");
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      throw new Error(`the MQTT-SN gateway ${bin} did not answer SEARCHGW on 127.0.0.1:${port}${p.exitCode != null ? " (exited " + p.exitCode + ")" : ""}: ${log().slice(-400)}`);
    }
  }
  // The QoS -1 proxy connects to the broker about 2 s after start: wait for it when QoS -1 is on.
  if (qosm1.length) await sleep(2500);
  return {
    port,
    log,
    stop: async () => {
      if (p.exitCode == null && p.signalCode == null) {
        const done = new Promise((r) => p.once("exit", r));
        p.kill("SIGINT");
        const t = setTimeout(() => p.kill("SIGKILL"), 3000);
        await done;
        clearTimeout(t);
      }
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
    // SIGKILL leaves the gateway's SysV shared memory behind; stop() is the clean way. The folders can go
    // while it shuts down: it frees its segments by the ids it holds, not by the key files.
    kill: () => {
      if (p.exitCode == null && p.signalCode == null) p.kill("SIGINT");
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
