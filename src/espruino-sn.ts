// The MQTT-SN device bundle's entry (build/mqttiny-sn.min.js): what `require("mqttiny")` gives on an
// Espruino board when `npm run flash` embeds the MQTT-SN build ("protocol": "sn" in the config).
//   var sn = require("mqttiny").connect({ host: "192.168.1.10", port: 10000, clientId: "node1" });
import { createSnClient } from "./sn/client";
import type { SnClient, SnOptions } from "./sn/client";
import { espruinoUdp } from "./transport/espruino-udp";

// Defaults for an ESP8266 (1,700 blocks of 12 bytes): held QoS 1 messages are Strings in RAM, so the store
// holds at most 1 KB; the topic registry and the inbound duplicate ids are kept short. An ESP32 can take
// storeSize: 8192, topics: 64.
const BOARD: SnOptions = { storeSize: 1024, topics: 16, qos2: 8 };

function board(): typeof espruinoUdp {
  return espruinoUdp;
}

/** `transport` in the options replaces the dgram socket (tests and benchmarks pass an in-program one). */
export function connect(o?: SnOptions): SnClient {
  return createSnClient(o, board, BOARD);
}
