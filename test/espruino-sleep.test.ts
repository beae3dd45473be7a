// The deep-sleep telemetry mode on the real interpreter (issue 31), the short form of
// bench/persist-sleep.mjs: device/telemetry-sleep.js over MQTT (mosquitto) and device/telemetry-sleep-sn.js
// over MQTT-SN (the real Paho gateway), each wake a new interpreter process on the same flash file (ESP8266
// layout). The broker (or gateway) is down for the second wake: its reading is held in Storage across the
// deep sleep and goes out at the next wake. Every reading arrives at the subscriber.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { haveBoards } from "./espruino-helpers";
import { mosquittoPath } from "./brokers";
import { haveGateway } from "./sn-gateway";
// @ts-ignore: plain ESM module without types
import { sleepRuns } from "../bench/persist-sleep.mjs";

const t = suite("espruino: deep-sleep telemetry");

function check(st: any, what: string) {
  assert.equal(st.errors, [], "no device error");
  const [w0, w1, w2] = st.rows;
  assert.is(w0.why, "all acknowledged", "wake 0: " + JSON.stringify(w0));
  assert.is(w1.up, false, "the link was down for wake 1");
  assert.is(w1.why, "deadline", "wake 1 slept at the deadline");
  assert.is(w1.held, 1, "wake 1's reading was held in Storage across the deep sleep");
  assert.is(w2.why, "all acknowledged", "wake 2: " + JSON.stringify(w2));
  assert.is(w2.delivered, 2, "wake 2 sent the held reading and its own");
  assert.equal(st.lost, [], "lost");
  assert.equal(st.arrived, [0, 1, 2, 3], "every reading arrived");
  console.log(`  ${what}: radio on ${st.rows.map((r: any) => r.ms).join(", ")} ms; a wake sent ${w0.sent.join(" ")}, got ${w0.got.join(" ")}`);
}

if (haveBoards(t, ["esp8266"]) && mosquittoPath()) {
  t("over MQTT: 4 wakes, the broker down for one; every reading arrives", async () => {
    check(await sleepRuns({ wakes: 4, board: "esp8266", down: [1, 2] }), "MQTT");
  });
  if (haveGateway(t))
    t("over MQTT-SN: 4 wakes, the gateway down for one; every reading arrives; a wake on the kept session sends CONNECT PUBLISH DISCONNECT (the topic id kept in Storage)", async () => {
      const st = await sleepRuns({ wakes: 4, board: "esp8266", down: [1, 2], sn: true });
      check(st, "MQTT-SN");
      assert.equal(st.rows[0].sent, ["CONNECT", "REGISTER", "PUBLISH", "DISCONNECT"], "the first wake registers the topic");
      assert.ok(st.rows[2].sent.includes("REGISTER"), "after the gateway restarted, the kept id was refused and the topic registered again: " + st.rows[2].sent.join(" "));
      assert.equal(st.rows[3].sent, ["CONNECT", "PUBLISH", "DISCONNECT"], "a plain wake: no REGISTER");
    });
}

t.run();
