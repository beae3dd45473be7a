// `npm start` as a user meets it, run as `node device/emulator/start.mjs` with short durations: flags
// checked, --help, one-line errors for a broker that is not there or wants a password, credentials in
// MQTT_URL reaching the nodes (the password masked when printed), a progress line while held readings
// drain, and exit status 1 when any reading is lost.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import net from "node:net";
import { startAedes, startMosquitto, mosquittoPath, freePort } from "./brokers";
import { ESP, haveBoards } from "./espruino-helpers";
import { GW, haveGateway } from "./sn-gateway";

const t = suite("npm start");

function start(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((res) => {
    // The emulator unless a test names an interpreter: these runs are seconds long.
    const p = spawn(process.execPath, ["device/emulator/start.mjs", ...args], { env: { ...process.env, ESPRUINO: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    const kill = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.on("exit", (status) => (clearTimeout(kill), res({ status, out, err })));
  });
}
const oneLine = (s: string) => s.trim().split("\n").length == 1 && !/\n\s+at |Node\.js v/.test(s);

t("--help lists the flags and exits 0; bad or unknown flags are one-line errors with exit 2", async () => {
  const h = await start(["--help"]);
  assert.is(h.status, 0);
  for (const f of ["--nodes N", "--lossy", "--interval S", "--duration S", "--drain S", "--board B", "--sn", "MQTTSN_GATEWAY", "--quiet", "--help", "MQTT_URL"]) assert.ok(h.out.includes(f), f);
  const cases: [string[], RegExp][] = [
    [["--nodes", "abc"], /^--nodes abc: a whole number/],
    [["--nodes", "0"], /^--nodes 0: a whole number/],
    [["--nodes"], /^--nodes needs a value/],
    [["--node", "3"], /^unknown flag --node /],
    [["--interval", "0"], /^--interval 0: seconds, more than 0/],
    [["--duration", "-1"], /^--duration -1: seconds, 0 or more/],
    [["--duration=x"], /^--duration x: seconds, 0 or more/],
    [["--lossy=yes"], /^--lossy takes no value/],
    [["fast"], /^unknown argument fast/],
  ];
  const rs = await Promise.all(cases.map(([a]) => start(a)));
  rs.forEach((r, i) => {
    assert.is(r.status, 2, cases[i][0].join(" "));
    assert.match(r.err, cases[i][1]);
    assert.ok(oneLine(r.err), r.err);
    assert.not.match(r.out, /broker/, "nothing started");
  });
});

t("MQTT_URL pointing at nothing, or not a URL: one line naming the broker, exit 1", async () => {
  const port = await freePort();
  const [r, bad] = await Promise.all([start(["--duration", "2"], { MQTT_URL: `mqtt://127.0.0.1:${port}` }), start([], { MQTT_URL: "127.0.0.1:1883" })]);
  assert.is(r.status, 1);
  assert.is(r.err.trim(), `cannot reach the broker at mqtt://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
  assert.is(bad.status, 1);
  assert.ok(oneLine(bad.err), bad.err);
  assert.match(bad.err, /^MQTT_URL 127\.0\.0\.1:1883 is not a URL: use mqtt:\/\/\[user:password@\]host\[:port\]/);
});

t("a broker that wants a password: without one, or with a wrong one, one line and exit 1; the password is never printed", async () => {
  const b = await startAedes({ users: { alice: "s3cret" } });
  try {
    const [none, wrong] = await Promise.all([
      start(["--duration", "2"], { MQTT_URL: `mqtt://127.0.0.1:${b.port}` }),
      start(["--duration", "2"], { MQTT_URL: `mqtt://alice:wrong@127.0.0.1:${b.port}` }),
    ]);
    assert.is(none.status, 1);
    assert.ok(oneLine(none.err), none.err);
    assert.match(none.err, /^the broker at mqtt:\/\/127\.0\.0\.1:\d+ refused the connection: bad user ?name or password; it wants a user name and password: MQTT_URL=mqtt:\/\/user:password@host:port/);
    assert.is(wrong.status, 1);
    assert.ok(oneLine(wrong.err), wrong.err);
    assert.match(wrong.err, /^the broker at mqtt:\/\/alice:\*\*\*@127\.0\.0\.1:\d+ refused the connection: bad user ?name or password \(check the user name and password in MQTT_URL\)/);
    assert.ok(wrong.out.includes(`broker: mqtt://alice:***@127.0.0.1:${b.port}`), wrong.out);
    assert.not.ok((wrong.out + wrong.err).includes("wrong"), "password printed");
  } finally {
    await b.stop();
  }
});

t("credentials in MQTT_URL reach the nodes too (mosquitto with a password file): every reading arrives, exit 0, password masked", async () => {
  const users = { alice: "s3cret" };
  const b = mosquittoPath() ? await startMosquitto({ users }) : await startAedes({ users });
  try {
    const [r, none] = await Promise.all([
      start(["--duration", "2", "--interval", "0.3", "--nodes", "2", "--quiet"], { MQTT_URL: `mqtt://alice:s3cret@127.0.0.1:${b.port}` }),
      start(["--duration", "2"], { MQTT_URL: `mqtt://127.0.0.1:${b.port}` }),
    ]);
    assert.is(none.status, 1);
    assert.ok(oneLine(none.err), none.err);
    assert.match(none.err, /^the broker at mqtt:\/\/127\.0\.0\.1:\d+ refused the connection: (not authorized|bad user ?name or password); it wants a user name and password/);
    assert.is(r.status, 0, r.out + r.err);
    assert.ok(r.out.includes(`broker: mqtt://alice:***@127.0.0.1:${b.port}`), r.out);
    assert.not.ok((r.out + r.err).includes("s3cret"), "password printed");
    assert.match(r.out, /node1: [1-9]\d* readings published, \d+ received, 0 lost, 1 connect\(s\), 0 still held/);
    assert.match(r.out, /node2: [1-9]\d* readings published, \d+ received, 0 lost/);
    assert.match(r.out, /total: \d+ QoS 1 readings, \d+ received by the subscriber, 0 lost/);
  } finally {
    await b.stop();
  }
});

t("readings that never reach the broker: a progress line while draining, the loss counted, exit 1", async () => {
  // aedes that admits the subscriber but refuses the nodes: every reading stays held on the node.
  const { Aedes } = await import("aedes");
  const broker: any = await (Aedes as any).createBroker();
  broker.authenticate = (client: any, _u: unknown, _p: unknown, cb: (e: any, ok: boolean) => void) => {
    if (!String(client.id).startsWith("node")) return cb(null, true);
    const e: any = new Error("not authorized");
    e.returnCode = 5;
    cb(e, false);
  };
  const server = net.createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const r = await start(["--duration", "1.5", "--interval", "0.4", "--drain", "1", "--quiet"], { MQTT_URL: `mqtt://127.0.0.1:${port}` });
    assert.is(r.status, 1, r.out + r.err);
    assert.match(r.out, /draining: [1-9]\d* reading\(s\) still held by the node\(s\), waiting up to 1 s more/);
    assert.match(r.out, /node1: ([1-9]\d*) readings published, 0 received, \1 lost/);
    assert.match(r.err, /^[1-9]\d* reading\(s\) lost$/m);
  } finally {
    await new Promise((r) => broker.close(r));
    server.close();
  }
});

