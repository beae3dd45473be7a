// Power cuts on the real interpreter for the MQTT-SN client with persist (issue 31): the device bundle
// build/mqttiny-sn-persist.min.js publishes QoS 1 readings through the real Paho MQTT-SN gateway to a
// mosquitto on loopback and is killed with SIGKILL (a power cut: Storage keeps what reached
// ./espruino.flash) at a seeded random moment, again and again, then started again in the same folder:
// while publishing, while PUBLISHes and PUBACKs cross, while the log compacts (persistSize 512), and at
// times with the gateway restarted (it forgets every client: the device is told DISCONNECT and connects
// again). A last run is left to finish. Checked at a subscriber: every reading the device printed
// publish() true for has arrived. The same check as bench/persist-kill.mjs for MQTT.
//   node bench/sn-persist-kill.mjs [RUNS=50] [SEED=1] [BOARD=esp8266]   (needs ESPRUINO, MQTTSN_GATEWAY, mosquitto)
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startGateway, findGateway } from "../device/sn-gateway.mjs";
import { killLoop } from "./persist-kill.mjs";

const BUNDLE = resolve(fileURLToPath(new URL("../build/mqttiny-sn-persist.min.js", import.meta.url)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function snKillRuns({ runs = 50, seed = 1, board = "esp8266", n = 60, gap = 30, say } = {}) {
  const gw = findGateway();
  if (gw.problem) throw new Error(gw.problem);
  let g = null;
  return killLoop({
    runs, seed, board, n, gap, say, id: "spk", bundle: BUNDLE, killWithin: 3000,
    st: { gatewayRestarts: 0, storageCompactions: 0 },
    async up(b) {
      g = await startGateway({ bin: gw.bin, brokerPort: b.port });
      return { connect: `host: "127.0.0.1", port: ${g.port}, keepalive: 5, retry: 400, retries: 3, reconnectMin: 50, reconnectMax: 400`, stop: () => g.stop() };
    },
    // The gateway restarts (forgetting every client) in about a third of the runs.
    disrupt(r, st, b) {
      if (r() >= 0.35) return null;
      const at = r() * 1500;
      st.gatewayRestarts++;
      return (async () => {
        await sleep(at);
        const port = g.port;
        await g.stop();
        g = await startGateway({ bin: gw.bin, brokerPort: b.port, port });
      })();
    },
  });
}

if (process.argv[1] && resolve(process.argv[1]) == fileURLToPath(import.meta.url)) main();

async function main() {
  const runs = +(process.argv[2] || 50);
  const seed = +(process.argv[3] || 1);
  const board = process.argv[4] || "esp8266";
  const t0 = Date.now();
  const st = await snKillRuns({ runs, seed, board, say: (s) => console.log(s) });
  console.log(JSON.stringify(st, null, 1));
  console.log(`${st.kills} power cuts (${st.gatewayRestarts} with a gateway restart), ${st.ok} readings publish() returned true for, ${st.lost.length} lost, ${st.dups} duplicates at the subscriber (${st.freshDups} without DUP on the broker-to-subscriber hop), ${st.dupResends} DUP=1 resends from the device at the broker; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.exit(st.lost.length || st.freshDups > st.dupResends || st.errors.length ? 1 : 0);
}
