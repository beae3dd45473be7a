// The steps of tinyMQTT's QoS 0 publish(), written here to be timed beside ours in the same program on
// the same build (its code is not part of this repository; these are its steps as its source takes
// them, in our own words): a module with one shared client, a helper that makes the length-prefixed
// topic and one that makes the packet, a length check that throws, a connected flag, the socket's
// write and a "published" event. No QoS 1, no store, no flow control. Loaded as a module, from Storage
// where ours is, so both pay the same for the text they run.
var one, chr = String.fromCharCode;
function lstr(s) { return chr(s.length >> 8, s.length & 255) + s; }
function pkt(b, v, p) { return chr(b, v.length + p.length) + v + p; }
function Path(sock) { this.cl = sock; this.cn = true; one = this; }
Path.prototype.publish = function (topic, data) {
  if (topic.length + data.length > 127) throw "too long";
  if (one.cn) { one.cl.write(pkt(0x31, lstr(topic), data)); one.emit("published"); }
};
exports.create = function (sock) { return new Path(sock); };
