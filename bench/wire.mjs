// Bytes on the wire per QoS 1 reading (topic telemetry/node1/temp, payload 21.5): MQTT over TCP against
// MQTT-SN over UDP (registered topic id, predefined topic id, QoS -1), counted by loopback proxies between
// the real clients and mosquitto / the Paho MQTT-SN gateway. The counts are MQTT / MQTT-SN bytes (what the
// encoders produce); the IPv4 + TCP/UDP headers per packet are added as a computed column.
import net from "node:net";
import dgram from "node:dgram";

export const TOPIC = "telemetry/node1/temp";
export const PAYLOAD = "21.5";

/** A TCP proxy to 127.0.0.1:target that counts bytes and writes each way. */
export async function countingTcpProxy(target) {
  const c = { up: 0, down: 0, upWrites: 0, downWrites: 0 };
  const server = net.createServer((a) => {
    a.setNoDelay(true);
    const b = net.connect({ host: "127.0.0.1", port: target });
    b.setNoDelay(true);
    a.on("data", (d) => ((c.up += d.length), c.upWrites++, b.write(d)));
    b.on("data", (d) => ((c.down += d.length), c.downWrites++, a.write(d)));
    const end = () => (a.destroy(), b.destroy());
    a.on("error", end).on("close", end);
    b.on("error", end).on("close", end);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: server.address().port,
    counts: c,
    reset() {
      c.up = c.down = c.upWrites = c.downWrites = 0;
    },
    close: () => server.close(),
  };
}

/**
 * A UDP relay to 127.0.0.1:target (or `relay.target`, set later): datagrams from the client go out from
 * one socket, answers go back to the client. Counts datagrams and bytes each way, and keeps the MQTT-SN
 * message types seen.
 */
export async function countingUdpProxy(target) {
  const c = { up: 0, down: 0, upN: 0, downN: 0, types: [] };
  const front = dgram.createSocket("udp4");
  const back = dgram.createSocket("udp4");
  let client = null;
  // MQTT-SN: a first byte 0x01 means a 3-byte length, then the type.
  const type = (m) => (m[0] == 1 ? m[3] : m[1]);
  front.on("message", (m, r) => {
    client = r;
    c.up += m.length;
    c.upN++;
    c.types.push(">" + type(m).toString(16).padStart(2, "0"));
    back.send(m, px.target, "127.0.0.1");
  });
  back.on("message", (m) => {
    c.down += m.length;
    c.downN++;
    c.types.push("<" + type(m).toString(16).padStart(2, "0"));
    if (client) front.send(m, client.port, client.address);
  });
  await new Promise((r) => front.bind(0, "127.0.0.1", r));
  await new Promise((r) => back.bind(0, "127.0.0.1", r));
  const px = {
    target,
    port: front.address().port,
    /** The relay's own source port towards the gateway (QoS -1 senders are known by it). */
    backPort: back.address().port,
    counts: c,
    reset() {
      c.up = c.down = c.upN = c.downN = 0;
      c.types = [];
    },
    close() {
      front.close();
      back.close();
    },
  };
  return px;
}

export const IPV4_UDP = 28; // 20-byte IPv4 header + 8-byte UDP header per datagram
export const IPV4_TCP = 40; // 20-byte IPv4 header + 20-byte TCP header per segment (no options)

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(f, ms, what) {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await sleep(2);
  }
}

/**
 * MQTT: the Node build of mqttiny publishing N QoS 1 readings through a counting proxy to mosquitto
 * (one at a time, each waiting for its PUBACK). Returns bytes and writes per reading each way.
 */
