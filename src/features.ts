// Features chosen at build time, all in one place. rollup.config.js replaces each `__NAME__` with true or
// false per build (the `features()` plugin, as `raw()` does for __RAW__), and terser drops the code of a
// feature switched off: it is gone from the bundle, not skipped at run time. Where no build replaced
// them (the TypeScript source run by the tests, the Node build) every feature is on.
//
// What each costs, measured by `node bench/features.mjs` (2026-12-05 09:15 UTC): the lite bundle with that
// one feature flipped, against lite (13,020 B minified, +458 blocks loaded from Storage on the ESP8266
// layout; the full build: 17,352 B, +482 blocks). Bytes are what a RAM-string load pays (the source
// String, then a copy of every function's text: about 8 characters a block each); from Storage the text
// stays in flash and blocks follow the number of functions, which features hardly change.
//   V31    MQTT 3.1 (protocol: 3): the MQIsdp CONNECT, its client id rule            +60 B,   +0 blocks
//   QOS2   inbound QoS 2: PUBREC/PUBREL/PUBCOMP and the id table (qos2 option)     +274 B,   +0
//   BIN    binary payloads: Uint8Array publish, `binary: true` delivery            -28 B,   +0
//          (without it, the checks that refuse them by name cost more than it)
//   TLS    tls, ca, cert, key on the Espruino transport                            +180 B,   +6
//   CHECK  range checks of the numeric options and the port, the password rule
//          (a wrong type still throws without it: `npm run flash` checks the
//          ranges of device/config.json before an upload)                        +213 B,   +0
//   TEXT   error messages in words (without it the message is "mqttiny <code>";
//          the README's error table gives the meaning)                           +1,226 B,  +0
//   FAST   the board's other short paths, each giving what the general path
//          gives: a reading's QoS 1 entry built inline, PUBACK framing, plain
//          filters                                                                +352 B,   +0
//   CB     subscribe()/unsubscribe() callbacks as MQTT.js calls them, the
//          onMessage handler per filter and the filter match it needs; without
//          it every message goes to `message`                                    +760 B,  +16
//   PUB    publish()'s reading path: a QoS 0 PUBLISH of a topic already checked
//          built and written inside publish(), a QoS 1 one put straight into the
//          store (without it lite's QoS 0 publish took 3.4x tinyMQTT's steps on
//          the ESP8266 layout, 3.45 against 1.03 ms; with it 1.05x)               +346 B,   +0
//   ACKS   a run of PUBACKs for the oldest messages taken in one compare, and a
//          window's first sends in one write (lite's 1,000 QoS 1 took 8.6x the
//          time of 1,000 QoS 0 without it, 3.1x with it; full 3.0x in that run)   +391 B,   +7
//   URL    connect(url, opts): mqtt://, mqtts://, credentials and port from a URL
//          (src/url.ts)                                                           +531 B,   +8
//   SRV    failover across `servers` (a transport per broker, the next one on
//          each drop)                                                             +279 B,   +0
//   SUB    MQTT-SN client: subscribe and unsubscribe (the MQTT client always has them)
//   WILL   MQTT-SN client: the will, its updates and the Paho gateway work-around
// The lite build (build/mqttiny-lite.min.js, for the ESP8266) has PUB, ACKS, SUB and WILL on, the rest
// off; the MQTT-SN lite build (build/mqttiny-sn-lite.min.js) has SUB and WILL off too.
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
declare const __PUB__: boolean;
declare const __ACKS__: boolean;
declare const __SUB__: boolean;
declare const __WILL__: boolean;
declare const __URL__: boolean;
declare const __SRV__: boolean;

export const V31 = typeof __V31__ == "undefined" || __V31__;
export const QOS2 = typeof __QOS2__ == "undefined" || __QOS2__;
export const BIN = typeof __BIN__ == "undefined" || __BIN__;
export const TLS = typeof __TLS__ == "undefined" || __TLS__;
export const CHECK = typeof __CHECK__ == "undefined" || __CHECK__;
export const TEXT = typeof __TEXT__ == "undefined" || __TEXT__;
export const FAST = typeof __FAST__ == "undefined" || __FAST__;
export const CB = typeof __CB__ == "undefined" || __CB__;
export const PUB = typeof __PUB__ == "undefined" || __PUB__;
export const ACKS = typeof __ACKS__ == "undefined" || __ACKS__;
export const SUB = typeof __SUB__ == "undefined" || __SUB__;
export const WILL = typeof __WILL__ == "undefined" || __WILL__;
export const URL = typeof __URL__ == "undefined" || __URL__;
export const SRV = typeof __SRV__ == "undefined" || __SRV__;

/** The error for a feature this build left out: code "build", and the build that has it. */
export function lacks(what: string): CodedError {
  // Not fail(): a build without TEXT strips fail()'s words, and these must stay.
  const e = new Error(what + " needs mqttiny (full)") as CodedError;
  e.code = "build";
  return e;
}
