// The device bundle's entry: what `require("mqttiny")` gives on an Espruino board.
//   var mqtt = require("mqttiny").connect({ host: "192.168.1.10", clientId: "node1" });
import { createClient } from "./client";
import type { Client, ClientOptions } from "./client";
import { espruinoTransport } from "./transport/espruino";
import type { EspruinoOptions } from "./transport/espruino";

export function connect(o: Partial<ClientOptions> & EspruinoOptions): Client {
  if (!o.transport) o.transport = espruinoTransport(o);
  return createClient(o as ClientOptions);
}

export { createClient };
