// Topic name <-> topic id, bounded: ids the gateway gave in REGACK or SUBACK, or sent in REGISTER.
// Two parallel arrays, oldest first; when full, the oldest registration is forgotten (a topic
// published again is simply registered again). Predefined topics live in a registry of their own that
// nothing evicts. Linear search: registries hold tens of names, and this is all Espruino has.

export interface Reg {
  n: string[];
  i: number[];
  /** Largest number of entries; 0 = unbounded (predefined topics). */
  z: number;
}

export function regCreate(max: number): Reg {
  return { n: [], i: [], z: max };
}

/** The id registered for `name`, or 0. */
export function regId(g: Reg, name: string): number {
  const k = g.n.indexOf(name);
  return k < 0 ? 0 : g.i[k];
}

/** The name registered for `id`, or null. */
export function regName(g: Reg, id: number): string | null {
  const k = g.i.indexOf(id);
  return k < 0 ? null : g.n[k];
}

/** Record name <-> id; an older entry with either the name or the id is replaced. */
export function regPut(g: Reg, name: string, id: number): void {
  regDrop(g, name);
  const k = g.i.indexOf(id);
  if (k >= 0) {
    g.n.splice(k, 1);
    g.i.splice(k, 1);
  }
  if (g.z && g.n.length >= g.z) {
    g.n.shift();
    g.i.shift();
  }
  g.n.push(name);
  g.i.push(id);
}

export function regDrop(g: Reg, name: string): void {
  const k = g.n.indexOf(name);
  if (k >= 0) {
    g.n.splice(k, 1);
    g.i.splice(k, 1);
  }
}

/** Forget every registration (a new connection: the gateway's ids were for the old one). */
export function regClear(g: Reg): void {
  g.n = [];
  g.i = [];
}
