// A minimal sink broker for measuring client speed without a broker ceiling. It runs in a worker
// thread: accepts CONNECT, acknowledges QoS 1 PUBLISH, counts PUBLISH packets, and on SUBSCRIBE
// answers SUBACK and then sends `blast` pre-encoded QoS 0 PUBLISH packets to the subscriber.
import net from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import mqttPacket from "mqtt-packet";

const { blast } = workerData;
const pub = mqttPacket.generate({ cmd: "publish", topic: "sensors/node1/temp", payload: "21.5", qos: 0, retain: false, dup: false });
let counted = 0;

const server = net.createServer((s) => {
  s.setNoDelay(true);
  let buf = Buffer.alloc(0);
  s.on("error", () => {});
  s.on("data", (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let i = 0;
    const acks = [];
    for (;;) {
      if (i + 2 > buf.length) break;
      let len = 0, mul = 1, j = i + 1, x;
      do {
        if (j >= buf.length) { x = -1; break; }
        x = buf[j++];
        len += (x & 127) * mul;
        mul *= 128;
      } while (x & 128);
      if (x < 0 || j + len > buf.length) break;
      const type = buf[i] >> 4;
      if (type == 1) s.write(Buffer.from([0x20, 2, 0, 0]));
      else if (type == 3) {
        counted++;
        if ((buf[i] >> 1) & 3) {
          const tl = (buf[j] << 8) | buf[j + 1];
          acks.push(0x40, 2, buf[j + 2 + tl], buf[j + 3 + tl]);
        }
      } else if (type == 8) {
        s.write(Buffer.from([0x90, 3, buf[j], buf[j + 1], 0]));
        const many = Buffer.alloc(pub.length * 1000);
        for (let k = 0; k < 1000; k++) pub.copy(many, k * pub.length);
        let left = blast;
        const more = () => {
          while (left > 0) {
            const n = Math.min(1000, left);
            left -= n;
            if (!s.write(n == 1000 ? many : many.subarray(0, n * pub.length))) return s.once("drain", more);
          }
        };
        more();
      } else if (type == 12) s.write(Buffer.from([0xd0, 0]));
      i = j + len;
    }
    if (acks.length) s.write(Buffer.from(acks));
    buf = i < buf.length ? buf.subarray(i) : Buffer.alloc(0);
  });
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (m) => {
  if (m == "count") parentPort.postMessage({ counted });
  if (m == "reset") counted = 0;
  if (m == "stop") server.close(() => process.exit(0));
});
