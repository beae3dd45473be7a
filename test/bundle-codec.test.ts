// The built codec bundle: ES5 only, no helpers, runs on Duktape (a strict ES5 engine), inside its budget.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { CODEC, DEVICE, DEVICE_LITE, DEVICE_SN, DEVICE_SN_LITE, es5Problems, runDuk, hasDuk, walk } from "./bundle-helpers";
import { sizes } from "./size.mjs";
import { skipped } from "./skips";
import * as acorn from "acorn";

const t = suite("codec bundle");

t("parses as ES5 and uses nothing newer (acorn, ecmaVersion 5)", () => {
  assert.equal(es5Problems(readFileSync(CODEC, "utf8")), []);
});

t("es5Problems finds what Espruino would trip on", () => {
  assert.equal(es5Problems("var m = new Map(); x: for(;;){break x}; Object.assign({}, {}); __extends(a, b);").sort(), [
    "ES2015+ global Map",
    "Object.assign",
    "TypeScript helper __extends",
    "label x (Espruino has no labels)",
  ]);
  assert.ok(es5Problems("let a = 1")[0].startsWith("not ES5"));
});

t("encodes CONNECT and PUBLISH and decodes a PUBLISH under duk", () => {
  if (!hasDuk()) {
    if (process.env.CI) assert.unreachable("duk (Debian package duktape) is required in CI");
    skipped("duk is not installed");
    console.log("  (duk not installed: skipped outside CI)");
    return;
  }
  const out = runDuk(CODEC, `
    function hex(b, n) { var s = []; for (var i = 0; i < n; i++) s.push((b[i] < 16 ? '0' : '') + b[i].toString(16)); return s.join(' '); }
    var b = new Uint8Array(64);
    var n = lib.encodeConnect(b, 0, { clientId: 'e1', keepalive: 60 });
    print(hex(b, n));
    n = lib.encodePublish(b, 0, 'a/b', 'hi', 1, false, false, 10);
    print(hex(b, n));
    var d = lib.createDecoder(64);
    lib.decode(d, b.subarray(0, 5), 0);
    print(d.st);
    lib.decode(d, b.subarray(5, n), 0);
    print(d.st, d.type, d.qos, d.id, lib.strRead(d.buf, d.topic, d.tlen), lib.strRead(d.buf, d.pay, d.plen));
    lib.decode(d, String.fromCharCode(0x30, 0x05, 0x00, 0x01, 0x74, 0xb0, 0x43), 0);
    print(d.st, d.type, d.plen, d.buf[d.pay]);
  `);
  assert.is(out, "10 0e 00 04 4d 51 54 54 04 02 00 3c 00 02 65 31\n32 09 00 03 61 2f 62 00 0a 68 69\n0\n1 3 1 10 a/b hi\n1 3 2 176\n");
});

t("no function is defined inside a call, except in the once-per-client factory: Espruino copies a function's text each time its definition runs", () => {
  // The factory (what exports.connect calls) runs once per client; terser writes one-call helpers out in
  // it (/*@__INLINE__*/) so that the module holds fewer functions. Anywhere else a definition would run per
  // packet or per publish.
  for (const file of [CODEC, DEVICE, DEVICE_LITE, DEVICE_SN, DEVICE_SN_LITE]) {
    const src = readFileSync(file, "utf8");
    const ast = acorn.parse(src, { ecmaVersion: 5 });
    const factory = (src.match(/exports\.connect=function\([\w$,]+\)\{(?:[^{}]*;)?return ([\w$]+)\(/) || [])[1];
    let iifes = 0;
    let outside = 0;
    for (const top of (ast as any).body) {
      walk(top, (n) => {
        if (n.type == "CallExpression" && n.callee.type == "FunctionExpression") {
          iifes++;
          if (!(top.type == "FunctionDeclaration" && top.id.name == factory)) outside++;
        }
      });
    }
    assert.is(outside, 0, file + " has " + outside + " immediately invoked function expressions outside its factory " + factory);
    if (file != CODEC) assert.ok(factory, file + ": exports.connect found");
  }
});

t("size is inside its budget", () => {
  for (const s of sizes()) {
    console.log(`  ${s.file}: ${s.bytes} bytes minified, ${s.gzip} gzipped (budget ${s.budget})`);
    assert.ok(s.bytes <= s.budget, `${s.file} is ${s.bytes} bytes, budget ${s.budget}`);
  }
});

t.run();
