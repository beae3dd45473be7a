// Shared measuring helpers: every comparison is repeated with the contenders interleaved, and reported
// as median and spread (max-min over median), because the machines are shared and noisy.
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function spread(xs) {
  const m = median(xs);
  return m ? (Math.max(...xs) - Math.min(...xs)) / m : 0;
}

/** Run each contender `reps` times, interleaved; each run returns ops/s. Returns { name: [rates] }. */
export async function interleave(contenders, reps) {
  const out = {};
  for (const k of Object.keys(contenders)) out[k] = [];
  for (let r = 0; r < reps; r++) for (const [k, f] of Object.entries(contenders)) out[k].push(await f());
  return out;
}

/** ops/s of `fn(n)` doing n operations, timed with hrtime. */
export function rate(fn, n) {
  const t0 = process.hrtime.bigint();
  fn(n);
  const ns = Number(process.hrtime.bigint() - t0);
  return (n * 1e9) / ns;
}

export const fmt = (x) => (x >= 1e6 ? (x / 1e6).toFixed(2) + " M" : x >= 1e3 ? (x / 1e3).toFixed(1) + " k" : x.toFixed(0));
export const pct = (x) => "±" + (x * 50).toFixed(0) + "%";
