// The device bundle's entry: what `require("mqttiny")` gives on an Espruino board.
//   var mqtt = require("mqttiny").connect({ host: "192.168.1.10", clientId: "node1" });
import { createClient } from "./client";
import type { Client, ClientOptions } from "./client";
import { espruinoTransport } from "./transport/espruino";
import type { EspruinoOptions } from "./transport/espruino";

export function connect(o?: ClientOptions & EspruinoOptions): Client {
  return createClient(o, espruinoTransport);
}

export { createClient };
