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

/**
 * Run each contender `reps` times, interleaved; each run returns ops/s. Returns { name: [rates] }.
 * First `warm` untimed rounds (JIT compilation, connections and caches warmed for every contender
 * alike), and the order rotates from round to round, so none always runs first or always follows the
 * same one. No forced GC between runs: right after one, V8's young generation is small again and an
 * allocating contender (mqtt-packet: 285-645 k ops/s after gc() against 486-1,139 k without, in
 * 40,000-op runs) would be measured slower than it runs.
 */
export async function interleave(contenders, reps, warm = 1) {
  const keys = Object.keys(contenders);
  const out = {};
  for (const k of keys) out[k] = [];
  for (let r = -warm; r < reps; r++)
    for (let j = 0; j < keys.length; j++) {
      const k = keys[(j + Math.max(r, 0)) % keys.length];
      const x = await contenders[k]();
      if (r >= 0) out[k].push(x);
    }
  return out;
}

/**
 * A contender for interleave() that runs `fn(n)` (n operations) for about `ms` milliseconds a run: n is
 * set from its first (warm-up) run of `n0` operations, so a fast contender is not timed over a few
 * milliseconds, where one scheduler hiccup moves its rate by tens of percent.
 */
export function timed(fn, ms, n0) {
  let n = 0;
  return () => {
    if (n) return rate(fn, n);
    const r = rate(fn, n0);
    n = Math.max(n0, Math.round((r * ms) / 1000));
    return r;
  };
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
