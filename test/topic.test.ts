// Topic filters [MQTT-4.7]: the matching table, and what counts as a valid topic or filter.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { match, validTopic, validFilter } from "../src/topic";

const table: [string, string, boolean][] = [
  ["a/b", "a/b", true],
  ["a/b", "a/c", false],
  ["a/b", "a/b/c", false],
  ["a/b/c", "a/b", false],
  ["a/+", "a/b", true],
  ["a/+", "a/b/c", false],
  ["a/+", "a/", true], // + matches an empty level
  ["a/+", "a", false],
  ["+/+", "/x", true],
  ["+", "a", true],
  ["+", "a/b", false],
  ["a/+/c", "a//c", true],
  ["#", "a/b/c", true],
  ["a/#", "a", true], // # includes the parent level
  ["a/#", "a/b/c", true],
  ["a/#", "ab", false],
  ["a/b/#", "a/b", true],
  ["+/b/#", "x/b/y/z", true],
  ["#", "$SYS/broker/uptime", false], // $ topics are not matched by a leading wildcard
  ["+/broker/uptime", "$SYS/broker/uptime", false],
  ["$SYS/#", "$SYS/broker/uptime", true],
  ["$SYS/+/uptime", "$SYS/broker/uptime", true],
  ["a/$x", "a/$x", true],
  ["sensors/+/temp", "sensors/node1/temp", true],
  ["sensors/+/temp", "sensors/node1/hum", false],
  ["a//b", "a//b", true],
  ["a/b/", "a/b/", true],
  ["a/b/", "a/b", false],
  ["/", "/", true],
  ["/+", "/x", true],
];

for (const [f, topic, want] of table) test(`filter ${f} ${want ? "matches" : "does not match"} ${topic}`, () => assert.is(match(f, topic), want));

test("topic names: no wildcards, no NUL, not empty", () => {
  assert.equal(["a", "a/b", "/", "a b", "$SYS/x"].map(validTopic), [true, true, true, true, true]);
  assert.equal(["", "a/+", "#", "a\0", null, 1].map(validTopic), [false, false, false, false, false, false]);
});

test("topic filters: + fills a level, # is last and alone", () => {
  assert.equal(["#", "+", "a/#", "+/b/#", "a/+/c", "/+", "+/"].map(validFilter), [true, true, true, true, true, true, true]);
  assert.equal(["", "a#", "a/#/b", "a+", "+a", "a/b+", "##", "a\0"].map(validFilter), [false, false, false, false, false, false, false, false]);
  // '#' is the last character, even before a line break (a regex's `.` would have let "\n" follow it).
  assert.equal(["a/#\n", "#\n", "a/+\n"].map(validFilter), [false, false, false]);
});

test("topic filters: the checks by indexOf agree with the grammar's regular expression on every filter of up to 6 of a / + # NUL", () => {
  // [MQTT-4.7.1-2, 4.7.1-3] as one expression: the reference the indexOf checks (no RegExp held on a board) must match.
  const bad = /\0|[^/]#|#.|[^/]\+|\+[^/]/;
  const abc = ["a", "/", "+", "#", "\0"];
  let n = 0;
  const walk = (f: string) => {
    if (f) {
      n++;
      if (validFilter(f) != !bad.test(f)) assert.unreachable("disagree on " + JSON.stringify(f));
      if (validTopic(f) != !/[+#\0]/.test(f)) assert.unreachable("topic disagrees on " + JSON.stringify(f));
    }
    if (f.length < 6) for (const ch of abc) walk(f + ch);
  };
  walk("");
  assert.is(n, 19530);
});

// The spec's rule level by level, as plainly as it can be written: what match() (with its native fast
// paths for a whole topic and a "prefix/#" filter) must agree with.
function reference(f: string, t: string): boolean {
  const fs = f.split("/");
  const ts = t.split("/");
  if (t[0] == "$" && (f[0] == "+" || f[0] == "#")) return false;
  for (let i = 0; i < fs.length; i++) {
    if (fs[i] == "#") return true;
    if (i >= ts.length || (fs[i] != "+" && fs[i] != ts[i])) return false;
  }
  return fs.length == ts.length;
}

test("match agrees with the level-by-level rule on 20,000 random filters and topics", () => {
  let seed = 7;
  const r = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const levels = ["", "a", "b", "ab", "$x"];
  for (let k = 0; k < 20000; k++) {
    const t = Array.from({ length: 1 + r(4) }, () => levels[r(levels.length)]).join("/");
    const fl = Array.from({ length: 1 + r(4) }, () => ["+", "a", "b", "", "ab"][r(5)]);
    if (r(2)) fl.push("#");
    const f = fl.join("/");
    if (!t || !validFilter(f)) continue;
    assert.is(match(f, t), reference(f, t), `${f} vs ${t}`);
  }
});

test.run();
