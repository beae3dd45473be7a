// The Espruino-only checks in es5Problems: code that acorn, V8 and Duktape accept but the Espruino
// interpreter does not (see "Espruino specifics" in the shared MQTT notes). Each rule fires on a small
// bad snippet and stays silent on the corrected one; then the built bundles and the device program
// must be clean.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { CODEC, DEVICE, DEVICE_READABLE, DEVICE_LITE, DEVICE_LITE_READABLE, DEVICE_SN, DEVICE_SN_READABLE, DEVICE_SN_LITE, es5Problems, slashInClass } from "./bundle-helpers";

const NO_VAR_HOISTING = "(Espruino does not hoist var)";
const NO_FN_HOISTING = "(Espruino does not hoist functions)";

// ---- a. `/` inside a regex character class
const regex = suite("lint: / inside a regex class");

regex("an unescaped / inside [...] is flagged with the pattern and its position", () => {
  assert.equal(es5Problems("var re = /[^/]+/;"), ["regex /[^/]+/ at 1:10 has an unescaped / inside [...] (Espruino ends the literal there; write \\/)"]);
});

regex("the same class with \\/ is clean", () => {
  assert.equal(es5Problems("var re = /[^\\/]+/;"), []);
});

regex("slashInClass: index of the first / inside a class, escapes and class ends respected", () => {
  const cases: [string, number][] = [
    ["[^/]", 2], // the bug
    ["[^\\/]", -1], // escaped: fine
    ["a\\/b", -1], // outside a class (must be escaped in a literal anyway)
    ["[a]\\/", -1], // the class ended before it
    ["\\[/", -1], // `\[` does not open a class
    ["[\\]/]", 3], // `\]` does not close it
    ["[a-z]+/?[/]", 9], // the second class
  ];
  for (const [pattern, at] of cases) assert.is(slashInClass(pattern), at, pattern);
});

// ---- b. assignment to .length
const length = suite("lint: assignment to .length");

length("=, +=, ++ and ['length'] writes are each flagged with their position", () => {
  assert.equal(es5Problems('a.length = 0; b.length += 1; c.length++; --d.length; e["length"] = 2;'), [
    "assignment = to .length at 1:1 (Espruino 2v19+ cannot assign an array's length; use splice)",
    "assignment += to .length at 1:15 (Espruino 2v19+ cannot assign an array's length; use splice)",
    "++ on .length at 1:30 (Espruino 2v19+ cannot assign an array's length; use splice)",
    "-- on .length at 1:42 (Espruino 2v19+ cannot assign an array's length; use splice)",
    "assignment = to .length at 1:54 (Espruino 2v19+ cannot assign an array's length; use splice)",
  ]);
});

length("splice and reads of .length are clean", () => {
  assert.equal(es5Problems("a.splice(0, a.length); var n = a.length; if (a.length == 0) n++;"), []);
});

// ---- c. var used where only hoisting would make it the declared one
const hoistVar = suite("lint: var used before its declaration has run");

hoistVar("a var written before its var statement is flagged", () => {
  assert.equal(es5Problems("function f() { n = 1; var n; return n; }"), [`var n used at 1:16 where its declaration at 1:27 may not have run ${NO_VAR_HOISTING}`]);
});

hoistVar("the same var declared first is clean", () => {
  assert.equal(es5Problems("function f() { var n; n = 1; return n; }"), []);
});

hoistVar("a var declared inside an if branch and read after the if is flagged", () => {
  assert.equal(es5Problems("function f(c) { if (c) { var n = 1; } return n; }"), [`var n used at 1:46 where its declaration at 1:30 may not have run ${NO_VAR_HOISTING}`]);
});

hoistVar("the same var declared before the if (terser's hoist_vars shape) is clean", () => {
  assert.equal(es5Problems("function f(c) { var n; if (c) { n = 1; } else { n = 2; } return n; }"), []);
});

hoistVar("a var declared in one switch case and used in another is flagged", () => {
  assert.equal(es5Problems("function f(k) { switch (k) { case 1: var n = 1; break; case 2: n = 2; } }"), [
    `var n used at 1:64 where its declaration at 1:42 may not have run ${NO_VAR_HOISTING}`,
  ]);
});

hoistVar("a var declared in a try block and read after it is flagged", () => {
  assert.equal(es5Problems("function f() { try { var n = g(); } catch (e) {} return n; }"), [`var n used at 1:57 where its declaration at 1:26 may not have run ${NO_VAR_HOISTING}`]);
});

