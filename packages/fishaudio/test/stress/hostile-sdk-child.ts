/**
 * The SDK in its own small-heap process against a hostile server (hostile-server.test.ts): streams
 * one realtime request from the URL in argv and prints, as one JSON line, how it ended and the
 * process's resident memory before and at its peak.
 */
import { FishAudio, WebSocketError } from "fishaudio";

const baseUrl = process.argv[2]!;
const client = new FishAudio({ apiKey: "test-key", baseUrl, timeout: 60_000, maxRetries: 0 });
const rssBeforeKiB = Math.round(process.memoryUsage().rss / 1024);
let outcome: Record<string, unknown>;
try {
  let bytes = 0;
  for await (const chunk of client.tts.streamWebsocket(["Hello"])) bytes += chunk.length;
  outcome = { ended: "cleanly", bytes };
} catch (error) {
  outcome = {
    ended: "error",
    name: (error as Error)?.constructor?.name,
    webSocketError: error instanceof WebSocketError,
    message: String((error as Error)?.message),
  };
}
process.stdout.write(
  `${JSON.stringify({ ...outcome, rssBeforeKiB, peakRssKiB: process.resourceUsage().maxRSS })}\n`,
);
