// The client on a real broker cluster (issue 32): aedes nodes sharing sessions through one redis-server,
// all on 127.0.0.1 and free ports (device/emulator/cluster.mjs), a node killed by SIGKILL as a node dies.
// Needs redis-server (Debian redis-server; .ci/run installs it).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import mqtt from "mqtt";
import { connect } from "../src/node";
import { until } from "./brokers";
import { CI } from "./espruino-helpers";
// @ts-ignore: plain ES module
import { startCluster, redisBin } from "../device/emulator/cluster.mjs";

const t = suite("broker cluster (aedes + redis on loopback)");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!redisBin()) {
  if (CI) t("redis-server is installed under CI", () => assert.unreachable("redis-server not found: .ci/run installs the Debian package redis-server"));
  else console.log("cluster tests skipped: redis-server is not installed (Debian package redis-server)");
} else {
  t("clean: false with an inbound QoS 1 subscription: the node is killed mid-stream, the session goes on at a survivor, nothing is lost", async () => {
    const cl = await startCluster({ nodes: 2 });
    const [victim, survivor] = cl.servers;
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${survivor.port}`, { clientId: "pub1" });
    const c = connect({ servers: [victim, survivor], clientId: "sess1", clean: false, reconnectMin: 300, reconnectMax: 2000 });
    const got = new Set<string>();
    let dups = 0;
    try {
      c.subscribe("c/in", { qos: 1, onMessage: (_t: string, p: any) => {
        const s = String(p);
        if (got.has(s)) dups++;
        got.add(s);
      } });
      await until(() => c.state() == 3, 5000, "connected");
      await until(() => cl.where("sess1") == 0, 5000, "on the first node");
      await sleep(300); // the SUBACK: the subscription is in redis
      const offline: number[] = [];
      let n = 0;
      const send = async (count: number) => {
        for (let i = 0; i < count; i++) {
          n++;
          if (c.state() != 3) offline.push(n);
          await pub.publishAsync("c/in", String(n), { qos: 1 });
          await sleep(10);
        }
      };
      await send(30);
      const k = await cl.kill(0);
      await send(60);
      await until(() => c.state() == 3, 10000, "connected again");
      await send(30);
      await until(() => got.size == n, 10000, `all ${n} arrived (got ${got.size})`);
      assert.equal(k.ids, ["sess1"], "the client was on the killed node");
      assert.is(cl.where("sess1"), 1, "and is now on the survivor");
      assert.ok(offline.length > 0, "messages were published while the client was between nodes");
      for (let i = 1; i <= n; i++) assert.ok(got.has(String(i)), "message " + i);
      assert.ok(c.attempts >= 2, "it reconnected");
      const loop = cl.loopback();
      assert.ok(loop.sockets.some((s: any) => s.local == `127.0.0.1:${cl.redisPort}`), "redis' sockets were seen");
      assert.equal(loop.bad, [], "every socket of the cluster on 127.0.0.1");
      console.log(`  (${n} messages, ${offline.length} published while between nodes, ${dups} duplicates)`);
    } finally {
      c.end(true);
      pub.end(true);
      await cl.stop();
    }
  });

  t("npm start -- --cluster 3 --nodes 20 --kill-broker: 0 readings lost, every node that was on the killed node back within reconnectMax + connectTimeout, only loopback", async () => {
    const r = await new Promise<{ status: number | null; out: string; err: string }>((res) => {
      const p = spawn(process.execPath, ["device/emulator/start.mjs", "--cluster", "3", "--nodes", "20", "--kill-broker", "--duration", "14", "--drain", "10", "--quiet"], { env: { ...process.env, ESPRUINO: "" }, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      p.stdout.on("data", (d) => (out += d));
      p.stderr.on("data", (d) => (err += d));
      const kill = setTimeout(() => p.kill("SIGKILL"), 90_000);
      p.on("exit", (status) => (clearTimeout(kill), res({ status, out, err })));
    });
    assert.match(r.out, /--kill-broker: aedes node 3 \(127\.0\.0\.1:\d+\) killed \(SIGKILL\) with [1-9]\d* node\(s\) on it/, "a node was killed with nodes on it");
    assert.match(r.out, /--kill-broker: aedes node 3 restarted/);
    const total = /total: (\d+) QoS 1 readings, (\d+) received by the subscriber, 0 lost/.exec(r.out);
    assert.ok(total && +total[1] >= 100 && total[1] == total[2], r.out);
    const m = /cluster: (\d+) node\(s\) were on the killed node; (\d+) moved to a survivor, ms from the kill to connected there: median (\d+(?:\.\d+)?), max (\d+) \(bound: reconnectMax 60000 \+ connectTimeout 10000 = 70000\); 0 not back/.exec(r.out);
    assert.ok(m, r.out);
    assert.is(m![1], m![2], "every one moved");
    assert.ok(+m![4] <= 70000, "max " + m![4]);
    const checks = [...r.out.matchAll(/loopback check .*: (\d+) sockets, every address 127\.0\.0\.1/g)];
    assert.is(checks.length, 2, "checked while the node was down and at the end");
    assert.ok(checks.every((x) => +x[1] > 3), "sockets were seen");
    assert.is(r.status, 0, r.err);
  });

  t("--kill-broker without a cluster of 2 or more: one line, exit 2", async () => {
    const r = await new Promise<{ status: number | null; err: string }>((res) => {
      const p = spawn(process.execPath, ["device/emulator/start.mjs", "--kill-broker"], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      p.stderr.on("data", (d) => (err += d));
      p.on("exit", (status) => res({ status, err }));
    });
    assert.is(r.status, 2);
    assert.is(r.err.trim(), "--kill-broker needs --cluster N with N of 2 or more");
  });
}

t.run();
