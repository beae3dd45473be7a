// One broker node of the loopback cluster (device/emulator/cluster.mjs starts one process per node, so a
// node can die by SIGKILL as a real one does): aedes on 127.0.0.1:PORT, its sessions, subscriptions and
// held messages in the shared redis (aedes-persistence-redis), its publishes to the other nodes through
// redis pub/sub (mqemitter-redis).
//   node device/emulator/aedes-node.mjs PORT REDIS_PORT
// Over IPC it reports { ready }, and per client { connect, id, t } when a CONNECT arrives (before it is
// accepted: what a reconnect storm costs a node) and { up, id, t } once the client is connected.
import net from "node:net";
import { Aedes } from "aedes";
import redisPersistence from "aedes-persistence-redis";
import MQEmitterRedis from "mqemitter-redis";

const [port, redisPort] = process.argv.slice(2).map(Number);
const redis = { host: "127.0.0.1", port: redisPort, family: 4 };
const report = (m) => process.send && process.send(m);

const broker = await Aedes.createBroker({ persistence: redisPersistence(redis), mq: MQEmitterRedis(redis) });
broker.preConnect = (client, packet, done) => {
  report({ connect: true, id: packet.clientId, t: Date.now() });
  done(null, true);
};
broker.on("client", (client) => report({ up: true, id: client.id, t: Date.now() }));
const server = net.createServer(broker.handle);
server.on("error", (e) => {
  console.error(`aedes node on ${port}: ${e.message}`);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => report({ ready: true, port }));
// The parent gone (a crash, Ctrl-C twice): this node goes too.
process.on("disconnect", () => process.exit(0));
