// Codec throughput: mqttiny vs mqtt-packet (generate / parser), plus a copy of pre-encoded bytes into
// a buffer as the practical limit of any encoder.
import { createRequire } from "node:module";
import mqttPacket from "mqtt-packet";
import { interleave, timed, median, spread } from "./stats.mjs";
const m = createRequire(import.meta.url)("../build/node/index.cjs");

const payload256 = "p".repeat(256);
const connectOpts = { clientId: "node1", keepalive: 30, will: { topic: "telemetry/node1/status", payload: "offline", qos: 1, retain: true }, username: "node1", password: "s3cret" };
const cases = [
  {
    name: "PUBLISH QoS 0 (sensors/node1/temp, 21.5)",
    ours: (b) => m.encodePublish(b, 0, "sensors/node1/temp", "21.5", 0, false, false, 0),
    theirs: { cmd: "publish", topic: "sensors/node1/temp", payload: "21.5", qos: 0, retain: false, dup: false },
    decode: true,
  },
  {
    name: "PUBLISH QoS 1 (256-byte payload)",
    ours: (b) => m.encodePublish(b, 0, "sensors/node1/temp", payload256, 1, false, false, 42),
    theirs: { cmd: "publish", topic: "sensors/node1/temp", payload: payload256, qos: 1, messageId: 42, retain: false, dup: false },
    decode: true,
  },
  {
    name: "CONNECT with will and credentials",
    // The options object made once, as mqtt-packet's below: a literal per call timed V8's allocator and
    // GC, not the encoder (runs of one process then spread between 1.9 and 3.9 M ops/s).
    ours: (b) => m.encodeConnect(b, 0, connectOpts),
    theirs: { cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: "node1", keepalive: 30, will: { topic: "telemetry/node1/status", payload: "offline", qos: 1, retain: true }, username: "node1", password: "s3cret" },
    decode: false, // a client never decodes CONNECT
  },
];

export async function codecRows(quick) {
  // Every run lasts about `ms` (the op count is set per contender by a warm-up run), 7 or 9 runs each.
  const ms = quick ? 80 : 250;
  const reps = quick ? 7 : 9;
  const N0 = 20_000;
  const rows = [];
  const buf = new Uint8Array(1024);
  for (const c of cases) {
    const bytes = Buffer.from(buf.subarray(0, c.ours(buf)));
    const check = mqttPacket.generate(c.theirs);
    if (!check.equals(bytes)) throw new Error(c.name + ": the two encoders disagree on the bytes");
    const enc = await interleave(
      {
        ours: timed((n) => { for (let i = 0; i < n; i++) c.ours(buf); }, ms, N0),
        theirs: timed((n) => { for (let i = 0; i < n; i++) mqttPacket.generate(c.theirs); }, ms, N0),
        limit: timed((n) => { for (let i = 0; i < n; i++) buf.set(bytes, 0); }, ms, N0),
      },
      reps,
    );
    rows.push({ what: "encode " + c.name, ours: enc.ours, theirs: enc.theirs, limit: enc.limit });
    if (!c.decode) continue;
    const d = m.createDecoder(1024);
    const parser = mqttPacket.parser();
    let seen = 0;
    parser.on("packet", () => seen++);
    const dec = await interleave(
      {
        ours: timed((n) => { for (let i = 0; i < n; i++) m.decode(d, bytes, 0); }, ms, N0),
        oursTopic: timed((n) => { for (let i = 0; i < n; i++) { m.decode(d, bytes, 0); m.strRead(d.buf, d.topic, d.tlen); } }, ms, N0),
        theirs: timed((n) => { for (let i = 0; i < n; i++) parser.parse(bytes); }, ms, N0),
      },
      reps,
    );
    if (d.st != 1 || seen == 0) throw new Error("decoders did not decode");
    rows.push({ what: "decode " + c.name, ours: dec.ours, theirs: dec.theirs });
    rows.push({ what: "decode " + c.name + " + topic string", ours: dec.oursTopic, theirs: dec.theirs });
  }
  // The ratio is the median of each round's ratio: the two ran back to back in that round, so a slow
  // spell of the shared machine slows both, where a ratio of medians can pair a fast run with a slow one.
  return rows.map((r) => ({ ...r, ratio: median(r.ours.map((x, i) => x / r.theirs[i])), spreadOurs: spread(r.ours), spreadTheirs: spread(r.theirs) }));
}
