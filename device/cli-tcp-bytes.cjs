// Loaded into the espruino CLI (node --require) when it uploads to a tcp:// port. The CLI's TCP connection
// (core/serial_node_socket.js) writes the upload's String with Node's default encoding, UTF-8, so every
// char from 128 to 255 (the token bytes of a pretokenised upload) arrives as two bytes and the board's
// Storage.write fails ("File already written with different data"). Over a serial port the CLI sends
// each char as one byte; this makes the socket do the same.
const net = require("net");
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (data, encoding, cb) {
  if (typeof data == "string" && (encoding === undefined || typeof encoding == "function")) return write.call(this, Buffer.from(data, "latin1"), encoding === undefined ? cb : encoding);
  return write.apply(this, arguments);
};
