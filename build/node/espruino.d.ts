import { createClient } from "./client";
import type { Client, ClientOptions } from "./client";
import type { EspruinoOptions } from "./transport/espruino";
export declare function connect(o: Partial<ClientOptions> & EspruinoOptions): Client;
export { createClient };
