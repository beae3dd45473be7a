// MQTT-SN persist on the real interpreter (issue 31), the short seeded form of bench/sn-persist-kill.mjs
// (the long form: node bench/sn-persist-kill.mjs 50): build/mqttiny-sn-persist.min.js on the ESP8266
// layout, killed with SIGKILL (a power cut) at random moments while it publishes through the real Paho
// MQTT-SN gateway to mosquitto, at times with the gateway restarted, and started again on the same flash
// file. Every reading publish() returned true for arrives at a subscriber; duplicates only as DUP=1 resends.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { haveBoards } from "./espruino-helpers";
import { haveGateway } from "./sn-gateway";
// @ts-ignore: plain ESM module without types
import { snKillRuns } from "../bench/sn-persist-kill.mjs";

const t = suite("espruino: MQTT-SN persist across power cuts");

if (haveBoards(t, ["esp8266"]) && haveGateway(t)) {
  t("4 seeded power cuts on the ESP8266 layout, through the real gateway, lose no reading publish() returned true for", async () => {
    const st = await snKillRuns({ runs: 4, seed: 31, board: "esp8266" });
    assert.equal(st.errors, [], "no device error");
    assert.is(st.kills, 4, "the power was cut 4 times");
    assert.ok(st.held > 0, "the cuts left readings held in Storage: " + st.held);
    assert.ok(st.ok > 50, "readings published: " + st.ok);
    assert.equal(st.lost, [], "lost");
    assert.ok(st.freshDups <= st.dupResends, `${st.dups} duplicates at the subscriber, ${st.freshDups} of them without DUP (a resend of the broker to the subscriber has it), ${st.dupResends} DUP=1 resends from the device`);
    assert.ok(st.idle, "the last run emptied its log");
  });
}

t.run();
