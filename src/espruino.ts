// The device bundle's entry: what `require("mqttiny")` gives on an Espruino board.
//   var mqtt = require("mqttiny").connect({ host: "192.168.1.10", clientId: "node1" });
import { createClient } from "./client";
import type { Client, ClientOptions } from "./client";
import { espruinoTransport } from "./transport/espruino";
import { urlOptions } from "./url";
import { fail } from "./events";
import { URL, lacks } from "./features";
import type { EspruinoOptions } from "./transport/espruino";

/** connect(opts), or connect(url, opts) as MQTT.js takes it. */
export function connect(u?: string | (ClientOptions & EspruinoOptions) | null, o?: ClientOptions & EspruinoOptions): Client {
  // Defaults for an ESP8266 (1,700 blocks of 12 bytes): held QoS 1 messages are Strings in RAM, so the
  // store holds at most 1 KB (about 100 blocks); an ESP32 can take storeSize: 8192 and more. A literal
  // made per call, not a module constant that a board would hold for as long as the module is loaded.
  // On Node this bundle would connect, then die inside the first packet on the missing E: say so here.
  if (typeof E == "undefined") throw fail('mqttiny/device is the Espruino bundle; on Node use require("mqttiny")', "platform");
  if (typeof u == "string" && !URL) throw lacks("connect(url)");
  return createClient(URL && typeof u == "string" ? urlOptions(u, o) : u, espruinoTransport, { storeSize: 1024 });
}

export { createClient };