hoistVar("a for loop's var is in scope in its test, update, body and after the loop; so is a bare block's", () => {
  assert.equal(es5Problems("function f(o) { for (var i = 0; i < 3; i++) i; for (var k in o) k; { var b = 1; } return i + k + b; }"), []);
});

hoistVar("a nested function may use a var declared later: it runs later", () => {
  assert.equal(es5Problems("function f() { var g = function () { return n; }; var n = 1; return g; }"), []);
});

hoistVar("a function declaration called before a var it uses is declared is flagged at the call", () => {
  assert.equal(es5Problems("function get() { return n; } get(); var n = 1;"), [`var n used at 1:25 (run by the call at 1:30) where its declaration at 1:41 may not have run ${NO_VAR_HOISTING}`]);
});

hoistVar("the same call after the var is clean", () => {
  assert.equal(es5Problems("function get() { return n; } var n = 1; get();"), []);
});

// ---- d. function declaration used before its declaration statement has run
const hoistFn = suite("lint: function used before its declaration has run");

hoistFn("an object literal naming a function declared later in the same function is flagged", () => {
  // createClient's shape: c = {publish: publish} before `function publish`.
  assert.equal(es5Problems("function create() { var c = { publish: publish }; function publish() { return c; } return c; }"), [
    `function publish used at 1:40 where its declaration at 1:60 may not have run ${NO_FN_HOISTING}`,
  ]);
});

hoistFn("the same object built after the declaration is clean", () => {
  assert.equal(es5Problems("function create() { var c; function publish() { return c; } c = { publish: publish }; return c; }"), []);
});

hoistFn("a top-level call before the declaration is flagged", () => {
  assert.equal(es5Problems("start(); function start() {}"), [`function start used at 1:1 where its declaration at 1:19 may not have run ${NO_FN_HOISTING}`]);
});

hoistFn("a call through another function that runs before the declaration is flagged at the outer call", () => {
  assert.equal(es5Problems("function a() { return b(); } a(); function b() { return 1; }"), [
    `function b used at 1:23 (run by the call at 1:30) where its declaration at 1:44 may not have run ${NO_FN_HOISTING}`,
  ]);
});

hoistFn("an immediately invoked function runs where it is called", () => {
  assert.equal(es5Problems("(function () { g(); })(); function g() {}"), [`function g used at 1:16 (run by the call at 1:1) where its declaration at 1:36 may not have run ${NO_FN_HOISTING}`]);
});

hoistFn("functions declared later but used only in callbacks, or called after every declaration, are clean", () => {
  assert.equal(es5Problems("function arm() { setTimeout(tick, 10); } function tick() { arm(); } arm(); function f() { return function () { return g(); }; } function g() {}"), []);
});

// ---- e. a binary + or - followed by the same sign
const merge = suite("lint: + + and - - that pretokenising merges");

merge("a binary + or - before a unary or prefix operator of the same sign is flagged with its position", () => {
  assert.equal(es5Problems('x = "to " + +a; y = a - -b; z = a + ++b;'), [
    "+ + at 1:11 (pretokenised for upload it becomes ++; write +(+...) or drop the unary +)",
    "- - at 1:23 (pretokenised for upload it becomes --; write -(-...) or drop the unary -)",
    "+ ++ at 1:35 (pretokenised for upload it becomes ++; write +(++...) or drop the unary +)",
  ]);
});

merge("mixed signs, parentheses, a string operand and a postfix ++ before + are clean", () => {
  assert.equal(es5Problems('x = a + -b; y = a + (+b); z = a + "+"; w = a++ + b;'), []);
});

// ---- the built bundles and the device program
const files = suite("lint: built bundles and the device program");

for (const file of [DEVICE, DEVICE_READABLE, DEVICE_LITE, DEVICE_LITE_READABLE, DEVICE_SN, DEVICE_SN_READABLE, DEVICE_SN_LITE, CODEC, "device/telemetry.js", "build/mqttiny-persist.min.js", "build/mqttiny-persist.js", "build/mqttiny-sn-persist.min.js", "build/mqttiny-sn-persist.js", "device/telemetry-sleep.js", "device/telemetry-sleep-sn.js"]) {
  files(`${file} has nothing Espruino or an ES5 engine would trip on`, () => {
    assert.equal(es5Problems(readFileSync(file, "utf8")), []);
  });
}

regex.run();
length.run();
hoistVar.run();
hoistFn.run();
merge.run();
files.run();
