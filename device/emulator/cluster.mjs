// A broker cluster on loopback for `npm start -- --cluster N`, the cluster tests and bench/cluster-storm.mjs:
// one redis-server (127.0.0.1, a free port, no persistence to disk, its own temp dir) and N aedes nodes
// sharing their state through it (device/emulator/aedes-node.mjs, one process each on 127.0.0.1 and a
// free port). It keeps, from the nodes' reports, which client is on which node, so that after a node is
// killed it can say who moved and how long each took, and how many CONNECTs per second the survivors saw.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";

const NODE = join(dirname(fileURLToPath(import.meta.url)), "aedes-node.mjs");

/** redis-server on PATH or in /usr/sbin, else null. */
export function redisBin() {
  for (const d of (process.env.PATH || "").split(":").concat("/usr/sbin", "/usr/bin")) if (d && existsSync(join(d, "redis-server"))) return join(d, "redis-server");
  return null;
}

/** A port free on 127.0.0.1 now (the kernel's pick: never a fixed one such as redis' 6379). */
export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}

function waitFor(check, ms, what) {
  const t0 = Date.now();
  return new Promise((res, rej) => {
    const tick = () => (check() ? res() : Date.now() - t0 > ms ? rej(new Error(what)) : setTimeout(tick, 20));
    tick();
  });
}

/** A small seeded generator, so node i gets the same shuffled list on every run. */
function seeded(seed) {
  let s = seed * 2654435761 >>> 0 || 1;
  return () => ((s = (s ^ (s << 13)) >>> 0), (s = (s ^ (s >>> 17)) >>> 0), (s = (s ^ (s << 5)) >>> 0), s / 4294967296);
}

/** The median and max of a list of numbers (null for an empty list). */
export function medianMax(xs) {
  if (!xs.length) return { median: null, max: null };
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { median: s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2, max: s[s.length - 1] };
}

/** The most timestamps (ms) in any 1 s window [t, t + 1000). */
export function peakPerSecond(ts) {
  const s = [...ts].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i] - s[j] >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/**
 * Starts redis and `nodes` aedes nodes. Returns { url, servers, ports, pids(), serversFor(i), kill(k),
 * restart(k), moves(), connectsAt(ks, from), loopback(), stop() }.
 */
