import { createClient } from "./client";
import type { Client, ClientOptions } from "./client";
import type { EspruinoOptions } from "./transport/espruino";
/** connect(opts), or connect(url, opts) as MQTT.js takes it. */
export declare function connect(u?: string | (ClientOptions & EspruinoOptions) | null, o?: ClientOptions & EspruinoOptions): Client;
export { createClient };
