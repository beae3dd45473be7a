// Test harness: a virtual clock, the scripted broker, the simulated net and a client, wired together.
// `impls` lists the client implementations every behaviour test runs against: the TypeScript source,
// and the built minified device bundle (what a board actually runs).
import { readFileSync } from "node:fs";
import { virtualClock } from "./clock";
import type { VirtualClock } from "./clock";
import { createBroker } from "./broker";
import type { SimBroker } from "./broker";
import { createNet } from "./net";
import type { NetOptions, SimNet } from "./net";
import { createClient as srcCreate } from "../../src/client";
import type { Client, ClientOptions } from "../../src/client";

export type Create = (o: ClientOptions) => Client;

/** Load a built CommonJS bundle (Espruino-style `exports.x = ...`) into a fresh module object. */
export function loadBundle(file: string, globals: Record<string, unknown> = {}): any {
  const exports: any = {};
  const names = Object.keys(globals);
  new Function("exports", "module", ...names, readFileSync(file, "utf8"))(exports, { exports }, ...names.map((n) => globals[n]));
  return exports;
}

/** The natives the device bundle uses, as Espruino defines them (strings are bytes). */
export const E = {
  toString: (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.length).toString("latin1"),
  toUint8Array: (s: string) => new Uint8Array(Buffer.from(s, "latin1")),
};

// MQTTINY_IMPLS=src (a comma list) narrows it: `npm run mutate` sets it, as a mutant in src/ reaches the
// bundle only after a rebuild.
const only = process.env.MQTTINY_IMPLS;
export const impls: [string, Create][] = ([
  ["src", srcCreate],
  ["min", (o) => loadBundle("build/mqttiny.min.js", { E }).createClient(o)],
] as [string, Create][]).filter(([name]) => !only || only.split(",").indexOf(name) >= 0);

export interface Rig {
  clock: VirtualClock;
  broker: SimBroker;
  net: SimNet;
  client: Client;
  events: string[];
  errors: any[];
  messages: [string, any][];
  /** Advance virtual time until the client is connected (state 3). */
  up(limit?: number): void;
}

export function rig(create: Create, opts: Partial<ClientOptions> = {}, netOpts: NetOptions = {}, broker: SimBroker = createBroker()): Rig {
  const clock = virtualClock(1_000_000);
  const net = createNet(clock, broker, netOpts);
  const client = create({ transport: net.transport, clock, clientId: "t1", random: () => 0.5, ...opts } as ClientOptions);
  const r: Rig = {
    clock,
    broker,
    net,
    client,
    events: [],
    errors: [],
    messages: [],
    up(limit = 10_000) {
      if (!clock.until(() => client.state() == 3, limit)) throw new Error("client did not connect; errors: " + r.errors.map((e) => e.message).join("; "));
    },
  };
  client.on("connected", (a: any) => r.events.push("connected" + (a && a.sessionPresent ? "+session" : "")));
  client.on("offline", () => r.events.push("offline"));
  client.on("close", () => r.events.push("close"));
  client.on("error", (e: any) => {
    r.events.push("error");
    r.errors.push(e);
  });
  client.on("message", (t: string, p: any) => r.messages.push([t, p]));
  return r;
}

/** Packets of one kind the broker received, over all connections. */
export function got(r: Rig, cmd: string) {
  return r.broker.log.filter((p) => p.cmd == cmd);
}
