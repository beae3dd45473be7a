import { deviceSnRows } from "./bench/device.mjs";
import { startGateway } from "./test/sn-gateway.ts";
process.env.ESPRUINO ||= "/work/shared/espruino";
const g = await startGateway({ predefined: [["*", "telemetry/node1/temp", 1]] });
try { console.log(JSON.stringify(await deviceSnRows(process.argv.includes("--quick"), g.port))); } finally { await g.close(); }