export async function startCluster({ nodes = 3, log = () => {} } = {}) {
  const bin = redisBin();
  if (!bin) throw new Error("redis-server is not installed (Debian package redis-server)");
  const dir = mkdtempSync(join(tmpdir(), "mqttiny-cluster-"));
  const redisPort = await freePort();
  const redis = spawn(bin, ["--bind", "127.0.0.1", "--port", String(redisPort), "--save", "", "--appendonly", "no", "--dir", dir, "--protected-mode", "yes", "--daemonize", "no"], { stdio: ["ignore", "pipe", "pipe"] });
  let redisOut = "";
  redis.stdout.on("data", (d) => (redisOut += d));
  redis.stderr.on("data", (d) => (redisOut += d));
  const procs = [];
  let stopped = false;
  const cleanup = () => {
    for (const p of procs) if (p && p.exitCode == null) p.kill("SIGKILL");
    if (redis.exitCode == null) redis.kill("SIGKILL");
  };
  process.on("exit", cleanup);
  try {
    await waitFor(() => /Ready to accept connections/.test(redisOut) || redis.exitCode != null, 10000, "redis-server did not start within 10 s");
    if (redis.exitCode != null) throw new Error("redis-server exited: " + redisOut.trim().split("\n").pop());
  } catch (e) {
    cleanup();
    throw e;
  }
  log(`redis-server ${bin} on 127.0.0.1:${redisPort} (no disk persistence, dir ${dir})`);

  const ports = [];
  for (let k = 0; k < nodes; k++) ports.push(await freePort());
  // Per client id: the node it is on (or -1 while between nodes), and every connect / up report.
  const on = new Map();
  const ups = []; // { id, k, t }
  const connects = []; // { id, k, t }
  const ready = [];
  const spawnNode = (k) => {
    const p = spawn(process.execPath, [NODE, String(ports[k]), String(redisPort)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    ready[k] = false;
    p.on("message", (m) => {
      if (m.ready) ready[k] = true;
      else if (m.connect) connects.push({ id: m.id, k, t: m.t });
      else if (m.up) {
        on.set(m.id, k);
        ups.push({ id: m.id, k, t: m.t });
      }
    });
    procs[k] = p;
    return p;
  };
  for (let k = 0; k < nodes; k++) spawnNode(k);
  try {
    await waitFor(() => ready.every(Boolean) && ready.length == nodes, 15000, "the aedes nodes did not start within 15 s");
  } catch (e) {
    cleanup();
    throw e;
  }
  const servers = ports.map((port) => ({ host: "127.0.0.1", port }));
  log(`${nodes} aedes nodes sharing state through that redis (aedes-persistence-redis, mqemitter-redis): ${ports.map((p) => "127.0.0.1:" + p).join(", ")}`);

  let killed = null; // { k, t, ids }
  return {
    url: "mqtt://127.0.0.1:" + ports[0],
    servers,
    ports,
    redisPort,
    pids: () => [redis.pid, ...procs.filter((p) => p.exitCode == null && p.signalCode == null).map((p) => p.pid)],
    /** Node i's list: every broker, in an order of its own so that the fleet spreads over them. */
    serversFor(i) {
      const r = seeded(i + 1);
      const l = servers.map((s) => ({ ...s }));
      for (let j = l.length - 1; j > 0; j--) {
        const x = Math.floor(r() * (j + 1));
        [l[j], l[x]] = [l[x], l[j]];
      }
      return l;
    },
    /** SIGKILL node k, as a node dies: its clients lose their links at once, no will, no DISCONNECT. */
    async kill(k) {
      const p = procs[k];
      const ids = [...on].filter(([, n]) => n == k).map(([id]) => id);
      const t = Date.now();
      p.kill("SIGKILL");
      await new Promise((r) => (p.exitCode != null || p.signalCode != null ? r() : p.once("exit", r)));
      for (const id of ids) on.set(id, -1);
      killed = { k, t, ids };
      return killed;
    },
    async restart(k) {
      spawnNode(k);
      await waitFor(() => ready[k], 15000, `aedes node ${k + 1} did not restart within 15 s`);
    },
    /** After kill(): per client that was on the killed node, ms from the kill until it was up on another (null: not yet). */
    moves(filter = () => true) {
      if (!killed) return [];
      return killed.ids.filter(filter).map((id) => {
        const u = ups.find((x) => x.id == id && x.t >= killed.t && x.k != killed.k);
        return { id, ms: u ? u.t - killed.t : null, to: u ? u.k : null };
      });
    },
    /** CONNECT packets that arrived at the nodes ks since `from` (ms): their times. */
    connectsAt(ks, from = 0) {
      return connects.filter((c) => ks.includes(c.k) && c.t >= from).map((c) => c.t);
    },
    where: (id) => on.get(id),
    killedAt: () => killed,
    /**
     * Every TCP socket of redis and the aedes nodes, listeners included, as `ss -tanp` lists them, and those whose local or peer
     * address is not loopback: the cluster must talk only over 127.0.0.1.
     */
    loopback() {
      const pids = new Set(this.pids());
      const out = execFileSync("ss", ["-tanpH"], { encoding: "utf8" });
      const sockets = [];
      for (const line of out.split("\n")) {
        const m = /^(\S+)\s+\d+\s+\d+\s+(\S+)\s+(\S+)\s+users:\((.*)\)/.exec(line.trim());
        if (!m) continue;
        const owners = [...m[4].matchAll(/pid=(\d+)/g)].map((x) => +x[1]);
        // A listener's peer is the wildcard "*": its own address is what it accepts on.
        if (owners.some((p) => pids.has(p))) sockets.push({ state: m[1], local: m[2], peer: m[1] == "LISTEN" ? m[2] : m[3] });
      }
      const host = (a) => a.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
      const bad = sockets.filter((s) => ![s.local, s.peer].every((a) => /^127\.\d+\.\d+\.\d+$|^::1$|^::ffff:127\./.test(host(a))));
      return { sockets, bad };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const all = [...procs, redis].filter((p) => p.exitCode == null && p.signalCode == null);
      for (const p of all) p.kill("SIGTERM");
      await Promise.race([Promise.all(all.map((p) => new Promise((r) => (p.exitCode != null || p.signalCode != null ? r() : p.once("exit", r))))), new Promise((r) => setTimeout(r, 3000))]);
      cleanup();
      process.off("exit", cleanup);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The cluster as `npm start -- --cluster N [--kill-broker]` uses it: started, the subscriber's URL (node 1,
 * never the one killed), each emulated node's extra config (its shuffled `servers`, and a reconnectMin
 * that spreads the fleet's reconnects to about 100 CONNECTs a second), the kill of node N at a quarter
 * of the run and its restart up to 20 s later, and the summary: who moved, how long it took, and whether
 * every byte of the cluster stayed on loopback.
 */
export async function fleetCluster({ nodes, fleet, duration, killBroker, log = console.log }) {
  const cl = await startCluster({ nodes, log });
  const reconnectMin = Math.min(60000, Math.max(1000, fleet * 20));
  // The client's defaults: how long a move may take at most is the longest backoff step plus one connect timeout.
  const bound = 60000 + 10000;
  const victim = nodes - 1;
  const timers = [];
  const checks = [];
  let restarted = null;
  const check = (when) => {
    const r = cl.loopback();
    checks.push(r);
    log(`loopback check ${when} (ss -tanp, the redis and aedes pids): ${r.sockets.length} sockets, ${r.bad.length ? r.bad.length + " NOT on loopback: " + r.bad.map((s) => s.local + " " + s.peer).join(", ") : "every address 127.0.0.1"}`);
  };
  const at = Math.max(2, duration / 4) * 1000;
  const down = Math.min(20, duration / 2) * 1000;
  // Counted from when the whole fleet is connected (interpreter nodes take seconds to start), or from
  // a minute after the start if some never are.
  const t0 = Date.now();
  const allUp = () => [...Array(fleet)].every((_, i) => cl.where("node" + (i + 1)) >= 0) || Date.now() - t0 > 60000;
  const restart = () => {
    check("before the restart");
    return cl.restart(victim).then(() => {
      restarted = Date.now();
      log(`--kill-broker: aedes node ${victim + 1} restarted on 127.0.0.1:${cl.ports[victim]}`);
    });
  };
  const kill = async () => {
    const k = await cl.kill(victim);
    log(`--kill-broker: aedes node ${victim + 1} (127.0.0.1:${cl.ports[victim]}) killed (SIGKILL) with ${k.ids.filter((id) => id.startsWith("node")).length} node(s) on it; restart in ${down / 1000} s`);
    timers.push(setTimeout(restart, down));
  };
  const whenUp = () => timers.push(allUp() ? setTimeout(kill, at) : setTimeout(whenUp, 100));
  if (killBroker && duration) whenUp();
  return {
    url: cl.url,
    config: (i) => ({ servers: cl.serversFor(i - 1), reconnectMin }),
    cluster: cl,
    describe: () =>
      `cluster: ${nodes} aedes nodes + redis on 127.0.0.1; each node gets the ${nodes} as servers, shuffled, reconnectMin ${reconnectMin} ms${killBroker ? (duration ? `; node ${nodes} is killed ${at / 1000} s after the whole fleet is connected and restarted ${down / 1000} s later` : "; --kill-broker needs a --duration") : ""}`,
    /** Prints the cluster's part of the summary; false when a node did not come back in time or a socket left loopback. */
    summary() {
      check("at the end");
      let ok = checks.every((r) => r.bad.length == 0 && r.sockets.length > 0);
      const k = cl.killedAt();
      if (killBroker && !k) {
        log("cluster: no node was killed (the run ended first)");
        return false;
      }
      if (k) {
        const moves = cl.moves((id) => id.startsWith("node"));
        const done = moves.filter((m) => m.ms != null);
        const mm = medianMax(done.map((m) => m.ms));
        const late = done.filter((m) => m.ms > bound).length;
        if (!moves.length) log("cluster: no node was on the killed node");
        else {
          log(`cluster: ${moves.length} node(s) were on the killed node; ${done.length} moved to a survivor, ms from the kill to connected there: median ${mm.median}, max ${mm.max} (bound: reconnectMax 60000 + connectTimeout 10000 = ${bound}); ${moves.length - done.length} not back${late ? `, ${late} later than the bound` : ""}${restarted ? "" : "; node not restarted before the end"}`);
          const peak = peakPerSecond(cl.connectsAt(cl.ports.map((_, j) => j).filter((j) => j != k.k), k.t));
          log(`cluster: peak CONNECTs in 1 s at the surviving nodes after the kill: ${peak} (a fixed 1 s retry brings all ${done.length} moved node(s) in one second: ${done.length}; reconnectMin ${reconnectMin} ms spreads them over ${reconnectMin / 2} ms)`);
        }
        ok = ok && done.length == moves.length && !late;
      }
      return ok;
    },
    async stop() {
      timers.forEach(clearTimeout);
      await cl.stop();
    },
  };
}
