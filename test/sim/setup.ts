// Test harness: a virtual clock, the scripted broker, the simulated net and a client, wired together.
// `impls` lists the client implementations every behaviour test runs against: the TypeScript source,
// and the built minified device bundle (what a board actually runs).
import { readFileSync } from "node:fs";
import * as assert from "uvu/assert";
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

/**
 * The build-time features of src/features.ts that a build has (issue 29). A test that needs some names
 * them with needs(); on a build without them it is skipped with one line.
 */
export type Feature = "v31" | "qos2" | "bin" | "tls" | "check" | "text" | "fast" | "cb";
export const ALL: Feature[] = ["v31", "qos2", "bin", "tls", "check", "text", "fast", "cb"];
export const features: Record<string, Feature[]> = { src: ALL, min: ALL, lite: [] };

// MQTTINY_IMPLS=src (a comma list) narrows it: `npm run mutate` sets it, as a mutant in src/ reaches the
// bundles only after a rebuild.
const only = process.env.MQTTINY_IMPLS;
export const impls: [string, Create][] = ([
  ["src", srcCreate],
  ["min", (o) => loadBundle("build/mqttiny.min.js", { E }).createClient(o)],
  ["lite", (o) => loadBundle("build/mqttiny-lite.min.js", { E }).createClient(o)],
] as [string, Create][]).filter(([name]) => !only || only.split(",").indexOf(name) >= 0);

const skipped = new Set<string>();
/**
 * Does build `impl` have every feature in `need`? When not, prints one line (once per test title) and
 * the caller registers no test: `if (needs(name, ["qos2"], title)) t(title, ...)`.
 */
export function needs(impl: string, need: Feature[], title: string): boolean {
  const miss = need.filter((f) => !features[impl].includes(f));
  if (!miss.length) return true;
  const k = impl + " " + title;
  if (!skipped.has(k)) {
    skipped.add(k);
    console.log(`  skipped on ${impl} (no ${miss.join(", ")}): ${title}`);
  }
  return false;
}

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

/** What an error thrown at a call must say: `want`, or on a build without "text" its code's form. */
export function msg(impl: string, want: RegExp): RegExp {
  return features[impl].includes("text") ? want : /^mqttiny /;
}

/**
 * The error `e` says `want` (a pattern or the exact text): on a build without the "text" feature its
 * message is "mqttiny " + its code (the README's error table gives the words), which is checked instead.
 */
export function says(impl: string, e: any, want: RegExp | string): void {
  if (features[impl].includes("text")) {
    if (typeof want == "string") assert.is(e.message, want);
    else assert.match(e.message, want);
  } else assert.ok(String(e.message).startsWith("mqttiny " + e.code), `"${e.message}" is "mqttiny ${e.code}"`);
}
