export { lenSize, encodeConnect, encodePublish, encodeAck, encodeSubscribe, encodeEmpty } from "./encode";
export type { Data, Will, ConnectOptions } from "./encode";
export { createDecoder, resetDecoder, decode } from "./decode";
export type { Decoder } from "./decode";
export { rawStrings, strLen, strWrite, strRead } from "./strings";
