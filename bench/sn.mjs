// MQTT-SN rows of `npm run bench` (issue 13): bytes on the wire per reading (MQTT against MQTT-SN with a
// registered topic id, a predefined one and QoS -1), counted by relays in front of mosquitto and the Paho
// gateway and checked against the encoders; and the MQTT-SN bundle on the interpreter beside the MQTT client.
import { createRequire } from "node:module";
import { mqttPerReading, snPerReading, countingUdpProxy, encodedSizes, IPV4_TCP, IPV4_UDP } from "./wire.mjs";
import { deviceSnRows } from "./device.mjs";
import { startGateway, GW } from "../test/sn-gateway.ts";
import { mosquittoPath } from "../test/brokers.ts";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Adds the rows through `row(area, what, ours, theirs, ratio, target, met)`; `mqttDev` = the MQTT device rows of this run. */
export async function snRows(quick, mqttDev, row) {
  if (!GW || !mosquittoPath()) return row("MQTT-SN", "MQTT-SN rows", `skipped: ${!GW ? "no MQTT-SN gateway (MQTTSN_GATEWAY)" : "mosquitto not installed"}`, "", "", "", "");
  const req = createRequire(import.meta.url);
  const mqttiny = req("../build/node/index.cjs");
  const sn = req("../build/node/sn.cjs");
  const enc = await encodedSizes(mqttiny);
  // The relay in front of the gateway is also the QoS -1 client the gateway lists (by its source port).
  const relay = await countingUdpProxy(0);
  const g = await startGateway({ predefined: [["*", "telemetry/node1/temp", 1]], clients: [["qm1", relay.backPort, "QoS-1"]] });
  const started = Date.now();
  try {
    const mq = await mqttPerReading(mqttiny, g.broker.port);
    const reg = await snPerReading(sn, g.port, "registered");
    const pre = await snPerReading(sn, g.port, "predefined");
    // The gateway's QoS -1 proxy connects to the broker about 2 s after the gateway starts.
    await sleep(Math.max(0, 2500 - (Date.now() - started)));
    const qm1 = await snPerReading(sn, g.port, "qosm1", 20, relay);
    const total = (r) => r.up + r.down;
    const wire = (r, hdr, per) => `${total(r)} B (${r.up} + ${r.down}); with IPv4/${hdr == IPV4_TCP ? "TCP" : "UDP"} headers ${total(r) + hdr * per} B`;
    const what = "bytes per QoS 1 reading (telemetry/node1/temp, 21.5) counted on the wire";
    const mqTotal = total(mq);
    const ratio = (r) => (total(r) / mqTotal).toFixed(2) + "x";
    row("MQTT-SN wire", `${what}: MQTT 3.1.1 PUBLISH + PUBACK (encoders: ${enc.mqttPublish} + ${enc.mqttPuback})`, wire(mq, IPV4_TCP, mq.upPackets + mq.downPackets), "", "1.00x", "", "");
    row("MQTT-SN wire", `${what}: MQTT-SN, registered topic id: PUBLISH + PUBACK (encoders: ${enc.snPublish} + ${enc.snPuback})`, wire(reg, IPV4_UDP, reg.upN + reg.downN), `once per topic: REGISTER + REGACK ${total(reg.setup) - total(reg)} B (encoders: ${enc.snRegister} + ${enc.snRegack})`, ratio(reg), "", "");
    row("MQTT-SN wire", `${what}: MQTT-SN, predefined topic id: PUBLISH + PUBACK (encoders: ${enc.snPublishPredefined} + ${enc.snPuback})`, wire(pre, IPV4_UDP, pre.upN + pre.downN), "no REGISTER", ratio(pre), "", "");
    row("MQTT-SN wire", `bytes per reading: MQTT-SN QoS -1 (predefined id, no CONNECT, no acknowledgement; encoder: ${enc.snPublishQm1})`, wire(qm1, IPV4_UDP, qm1.upN), "", ratio(qm1), "", "");
    const e = await deviceSnRows(quick, g.port).catch((x) => ({ skipped: String(x.message || x).slice(0, 200) }));
    const d = mqttDev && !mqttDev.skipped ? mqttDev : null;
    const dev = (what, ours, theirs, r) => row("device (Espruino 2v29)", what, ours, theirs, r, "", "");
    if (e.skipped) return dev("MQTT-SN device rows", "skipped: " + e.skipped, "", "");
    // Compared per message: the MQTT client's row is always of 1,000.
    const n = quick ? 200 : 1000;
    dev("ESP8266 layout: blocks in use with a connected MQTT-SN client (real gateway), default options, module from Storage", `${e.used} of ${e.total} (module +${e.load})`, d ? `MQTT client ${d.used} (module +${d.load})` : "", d ? `${(e.used / d.used).toFixed(2)}x` : "");
    dev("time inside one QoS 0 publish(), MQTT-SN registered topic id: ESP8266 layout / 64-bit build from RAM", `${e.eq0} ms / ${e.rq0} ms`, d ? `MQTT client ${d.eq0} ms / ${d.rq0} ms` : "", d ? `${(e.eq0 / d.eq0).toFixed(2)}x / ${(e.rq0 / d.rq0).toFixed(2)}x` : "");
    dev(`ESP8266 layout: ${n} QoS 1 acknowledged by an in-program gateway (MQTT-SN: one in flight)`, `${(e.eq1all / 1000).toFixed(2)} s (${(e.eq1all / n).toFixed(1)} ms each)`, d ? `MQTT client (window 8, 1000 messages, its broker's time taken out): ${(d.eq1all / 1000).toFixed(1)} ms each` : "", d ? `${(e.eq1all / n / (d.eq1all / 1000)).toFixed(2)}x` : "");
  } finally {
    relay.close();
    await g.close();
  }
}
