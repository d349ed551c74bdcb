// Realtime TTS over WebSocket (/v1/tts/live): the session loop used by `client.tts.streamWebsocket`
// and the reader for sockets the caller owns.
export type { FlushEvent, LiveInputItem, TextEvent } from "./frames.js";
export { iterWebsocketAudio } from "./iter-audio.js";
export { type LiveInput, type LiveSessionOptions, streamLive } from "./session.js";
export type { WebSocketConstructor, WebSocketLike } from "./socket.js";
