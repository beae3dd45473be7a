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
// aedes writes the PUBACK of a QoS 1 PUBLISH first and hands the message on (to redis) afterwards: a node
// killed in between loses a message its client was told had arrived (the fleet run lost 1 reading in 260
// that way). Here each node hands it on first, as mosquitto does: the publish runs in the authorize step,
// and the publish aedes makes after its PUBACK is skipped for that packet.
const handedOn = Symbol("handed on");
const authorize = broker.authorizePublish;
const publish = broker.publish;
broker.authorizePublish = function (client, packet, done) {
  authorize.call(this, client, packet, (err) => {
    if (err || !client || packet.qos != 1) return done(err);
    publish.call(broker, packet, client, (e) => {
      if (!e) packet[handedOn] = true;
      done(e);
    });
  });
};
broker.publish = function (packet, client, done) {
  if (packet[handedOn]) return (typeof client == "function" ? client : done)();
  return publish.call(this, packet, client, done);
};
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
