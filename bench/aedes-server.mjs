// aedes in its own process for the benchmarks, so the broker does not share an event loop with the
// clients being measured. Prints {"port": N} when listening.
import net from "node:net";
import { Aedes } from "aedes";
const broker = await Aedes.createBroker();
const server = net.createServer(broker.handle);
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
process.on("disconnect", () => process.exit(0));
