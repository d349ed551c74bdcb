export { AudioStream } from "./core/audio-stream.js";
export * from "./core/error.js";
