// The Node build's entry: the client with a net/tls transport, the codec, and topic helpers.
import { createClient } from "./client";
import type { Client, ClientOptions } from "./client";
import { nodeTransport } from "./transport/node";
import type { NodeOptions } from "./transport/node";

export function connect(o: Partial<ClientOptions> & NodeOptions): Client {
  if (!o.transport) o.transport = nodeTransport(o);
  return createClient(o as ClientOptions);
}

export { createClient, nodeTransport };
export { espruinoTransport } from "./transport/espruino";
export { validTopic, validFilter, match } from "./topic";
export * from "./codec/index";
export type { Client, ClientOptions, Link, LinkEvents, Transport, Clock } from "./client";
export type { NodeOptions };
