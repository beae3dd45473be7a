// Topic name <-> topic id, bounded: ids the gateway gave in REGACK or SUBACK, or sent in REGISTER.
// Parallel arrays, oldest first. One table for both directions, as the gateway keeps one per client,
// but the gateway's entries (it named the topic: REGISTER, SUBACK, or it published with the id) are never
// pushed out by ours: it does not name a topic again before publishing to it, so a forgotten one would
// lose every later message on it. Ours are cheap to make again (a REGISTER), so they make room first;
// when the table holds only the gateway's, a registration of ours is refused. Predefined topics live in a
// registry of their own that nothing evicts. Linear search: registries hold tens of names, and indexOf is
// native on Espruino.

/** Entry flags. */
export const enum RF {
  /** The gateway's: not pushed out by a registration of ours. */
  GW = 1,
  /** Known to hold on this connection: publish() may use it (after a lost connection the gateway may have restarted). */
  NOW = 2,
  /**
   * Kept in Storage from an earlier run of a kept session (persist): a QoS 1 PUBLISH may use it, and so
   * makes it NOW (a gateway that forgot it answers "invalid topic id", and it is registered again); a
   * QoS 0 one may not, as Paho 1.5.1 drops a client that sends QoS 0 to an id it does not know.
   */
  KEPT = 4,
}

export interface Reg {
  n: string[];
  i: number[];
  f: number[];
  /** Largest number of entries; 0 = unbounded (predefined topics). */
  z: number;
}

export function regCreate(max: number): Reg {
  return { n: [], i: [], f: [], z: max };
}

/** The id registered for `name` that holds on this connection, or 0. */
export function regId(g: Reg, name: string): number {
  const k = g.n.indexOf(name);
  return k < 0 || !(g.f[k] & RF.NOW) ? 0 : g.i[k];
}

/** regId for a QoS 1 PUBLISH: also an id kept from an earlier run (RF.KEPT), which now counts as holding. */
export function regKept(g: Reg, name: string): number {
  const k = g.n.indexOf(name);
  if (k < 0 || !(g.f[k] & (RF.NOW | RF.KEPT))) return 0;
  g.f[k] |= RF.NOW;
  return g.i[k];
}

/** The name registered for `id`, or null. The gateway used the id: it holds, and is the gateway's now too. */
export function regName(g: Reg, id: number): string | null {
  const k = g.i.indexOf(id);
  if (k < 0) return null;
  g.f[k] = RF.GW | RF.NOW;
  return g.n[k];
}

/**
 * Where a registration of `name` goes: -1 appended, the index of the entry it replaces or pushes out, or
 * -2 no room (only the gateway's entries, and `gw` is 0: a registration of ours).
 */
export function regSpot(g: Reg, name: string, gw: number): number {
  let k = g.n.indexOf(name);
  if (k >= 0 || !g.z || g.n.length < g.z) return k;
  for (k = 0; k < g.f.length && g.f[k] & RF.GW; k++);
  return k < g.f.length ? k : gw ? 0 : -2;
}

/**
 * Record name <-> id with flags `f` (RF); an older entry with either the name or the id is replaced
 * (a gateway may give a freed id to another topic). False when it is ours and there is no room.
 */
export function regPut(g: Reg, name: string, id: number, f: number): boolean {
  const k = regSpot(g, name, f & RF.GW);
  if (k < -1) return false;
  // Ours again for a topic the gateway named stays the gateway's.
  if (k >= 0 && g.n[k] == name) f |= g.f[k];
  cut(g, k);
  cut(g, g.i.indexOf(id));
  g.n.push(name);
  g.i.push(id);
  g.f.push(f);
  return true;
}

function cut(g: Reg, k: number) {
  if (k < 0) return;
  g.n.splice(k, 1);
  g.i.splice(k, 1);
  g.f.splice(k, 1);
}

/** The entry with `id` (every entry, when 0) may no longer hold: registered again before publishing to it. */
export function regOld(g: Reg, id: number): void {
  for (let k = 0; k < g.f.length; k++) if (!id || g.i[k] == id) g.f[k] &= RF.GW;
}

/** Forget every registration (a new session: the gateway's ids were for the old one). */
export function regClear(g: Reg): void {
  g.n = [];
  g.i = [];
  g.f = [];
}
