// Espruino's Storage as persist.ts uses it, in memory, with its rules (src/jsflash.c, 2v29): a write at
// offset 0 makes a new file of `size` bytes, the rest erased (0xFF); any other write goes into an existing
// file and throws unless every byte it covers is still erased; erase drops a file. Counts what a flash
// would see (bytes programmed, files made and erased) and can cut the power after a given number of
// bytes: the write then stops part way and throws PowerCut.
export class PowerCut extends Error {}

export interface FakeFlash {
  files: Map<string, Uint8Array>;
  read(name: string, off: number, len: number): string | undefined;
  write(name: string, data: string, off: number, size?: number): boolean;
  erase(name: string): void;
  /** Bytes programmed, files made, files erased. */
  written: number;
  made: number;
  erased: number;
  /** Bytes left before the power is cut; -1 never. */
  cut: number;
}

export function fakeFlash(): FakeFlash {
  const f: FakeFlash = {
    files: new Map(),
    written: 0,
    made: 0,
    erased: 0,
    cut: -1,
    read(name, off, len) {
      const b = f.files.get(name);
      if (!b) return undefined;
      return Buffer.from(b.subarray(Math.min(off, b.length), Math.min(off + len, b.length))).toString("latin1");
    },
    write(name, data, off, size) {
      const d = Buffer.from(data, "latin1");
      let b = f.files.get(name);
      if (!off) {
        if (b) f.erase(name);
        // The header (32 bytes on a board) goes first: a cut there leaves no file.
        if (f.cut >= 0 && f.cut < 32) {
          f.cut = 0;
          throw new PowerCut("power cut making " + name);
        }
        if (f.cut >= 0) f.cut -= 32;
        b = new Uint8Array(size || d.length).fill(255);
        f.files.set(name, b);
        f.made++;
      } else {
        if (!b) throw new Error("Unable to find or create file");
        if (off + d.length > b.length) throw new Error("Too much data for file size");
        for (let k = 0; k < d.length; k++) if (b[off + k] != 255) throw new Error("File already written with different data");
      }
      for (let k = 0; k < d.length; k++) {
        if (f.cut == 0) throw new PowerCut("power cut writing " + name);
        if (f.cut > 0) f.cut--;
        b[off + k] &= d[k];
        f.written++;
      }
      return true;
    },
    erase(name) {
      if (f.files.delete(name)) f.erased++;
    },
  };
  return f;
}

/** A copy of the flash as it is now, power restored. */
export function reboot(f: FakeFlash): FakeFlash {
  const g = fakeFlash();
  for (const [k, v] of f.files) g.files.set(k, v.slice());
  return g;
}
