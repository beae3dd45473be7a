import { createClient } from "./client";
import type { Client, ClientOptions } from "./client";
import type { EspruinoOptions } from "./transport/espruino";
export declare function connect(o?: ClientOptions & EspruinoOptions): Client;
export { createClient };
