// mqttiny telemetry node in deep-sleep mode (issue 31), for battery nodes: each wake takes one reading,
// connects, sends the readings held in Storage and the new one, waits up to CONFIG.deadline seconds
// (default 10) for their PUBACKs, then deep sleeps CONFIG.sleep seconds (ESP8266.deepSleep /
// ESP32.deepSleep restart the chip; on the desktop interpreter the process ends and the next wake is a
// new one on the same ./espruino.flash). Readings are held in Storage by the client's `persist`
// (CONFIG.persist, default "tele"; `npm run flash` embeds build/mqttiny-persist.min.js when the config
// has "sleep"), so one not acknowledged before the deadline goes out at a later wake, DUP=1 if it had
// gone out before. Plain ES5, every function defined before code calls it.
//
// Expects a global CONFIG (device/config.json, with "sleep": seconds):
//   { ssid, wifiPassword, host, port, id, topic, sleep, deadline, persist, persistSize, username, password }
// Publishes base/temp (QoS 1) {"seq":n,"t":21.5,"free":1234}, base = CONFIG.topic + "/" + CONFIG.id, and
// logs "[id] awake: radio on N ms, ..." each wake: from joining Wi-Fi to the last PUBACK (or the deadline).

var mqttiny = require("mqttiny");
var base = CONFIG.topic + "/" + CONFIG.id;
var woke = getTime();

function log(msg) {
  console.log("[" + CONFIG.id + "] " + msg);
}

// The wake count, kept in Storage without a new file per wake: "wakes" holds 8 digits (the count when it
// was made) and then one written byte per wake; a new file only once its 248 bytes are used.
function wakeCount() {
  var S = require("Storage");
  var f = S.read("wakes");
  var k = f ? f.indexOf("\xff", 8) : -1;
  if (k >= 0) {
    S.write("wakes", "w", k);
    return parseInt(f.substr(0, 8), 10) + k - 7;
  }
  var n = f ? parseInt(f.substr(0, 8), 10) + f.length - 7 : 0;
  S.write("wakes", ("0000000" + n).slice(-8), 0, 256);
  return n;
}

function deepSleep() {
  var us = CONFIG.sleep * 1e6;
  if (typeof ESP8266 != "undefined") ESP8266.deepSleep(us);
  else if (typeof ESP32 != "undefined") ESP32.deepSleep(us);
  else quit();
}

function wake() {
  var done = false;
  var c = mqttiny.connect({
    host: CONFIG.host,
    port: CONFIG.port,
    clientId: CONFIG.id,
    clean: false,
    keepalive: CONFIG.keepalive || 30,
    username: CONFIG.username,
    password: CONFIG.password,
    persist: CONFIG.persist || "tele",
    persistSize: CONFIG.persistSize,
  });
  function sleepNow(why) {
    if (done) return;
    done = true;
    log("awake: radio on " + Math.round((getTime() - woke) * 1000) + " ms, " + why + ", " + c.queued() + " held; sleep " + CONFIG.sleep + " s");
    // DISCONNECT at once: what is not acknowledged stays in Storage for the next wake.
    c.end(true);
    setTimeout(deepSleep, 20);
  }
  c.on("error", function (e) {
    if (e.code != "ended") log("mqtt: " + e.message);
  });
  var poll;
  c.on("connected", function () {
    // One poll per wake, however often the client connects in it.
    if (poll || done) return;
    poll = setInterval(function () {
      if (!c.queued()) {
        clearInterval(poll);
        sleepNow("all acknowledged");
      }
    }, 5);
  });
  var t = typeof E.getTemperature == "function" ? E.getTemperature() : 0;
  var body = '{"seq":' + wakeCount() + ',"t":' + (isFinite(t) ? t.toFixed(1) : "null") + ',"free":' + process.memory().free + "}";
  // In Storage before publish() returns true; sent once connected, after the readings held before it.
  if (!c.publish(base + "/temp", body, { qos: 1 })) log("Storage full, reading not held: " + body);
  setTimeout(function () {
    sleepNow("deadline");
  }, (CONFIG.deadline || 10) * 1000);
}

// The radio-on time starts with Wi-Fi.
require("Wifi").connect(CONFIG.ssid, { password: CONFIG.wifiPassword }, function (err) {
  if (err) {
    log("wifi: " + err);
    deepSleep();
  } else wake();
});