export async function mqttPerReading(mqttiny, brokerPort, n = 20) {
  const px = await countingTcpProxy(brokerPort);
  const c = mqttiny.connect({ host: "127.0.0.1", port: px.port, clientId: "wire-mqtt", keepalive: 0 });
  try {
    await new Promise((r, j) => (c.on("connected", r), c.on("error", j)));
    await sleep(50);
    px.reset();
    for (let i = 0; i < n; i++) {
      c.publish(TOPIC, PAYLOAD, { qos: 1 });
      await until(() => c.queued() == 0, 5000, "PUBACK");
    }
    await sleep(50);
    const k = px.counts;
    return { up: k.up / n, down: k.down / n, upPackets: k.upWrites / n, downPackets: k.downWrites / n };
  } finally {
    c.end(true);
    px.close();
  }
}

/**
 * The same reading through the real encoders: MQTT (the Node build's encodePublish / encodeAck) and
 * MQTT-SN (src/sn/codec.ts snEncode). Returns the size in bytes of each message.
 */
export async function encodedSizes(mqttiny) {
  const b = new Uint8Array(256);
  const { snEncode } = await import("../src/sn/codec.ts");
  const N = { REGISTER: 0x0a, REGACK: 0x0b, PUBLISH: 0x0c, PUBACK: 0x0d };
  // Flags: QoS 1 = 0x20, QoS -1 = 0x60; topic id type 0 normal (registered), 1 predefined.
  return {
    mqttPublish: mqttiny.encodePublish(b, 0, TOPIC, PAYLOAD, 1, false, false, 1),
    mqttPuback: mqttiny.encodeAck(b, 0, 4, 1),
    snRegister: snEncode(N.REGISTER, TOPIC, 0, 1).length,
    snRegack: snEncode(N.REGACK, null, 1, 1, 0).length,
    snPublish: snEncode(N.PUBLISH, PAYLOAD, 0x20, 1, 1).length,
    snPublishPredefined: snEncode(N.PUBLISH, PAYLOAD, 0x21, 1, 1).length,
    snPublishQm1: snEncode(N.PUBLISH, PAYLOAD, 0x61, 1, 0).length,
    snPuback: snEncode(N.PUBACK, null, 1, 1, 0).length,
  };
}

/**
 * MQTT-SN: the Node build of the MQTT-SN client through a counting relay to the gateway at
 * 127.0.0.1:gatewayPort, n QoS 1 readings one at a time. `mode`: "registered" (the first reading
 * registers the topic: counted apart as `setup`), "predefined" (options.predefined names the topic), or
 * "qosm1" (QoS -1 without CONNECT; the relay's back port must be a QoS -1 client in the gateway's list:
 * pass the relay). Returns bytes and datagrams per reading each way, and the message types seen.
 */
export async function snPerReading(sn, gatewayPort, mode, n = 20, relay = null) {
  const px = relay || (await countingUdpProxy(gatewayPort));
  px.target = gatewayPort;
  const o = { host: "127.0.0.1", port: px.port, clientId: "wire-" + mode, keepalive: 0, retry: 2000 };
  if (mode != "registered") o.predefined = { [TOPIC]: 1 };
  if (mode == "qosm1") Object.assign(o, { passive: true, clientId: "qm1" });
  const c = sn.connect(o);
  try {
    let setup = null;
    if (mode != "qosm1") {
      await new Promise((r, j) => (c.on("connected", r), c.on("error", j)));
      await sleep(50);
      px.reset();
      if (mode == "registered") {
        c.publish(TOPIC, PAYLOAD, { qos: 1 });
        await until(() => c.queued() == 0, 5000, "PUBACK");
        await sleep(20);
        setup = { up: px.counts.up, down: px.counts.down, types: px.counts.types.join(" ") };
        px.reset();
      }
    }
    for (let i = 0; i < n; i++) {
      c.publish(TOPIC, PAYLOAD, { qos: mode == "qosm1" ? -1 : 1 });
      if (mode == "qosm1") await sleep(5);
      else await until(() => c.queued() == 0, 5000, "PUBACK");
    }
    await sleep(50);
    const k = px.counts;
    return { up: k.up / n, down: k.down / n, upN: k.upN / n, downN: k.downN / n, types: k.types.slice(0, 4).join(" "), setup };
  } finally {
    c.end();
    if (!relay) px.close();
  }
}