if (haveBoards(t, ["esp8266"]))
  t("with ESPRUINO set, the nodes run on the real interpreter (ESP8266 layout, the flash upload) and say so; every reading arrives, exit 0", async () => {
    const r = await start(["--duration", "14", "--nodes", "2", "--quiet"], { ESPRUINO: ESP!.from });
    assert.match(r.out, /nodes run on the real Espruino interpreter: .*espruino-esp8266 \(esp8266 layout/);
    assert.match(r.out, /node1: \d+ readings published, \d+ received, 0 lost/);
    assert.match(r.out, /node2: \d+ readings published, \d+ received, 0 lost/);
    const total = /total: (\d+) QoS 1 readings, (\d+) received/.exec(r.out)!;
    assert.ok(+total[1] >= 4 && total[1] == total[2], r.out);
    assert.is(r.status, 0, r.err);
  });

t("without ESPRUINO the nodes run in the emulator and it says how to use the interpreter", async () => {
  const r = await start(["--duration", "2", "--quiet"]);
  assert.match(r.out, /nodes run in the Espruino-like emulator .*set ESPRUINO to run them on the real interpreter/);
  assert.is(r.status, 0, r.err);
});

t("an ESPRUINO that names no interpreter (a wrong path, a folder without builds): one line, exit 1, never the emulator instead", async () => {
  const [wrong, empty] = await Promise.all([start(["--duration", "2"], { ESPRUINO: "/nonexistent/espruino" }), start(["--duration", "2"], { ESPRUINO: "test" })]);
  assert.is(wrong.status, 1);
  assert.ok(oneLine(wrong.err), wrong.err);
  assert.is(wrong.err.trim(), "ESPRUINO=/nonexistent/espruino does not exist; set ESPRUINO to a folder of Espruino's Linux builds (device/build-espruino.sh makes them), or unset it to run the nodes in the emulator");
  assert.is(empty.status, 1);
  assert.match(empty.err, /^no espruino-esp8266, espruino-esp32 or espruino-linux64 in .*test; set ESPRUINO/);
  assert.not.match(wrong.out + empty.out, /broker|emulator|nodes run/, "nothing started");
});

t("the nodes' clean stop (the retained status offline) prints before the summary, and the total line is the last", async () => {
  const r = await start(["--duration", "2", "--interval", "0.5"]);
  assert.is(r.status, 0, r.out + r.err);
  const lines = r.out.trim().split("\n");
  const offline = lines.indexOf("subscriber <- telemetry/node1/status offline");
  assert.ok(offline > 0, r.out);
  assert.ok(offline < lines.findIndex((l) => l.startsWith("node1: ")), r.out);
  assert.match(lines[lines.length - 1], /^total: /);
});

// ---- --sn: MQTT-SN through the Paho gateway
t("--sn without a gateway (MQTTSN_GATEWAY names nothing, or a folder without one): one line saying so, exit 1, nothing started", async () => {
  const [none, empty] = await Promise.all([start(["--sn", "--duration", "2"], { MQTTSN_GATEWAY: "/nonexistent/gw" }), start(["--sn", "--duration", "2"], { MQTTSN_GATEWAY: "test" })]);
  assert.is(none.status, 1);
  assert.ok(oneLine(none.err), none.err);
  assert.is(none.err.trim(), '--sn: no MQTT-SN gateway: MQTTSN_GATEWAY=/nonexistent/gw does not exist; set MQTTSN_GATEWAY to the MQTT-SNGateway binary or its folder (README "MQTT-SN over UDP")');
  assert.is(empty.status, 1);
  assert.match(empty.err, /^--sn: no MQTT-SN gateway: .*test holds no MQTT-SNGateway; set MQTTSN_GATEWAY/);
  assert.not.match(none.out + empty.out, /mosquitto|broker|nodes run/, "nothing started");
});

if (haveGateway(t)) {
  const gw = GW!;
  t("--sn in the emulator: 2 nodes publish over MQTT-SN through the gateway to mosquitto; every reading arrives, exit 0", async () => {
    const r = await start(["--sn", "--duration", "3", "--interval", "0.3", "--nodes", "2", "--quiet"], { MQTTSN_GATEWAY: gw.bin });
    assert.match(r.out, /^mosquitto on mqtt:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(r.out, /^MQTT-SN gateway .*MQTT-SNGateway on udp:\/\/127\.0\.0\.1:\d+, bridging to mqtt:\/\/127\.0\.0\.1:\d+/m);
    assert.match(r.out, /publishing a QoS 1 reading every 0\.3 s over MQTT-SN/);
    assert.match(r.out, /node1: [1-9]\d* readings published, \d+ received, 0 lost/);
    assert.match(r.out, /node2: [1-9]\d* readings published, \d+ received, 0 lost/);
    assert.is(r.status, 0, r.out + r.err);
  });

  t("--sn against a broker that wants a password: the gateway logs in with MQTT_URL's credentials, every reading arrives; without them, advice that works", async () => {
    const b = await startMosquitto({ users: { alice: "s3cret" } });
    try {
      const [r, none] = await Promise.all([
        start(["--sn", "--duration", "3", "--interval", "0.5", "--quiet"], { MQTTSN_GATEWAY: gw.bin, MQTT_URL: `mqtt://alice:s3cret@127.0.0.1:${b.port}` }),
        start(["--sn", "--duration", "2"], { MQTTSN_GATEWAY: gw.bin, MQTT_URL: `mqtt://127.0.0.1:${b.port}` }),
      ]);
      assert.is(r.status, 0, r.out + r.err);
      assert.match(r.out, /bridging to mqtt:\/\/alice:\*\*\*@127\.0\.0\.1:\d+/);
      assert.match(r.out, /node1: [1-9]\d* readings published, \d+ received, 0 lost/);
      assert.not.ok((r.out + r.err).includes("s3cret"), "password printed");
      assert.is(none.status, 1);
      assert.ok(oneLine(none.err), none.err);
      assert.match(none.err.trim(), /it wants a user name and password: MQTT_URL=mqtt:\/\/user:password@host:port \(with --sn the gateway logs in with them\)$/);
    } finally {
      await b.stop();
    }
  });

  t("--sn --lossy in the emulator: one datagram in 10 lost each way, QoS 1 readings resent until acknowledged; every reading arrives, exit 0", async () => {
    const r = await start(["--sn", "--lossy", "--duration", "4", "--interval", "0.4", "--drain", "30", "--quiet"], { MQTTSN_GATEWAY: gw.bin });
    assert.match(r.out, /over MQTT-SN over a lossy link \(one datagram in 10 lost each way\)/);
    assert.match(r.out, /node1: [1-9]\d* readings published, \d+ received, 0 lost/);
    assert.is(r.status, 0, r.out + r.err);
  });

  if (haveBoards(t, ["esp8266"]))
    t("--sn with ESPRUINO: the nodes run on the real interpreter (ESP8266 layout, the flash upload with the MQTT-SN bundle); every reading arrives, exit 0", async () => {
      const r = await start(["--sn", "--duration", "12", "--interval", "0.5", "--nodes", "1", "--quiet"], { ESPRUINO: ESP!.from, MQTTSN_GATEWAY: gw.bin });
      assert.match(r.out, /nodes run on the real Espruino interpreter: .*espruino-esp8266/);
      const total = /total: (\d+) QoS 1 readings, (\d+) received/.exec(r.out)!;
      assert.ok(total && +total[1] >= 3 && total[1] == total[2], r.out);
      assert.is(r.status, 0, r.out + r.err);
    });
}

t.run();
