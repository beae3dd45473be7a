// mqttiny telemetry node for Espruino boards (ESP32, ESP8266). Plain ES5, and every function is
// defined before any code calls it: some Espruino builds do not hoist function declarations.
//
// Expects a global CONFIG (device/flash.mjs prepends it from device/config.json):
//   { ssid, wifiPassword, host, port, id, topic, interval, username, password, keepalive, verbose,
//     tls, ca, cert, key,    (ca/cert/key: PEM text; npm run flash reads them from the files config.json names)
//     protocol, predefined, retry, servers, reconnectMin }
// "protocol": "sn" speaks MQTT-SN over UDP to a gateway: host/port are then the gateway's (UDP, default
// port 10000), npm run flash embeds the MQTT-SN bundle as "mqttiny" (same connect/publish/subscribe
// API), and "predefined": { "telemetry/node1/temp": 1 } names topic ids the gateway was configured with
// (published without a REGISTER); other topics are registered at run time. TLS, credentials and the will
// ("offline" when the link dies) are MQTT only; the clean stop publishes "offline" either way.
// Topics, with base = CONFIG.topic + "/" + CONFIG.id:
//   base/temp    QoS 1 reading every CONFIG.interval seconds: {"seq":n,"t":21.5,"free":1234}
//   base/status  retained "online"; retained "offline" from the last will if the link dies, and from
//                the program itself before a clean stop (stopMqtt: the broker drops the will on DISCONNECT)
//   base/mem     QoS 0 free-memory report every minute
//   base/cmd     commands: "led on", "led off", "interval 5"

var mqttiny = require("mqttiny");
var sn = CONFIG.protocol == "sn";
var base = CONFIG.topic + "/" + CONFIG.id;
var period = CONFIG.interval || 10;
var seq = 0;
var refused = 0; // readings the full store refused, since it filled
var ledOn = false;
var client = null;
var readTimer = null;
var memTimer = null;
// Publish options made once: an object literal per call costs more than the publish itself on the
// interpreter (0.099 against 0.040 ms, 64-bit build, 2026-12-05).
var QOS1 = { qos: 1 };

function log(msg) {
  console.log("[" + CONFIG.id + "] " + msg);
}

function setLed(on) {
  ledOn = on;
  if (typeof LED1 != "undefined") digitalWrite(LED1, on);
}

function freeBlocks() {
  return process.memory().free;
}

function publishReading() {
  seq++;
  var t = typeof E.getTemperature == "function" ? E.getTemperature() : 0;
  // No sensor (the Linux interpreter, some boards): NaN is not JSON, so the field is null.
  var body = '{"seq":' + seq + ',"t":' + (isFinite(t) ? t.toFixed(1) : "null") + ',"free":' + freeBlocks() + "}";
  // QoS 1: held in the client's bounded store until PUBACK, resent after a reconnect. "queued", not
  // "sent": offline it waits in the store. A full store is said once, and how many it refused once it
  // has room again (a line a second would bury the rest while the broker is away).
  if (!client.publish(base + "/temp", body, QOS1)) {
    if (!refused) log("store full (" + client.queued() + " readings held): readings are dropped until the broker acknowledges some");
    refused++;
    return;
  }
  if (refused) log("store has room again: " + refused + " reading(s) dropped while it was full");
  refused = 0;
  if (CONFIG.verbose) log("queued " + base + "/temp " + body);
}

function startReadings() {
  if (readTimer) clearInterval(readTimer);
  readTimer = setInterval(publishReading, period * 1000);
}

function onCommand(topic, msg) {
  log("command: " + msg);
  if (msg == "led on") setLed(true);
  else if (msg == "led off") setLed(false);
  else if (msg.indexOf("interval ") == 0) {
    var s = parseInt(msg.substr(9), 10);
    if (s >= 1 && s <= 3600) {
      period = s;
      startReadings();
    }
  }
}

function startMqtt() {
  // Handlers use `c`: events of a client being stopped still arrive after `client` is cleared.
  var o = {
    host: CONFIG.host,
    port: CONFIG.port,
    clientId: CONFIG.id,
    clean: false,
    keepalive: CONFIG.keepalive || 30,
  };
  // The will over both protocols (over MQTT-SN the client gets it past the Paho gateway's issue 248 by
  // itself; see README, "MQTT-SN over UDP").
  o.will = { topic: base + "/status", payload: "offline", qos: 1, retain: true };
  if (sn) {
    o.predefined = CONFIG.predefined;
    // ms before an unanswered request is sent again (the client's default is 10 s; one request is in
    // flight at a time, so on a lossy link each lost datagram holds the readings behind it that long).
    o.retry = CONFIG.retry;
  } else {
    o.username = CONFIG.username;
    o.password = CONFIG.password;
    o.tls = CONFIG.tls;
    o.ca = CONFIG.ca;
    o.cert = CONFIG.cert;
    o.key = CONFIG.key;
    // A cluster: every node's { host, port }, tried in turn when one dies; reconnectMin sets how widely the
    // fleet's reconnects spread (its jitter is half of it), so that the survivors are not stormed.
    o.servers = CONFIG.servers;
    o.reconnectMin = CONFIG.reconnectMin;
  }
  var c = mqttiny.connect(o);
  client = c;
  c.on("connected", function () {
    log("connected");
    c.publish(base + "/status", "online", { qos: 1, retain: true });
  });
  c.on("offline", function () {
    log("offline, " + c.queued() + " readings held");
  });
  c.on("error", function (e) {
    log("mqtt: " + e.message);
  });
  // Commands through `message`, not a callback of the subscription: the lite build (an ESP8266's default,
  // issue 29) has no per-subscription callbacks.
  c.on("message", function (topic, msg) {
    if (topic == base + "/cmd") onCommand(topic, msg);
  });
  c.subscribe(base + "/cmd", { qos: 1 });
  startReadings();
  memTimer = setInterval(function () {
    client.publish(base + "/mem", "" + freeBlocks());
  }, 60000);
}

// A clean stop. The DISCONNECT that end() sends makes the broker discard the will, so the program
// publishes the retained "offline" itself first (QoS 1: it goes out ahead of the DISCONNECT).
// end() waits (up to its endTimeout) for held readings to be acknowledged, then sends
// DISCONNECT; `now` (a kill before save/reset, when nothing runs afterwards) sends DISCONNECT at once.
function stopMqtt(now) {
  if (readTimer) clearInterval(readTimer);
  if (memTimer) clearInterval(memTimer);
  readTimer = memTimer = null;
  if (!client) return;
  client.publish(base + "/status", "offline", { qos: 1, retain: true });
  client.end(now);
  client = null;
}

function joinWifi(attempt) {
  require("Wifi").connect(CONFIG.ssid, { password: CONFIG.wifiPassword }, function (err) {
    if (err) {
      var wait = Math.min(60000, 1000 * Math.pow(2, attempt));
      log("wifi: " + err + ", retry in " + wait / 1000 + " s");
      setTimeout(function () {
        joinWifi(attempt + 1);
      }, wait);
      return;
    }
    log("wifi up");
    if (!client) startMqtt();
  });
}

// Runs after upload and at every boot. Written to flash (npm run flash), the code itself runs at boot
// (the last line) and Espruino then calls onInit too: the flag makes that second call a no-op. Before
// save(), reset() or load(), "kill" clears the flag and stops the client (retained "offline", then
// DISCONNECT), so a saved image starts afresh.
var started = false;
function onInit() {
  if (started) return;
  started = true;
  joinWifi(0);
}
if (E.on)
  E.on("kill", function () {
    started = false;
    stopMqtt(true);
  });

onInit();
