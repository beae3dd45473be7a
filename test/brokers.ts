// Real brokers on loopback for the integration tests: mosquitto from a generated config on a free
// port (password file, TLS listener, persistence as asked), aedes in-process, and a TCP proxy that can
// cut links without a DISCONNECT. Everything binds 127.0.0.1 and is stopped by the test.
import net from "node:net";
import { spawn, execFileSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

async function waitPort(port: number, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const c = net.connect({ host: "127.0.0.1", port }, () => (c.destroy(), r(true)));
      c.on("error", () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error("nothing listens on port " + port);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function mosquittoPath(): string | null {
  for (const p of ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"]) if (existsSync(p)) return p;
  return null;
}

export interface Mosquitto {
  port: number;
  tlsPort?: number;
  /** With `mtls`: a TLS listener that requires a client certificate signed by the test CA. */
  mtlsPort?: number;
  ca?: Buffer;
  /** The files makeCerts wrote (with `tls`). */
  certs?: Certs;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Sends a signal to the running mosquitto (SIGSTOP / SIGCONT make a half-open link). */
  signal(sig: NodeJS.Signals): void;
}

// stop() then start() is a restart that must find the config and the persistence database, so a
// broker's folder outlives stop(): they all go when the test process exits (one exit listener, not one
// per broker: a run starts hundreds).
// Brokers still running then (a test that failed before stop()) are killed first.
const brokerDirs = new Set<string>();
const brokerProcs = new Set<ChildProcess>();
process.once("exit", () => {
  for (const p of brokerProcs) if (p.exitCode == null && p.signalCode == null) p.kill("SIGKILL");
  for (const d of brokerDirs) rmSync(d, { recursive: true, force: true });
});

export async function startMosquitto(o: { users?: Record<string, string>; tls?: boolean; mtls?: boolean; persistence?: boolean } = {}): Promise<Mosquitto> {
  const bin = mosquittoPath();
  if (!bin) throw new Error("mosquitto is not installed (Debian package mosquitto)");
  const dir = mkdtempSync(join(tmpdir(), "mosq-"));
  brokerDirs.add(dir);
  const port = await freePort();
  const lines = ["user root", "per_listener_settings false", `listener ${port} 127.0.0.1`, "log_dest none"];
  if (o.persistence) lines.push("persistence true", `persistence_location ${dir}/`, "autosave_interval 1");
  if (o.users) {
    const pw = join(dir, "passwd");
    writeFileSync(pw, "");
    for (const [u, p] of Object.entries(o.users)) execFileSync("mosquitto_passwd", ["-b", pw, u, p]);
    lines.push("allow_anonymous false", `password_file ${pw}`);
  } else lines.push("allow_anonymous true");
  const m: Mosquitto = { port, stop: async () => {}, start: async () => {}, signal: (sig) => void (proc && proc.kill(sig)) };
  if (o.tls) {
    const tls = makeCerts(dir);
    m.tlsPort = await freePort();
    m.ca = tls.ca;
    m.certs = tls;
    const files = [`cafile ${tls.caFile}`, `certfile ${tls.certFile}`, `keyfile ${tls.keyFile}`];
    lines.push(`listener ${m.tlsPort} 127.0.0.1`, ...files);
    if (o.mtls) {
      m.mtlsPort = await freePort();
      lines.push(`listener ${m.mtlsPort} 127.0.0.1`, ...files, "require_certificate true");
    }
  }
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(conf, lines.join("\n") + "\n");
  let proc: ChildProcess | null = null;
  m.start = async () => {
    const p = (proc = spawn(bin, ["-c", conf], { stdio: "ignore" }));
    brokerProcs.add(p);
    p.once("exit", () => brokerProcs.delete(p));
    await waitPort(port);
    if (m.tlsPort) await waitPort(m.tlsPort);
    if (m.mtlsPort) await waitPort(m.mtlsPort);
  };
  m.stop = async () => {
    const p = proc;
    if (p) p.kill("SIGCONT"); // a stopped mosquitto cannot act on SIGTERM
    proc = null;
    if (!p || p.exitCode != null) return;
    const done = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM"); // mosquitto saves its persistence database on SIGTERM
    await done;
  };
  await m.start();
  return m;
}

export interface Certs {
  caFile: string;
  certFile: string;
  keyFile: string;
  ca: Buffer;
  /** A client certificate for CN=board signed by the CA, and its key (PEM files). */
  clientCertFile: string;
  clientKeyFile: string;
  /** Another CA that signed nothing here: a client trusting only it must refuse the broker. */
  otherCaFile: string;
}

/** A throwaway CA, a server certificate for 127.0.0.1/localhost and a client certificate, made with openssl. */
export function makeCerts(dir: string): Certs {
  const f = (n: string) => join(dir, n);
  const ssl = (...a: string[]) => execFileSync("openssl", a, { stdio: "pipe" });
  ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f("ca.key"), "-out", f("ca.crt"), "-days", "2", "-subj", "/CN=mqttiny test CA");
  ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f("other-ca.key"), "-out", f("other-ca.crt"), "-days", "2", "-subj", "/CN=another CA");
  ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=localhost");
  writeFileSync(f("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  ssl("x509", "-req", "-in", f("server.csr"), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f("server.crt"), "-days", "2", "-extfile", f("ext.cnf"));
  ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f("client.key"), "-out", f("client.csr"), "-subj", "/CN=board");
  ssl("x509", "-req", "-in", f("client.csr"), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f("client.crt"), "-days", "2");
  return {
    caFile: f("ca.crt"),
    certFile: f("server.crt"),
    keyFile: f("server.key"),
    ca: readFileSync(f("ca.crt")),
    clientCertFile: f("client.crt"),
    clientKeyFile: f("client.key"),
    otherCaFile: f("other-ca.crt"),
  };
}

export interface Embedded {
  port: number;
  stop(): Promise<void>;
}

/** aedes in this process; `users` turns on username/password checks (refusal: CONNACK 4). */
export async function startAedes(o: { users?: Record<string, string> } = {}): Promise<Embedded> {
  const { Aedes } = await import("aedes");
  const broker: any = await (Aedes as any).createBroker();
  if (o.users) {
    broker.authenticate = (_c: unknown, user: string, pass: Buffer, cb: (e: any, ok: boolean) => void) => {
      if (o.users![user] != null && pass && pass.toString() == o.users![user]) return cb(null, true);
      const e: any = new Error("bad user name or password");
      e.returnCode = 4;
      cb(e, false);
    };
  }
  const server = net.createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    stop: async () => {
      await new Promise((r) => broker.close(r));
      server.close();
    },
  };
}

/** A loopback TCP proxy; cut() kills every link at once, as a dying Wi-Fi would (no DISCONNECT). */
export async function startProxy(target: number) {
  const socks = new Set<net.Socket>();
  const server = net.createServer((a) => {
    const b = net.connect({ host: "127.0.0.1", port: target });
    socks.add(a);
    socks.add(b);
    a.pipe(b);
    b.pipe(a);
    const kill = () => (a.destroy(), b.destroy(), socks.delete(a), socks.delete(b));
    a.on("error", kill).on("close", kill);
    b.on("error", kill).on("close", kill);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      for (const s of socks) s.resetAndDestroy();
      socks.clear();
    },
    close() {
      this.cut();
      server.close();
    },
  };
}

/** Resolve when `f()` holds, checking every 10 ms; reject after `ms`. */
export async function until(f: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await new Promise((r) => setTimeout(r, 10));
  }
}
