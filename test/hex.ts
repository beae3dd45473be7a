// Byte vectors written as in the spec: hex bytes, one field per line, `#` starts a comment.
export function hex(...lines: string[]): Uint8Array {
  const s = lines.map((l) => l.replace(/#.*/, "")).join(" ").replace(/\s+/g, "");
  if (s.length % 2) throw new Error("odd hex: " + s);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

export function toHex(b: ArrayLike<number>, from = 0, to = b.length): string {
  let s = "";
  for (let i = from; i < to; i++) s += (i > from ? " " : "") + (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s.toUpperCase();
}

