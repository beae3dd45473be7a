import { createClient } from "./client";
import type { Client, ClientOptions } from "./client";
import { nodeTransport } from "./transport/node";
import type { NodeOptions } from "./transport/node";
/**
 * A client over net/tls: connect(opts), or connect(url, opts) as MQTT.js takes it. Payloads arrive as
 * Buffers (lossless) unless `binary: false` asks for UTF-8 strings.
 */
export declare function connect(u?: string | (ClientOptions & NodeOptions) | null, o?: ClientOptions & NodeOptions): Client;
export { createClient, nodeTransport };
export { espruinoTransport } from "./transport/espruino";
export { validTopic, validFilter, match } from "./topic";
export * from "./codec/index";
export type { Client, ClientOptions, Clock, MqttError, MessageCallback, Payload, PublishOptions, SubscribeOptions, SubscribeCallback, Granted, ClientEvents, ClientEvent } from "./client";
export type { Link, LinkEvents, Transport } from "./link";
export type { NodeOptions };
