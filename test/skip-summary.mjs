// The count of suites that left tests out (test/skips.ts records them), for test/run.mjs's summary.

/** The suites in a skip log (one JSON line { file, why } a skip): { count, text } naming files and reasons. */
export function skippedSuites(jsonl) {
  const byFile = new Map();
  for (const l of jsonl.split("\n")) {
    if (!l.trim()) continue;
    const { file, why } = JSON.parse(l);
    if (!byFile.has(file)) byFile.set(file, new Set());
    byFile.get(file).add(why);
  }
  const whys = new Set([...byFile.values()].flatMap((s) => [...s]));
  return { count: byFile.size, text: byFile.size ? `${[...byFile.keys()].sort().join(", ")} (${[...whys].join("; ")})` : "" };
}

/** uvu's summary with its "Skipped: N" line saying also how many suites left tests out, and which. */
export function withSkippedSuites(summary, k) {
  return summary.replace(/^(\s*Skipped:\s+)(\d+)(.*)$/m, (_, a, n, rest) => `${a}${n} test(s), ${k.count} suite(s)${k.count ? " with tests left out: " + k.text : ""}${rest}`);
}
