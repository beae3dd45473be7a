// Prints the exact byte size of each built bundle (raw and gzipped) against its budget.
// Imported by the size test as well, so the budgets live in one place.
import { readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

// budget: the ceiling the tests enforce, so no change grows a bundle unnoticed.
// target: the goal set for the product (issue 5); the benchmark table reports whether it is met.
export const budgets = {
  // The full board client. On a board bytes stay in flash, while blocks and time are what run out, so
  // bytes were traded for speed (publish() and the store's hot paths written out). The session rules of
  // issue 28 (keepalive bound, QoS 2 slots never evicted, MQTT 3.1 sessions, ids of oversized PUBLISHes)
  // cost about 600 B, and the MQTT.js-shaped API of issue 30 (several listeners, once/off, end(cb),
  // connect(url)) about 1,450 B, failover across `servers` (issue 32) about 400 B: the full build is for
  // boards that load it from Storage. subscribe()/unsubscribe() callbacks as MQTT.js calls them, once at
  // the SUBACK/UNSUBACK (issue 30), about 480 B and 13 blocks connected on the ESP8266 layout (886, measured A/B).
  "build/mqttiny.min.js": { budget: 17400, target: 6000 },
  "build/mqttiny-codec.min.js": { budget: 3900, target: 3000 },
  // The device bundle with persist (issue 31): the QoS 1 store kept in Storage, about 3.7 KB more than
  // mqttiny.min.js, which leaves it out (its hooks fold away there: the same bytes as without them).
  // Its seams on the paths of every publish, PUBACK and record (packet, storeFits, crc, packetAt) are
  // plain calls, not calls terser inlines as immediately called functions (persist-log.ts): +23 B.
  "build/mqttiny-persist.min.js": { budget: 21250, target: 21250 },
  // The MQTT-SN device bundle (issue 13): its target is to be smaller than the MQTT device bundle; its
  // ceiling stops it growing. subscribe()/unsubscribe() callbacks as the MQTT client's (issue 30): 438 B;
  // several listeners with once/off/removeListener, shared with the MQTT client (events.ts): 355 B;
  // end(cb): 76 B; the refusal of `persist` with a clear error (issue 31): 86 B.
  "build/mqttiny-sn.min.js": { budget: 14650, target: "build/mqttiny.min.js" },
  // The MQTT-SN device bundle with persist (issue 31): the same log as mqttiny-persist (persist-log.ts),
  // about 4 KB more than mqttiny-sn.min.js (the log, the MQTT PUBLISH encoder its records use, and the
  // topic ids of a kept session kept beside it).
  "build/mqttiny-sn-persist.min.js": { budget: 18900, target: 18900 },
  // Issue 29: the lite build (src/features.ts), for an ESP8266 loading it from a RAM string. Its target:
  // the ESP8266 layout parses a module from a RAM string only up to about 6.4 KB (the source String takes
  // a block per 7.9 characters while each function's text is copied out of it), and under 6 KB it costs
  // fewer blocks than the Espruino MQTT module (6,139 B, +717). Its budget holds it where it is (11,509 B
  // on 2026-12-05, with publish()'s reading path and the PUBACK runs, PUB and ACKS); 12,797 B with the
  // session rules of issue 28 and the listener API of issue 30 (URL and servers are full only).
  // subscribe()/unsubscribe() written out each so that lite holds no function more (+2 blocks, +39 B).
  "build/mqttiny-lite.min.js": { budget: 13050, target: 6000 },
  // Issue 29: MQTT-SN lite (QoS -1/0/1 publish, keepalive, sleep and wake; no will, no subscribe): smaller
  // than the MQTT lite build is its target; its budget holds it where it is (10,891 B on 2026-12-05;
  // several listeners with once/off and end(cb) as on the MQTT client, issue 30: +416 B; the refusal of
  // `persist`, issue 31: +40 B).
  "build/mqttiny-sn-lite.min.js": { budget: 12100, target: "build/mqttiny-lite.min.js" },
};

export function sizes() {
  const out = [];
  for (const [file, { budget, target }] of Object.entries(budgets)) {
    if (!existsSync(file)) continue;
    const src = readFileSync(file);
    // A target naming another bundle means "smaller than that one".
    const t = typeof target == "string" ? (existsSync(target) ? readFileSync(target).length - 1 : 0) : target;
    out.push({ file, bytes: src.length, gzip: gzipSync(src, { level: 9 }).length, budget, target: t });
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const s of sizes())
    console.log(`${s.file}: ${s.bytes} bytes minified (${s.gzip} gzipped); budget ${s.budget}${s.bytes > s.budget ? " OVER BUDGET" : ""}; target ${s.target}${s.bytes > s.target ? " (not met)" : " (met)"}`);
}
