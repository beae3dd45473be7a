// Features chosen at build time, all in one place. rollup.config.js replaces each `__NAME__` with true or
// false per build (the `features()` plugin, as `raw()` does for __RAW__), and terser drops the code of a
// feature switched off: it is gone from the bundle, not skipped at run time. Where no build replaced
// them (the TypeScript source run by the tests, the Node build) every feature is on.
//
// What each costs in build/mqttiny.min.js (bytes minified; blocks on the ESP8266 layout of the
// interpreter, module from Storage, as `npm run build` and test/espruino-load.test.ts measure them):
//   V31    MQTT 3.1 (protocol: 3): the MQIsdp CONNECT, its client id rule      ~150 B
//   QOS2   inbound QoS 2: PUBREC/PUBREL/PUBCOMP, the id table (qos2 option)   ~300 B, 2 blocks + the table
//   BIN    binary payloads: Uint8Array publish, `binary: true` delivery        ~150 B
//   TLS    tls, ca, cert, key on the Espruino transport                        ~300 B, 1 function
//   CHECK  range checks of the numeric options, client id, will and password
//          rules (a wrong type still throws without it: `npm run flash` checks
//          device/config.json before an upload)                              ~900 B
//   TEXT   error messages in words (without it: the code and the build name;
//          the README's error table gives the full meaning)                   ~1,300 B
//   FAST   the board's short paths, each the same result as the general one: a
//          reading's publish() built inline, a run of PUBACKs in one compare,
//          a window's first sends in one write, PUBACK framing, plain filters ~1,600 B
//   CB     a callback per subscription (subscribe(filter, cb)) and the filter
//          match it needs; without it every message goes to `message`         ~900 B
// The lite build (build/mqttiny-lite.min.js, for the ESP8266 from a RAM string) has them all off.
// Calling a feature that a build lacks throws an error with code "build" that names the build to use
// (lacks() below); the one exception, as issue 29 asks: a QoS 2 subscribe is made as QoS 1.
import type { CodedError } from "./events";

declare const __V31__: boolean;
declare const __QOS2__: boolean;
declare const __BIN__: boolean;
declare const __TLS__: boolean;
declare const __CHECK__: boolean;
declare const __TEXT__: boolean;
declare const __FAST__: boolean;
declare const __CB__: boolean;

export const V31 = typeof __V31__ == "undefined" || __V31__;
export const QOS2 = typeof __QOS2__ == "undefined" || __QOS2__;
export const BIN = typeof __BIN__ == "undefined" || __BIN__;
export const TLS = typeof __TLS__ == "undefined" || __TLS__;
export const CHECK = typeof __CHECK__ == "undefined" || __CHECK__;
export const TEXT = typeof __TEXT__ == "undefined" || __TEXT__;
export const FAST = typeof __FAST__ == "undefined" || __FAST__;
export const CB = typeof __CB__ == "undefined" || __CB__;

/** The error for a feature this build left out: code "build", and the build that has it. */
export function lacks(what: string): CodedError {
  // Not fail(): a build without TEXT strips fail()'s words, and these must stay.
  const e = new Error(what + " needs mqttiny (full)") as CodedError;
  e.code = "build";
  return e;
}
