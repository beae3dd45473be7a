// mqttiny telemetry node in deep-sleep mode over MQTT-SN (issue 31): the sibling of telemetry-sleep.js
// for "protocol": "sn". Each wake takes one reading, connects to the MQTT-SN gateway with clean=0, sends
// the readings held in Storage (the client's `persist`) and the new one, waits up to CONFIG.deadline
// seconds (default 10) for their PUBACKs, then tells the gateway it sleeps (DISCONNECT with a duration,
// MQTT-SN v1.2 6.14: the gateway keeps the session and buffers for it) and deep sleeps CONFIG.sleep
// seconds. `npm run flash` embeds build/mqttiny-sn-persist.min.js when the config has "sleep" and
// "protocol": "sn". Plain ES5, every function defined before code calls it.
// Datagrams per wake (device/README.md): CONNECT/CONNACK, REGISTER/REGACK for the topic (none with
// CONFIG.topicId, an id the gateway's PredefinedTopicList gives base/temp), PUBLISH/PUBACK per reading,
// DISCONNECT(duration)/DISCONNECT.
//
// Expects a global CONFIG (device/config.json, with "sleep": seconds and "protocol": "sn"):
//   { ssid, wifiPassword, host, port, id, topic, sleep, deadline, persist, persistSize, topicId }
// Publishes base/temp (QoS 1) {"seq":n,"t":21.5,"free":1234}, base = CONFIG.topic + "/" + CONFIG.id, and
// logs "[id] awake: radio on N ms, ..." each wake: from joining Wi-Fi to the last PUBACK (or the deadline).

var mqttiny = require("mqttiny");
var topic = CONFIG.topic + "/" + CONFIG.id + "/temp";
var woke = getTime();

function log(msg) {
  console.log("[" + CONFIG.id + "] " + msg);
}

// The wake count, as telemetry-sleep.js keeps it: one written byte per wake in the Storage file "wakes".
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
  var pre = {};
  if (CONFIG.topicId) pre[topic] = CONFIG.topicId;
  var c = mqttiny.connect({
    host: CONFIG.host,
    port: CONFIG.port,
    clientId: CONFIG.id,
    clean: false,
    keepalive: CONFIG.keepalive || 60,
    retry: CONFIG.retry || 2000,
    retries: 2,
    predefined: pre,
    persist: CONFIG.persist || "tele",
    persistSize: CONFIG.persistSize,
  });
  function sleepNow(why) {
    if (done) return;
    done = true;
    log("awake: radio on " + Math.round((getTime() - woke) * 1000) + " ms, " + why + ", " + c.queued() + " held; sleep " + CONFIG.sleep + " s");
    if (c.state() == 3) {
      // The gateway keeps the session (clean=0 at the next wake finds it). Its answer ends the wake; if it
      // is lost, the deep sleep comes anyway: what is not acknowledged stays in Storage.
      c.on("sleep", deepSleep);
      // MQTT-SN's duration is at most 65535 s (18 h); a longer deep sleep reconnects clean=0 all the same.
      c.sleep(Math.max(1, Math.min(65535, CONFIG.sleep)));
      setTimeout(deepSleep, 500);
    } else deepSleep();
  }
  c.on("error", function (e) {
    if (e.code != "ended") log("mqtt-sn: " + e.message);
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
  if (!c.publish(topic, body, { qos: 1 })) log("Storage full, reading not held: " + body);
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
