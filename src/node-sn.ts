// The Node build of the MQTT-SN client (`require("mqttiny/sn")`): the client over a dgram socket.
import { createSnClient } from "./sn/client";
import type { SnClient, SnOptions } from "./sn/client";
import { nodeUdp } from "./transport/node-udp";
import type { NodeUdpOptions } from "./transport/node-udp";

/** An MQTT-SN client over UDP. Payloads arrive as Buffers unless `binary: false` asks for strings. */
export function connect(o?: SnOptions & NodeUdpOptions): SnClient {
  return createSnClient(o, nodeUdp, { binary: true });
}

export { createSnClient, nodeUdp };
export { snDecode, snEncode, snEncap, snMsg, snStr } from "./sn/codec";
export type { SnMsg } from "./sn/codec";
export type { SnClient, SnOptions, SnWill, SnPublishOptions, SnPacket, SnPayload, SnMessageCallback, SnSubscribeCallback, SnError, Clock } from "./sn/client";
export type { Datagram, DatagramEvents, DatagramTransport } from "./sn/udp";
export type { NodeUdpOptions };
