/** The texts the engine benches speak and transcribe. */
import assert from "node:assert/strict";

/** A 200-character English sentence (the TTS latency and RTF input). */
export const SENTENCE_200 =
  "The quick brown fox jumps over the lazy dog near the river bank, while the children play in the park and their parents sit on old wooden benches, talking quietly about the weekend and the new museums.";

/** The transcript of fixtures/jfk.wav. */
export const JFK_TEXT =
  "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";

/** Ten plain English sentences for the TTS → ASR round trip. */
export const ROUND_TRIP = [
  "The weather today is sunny with a light breeze from the west.",
  "Please send the quarterly report to the finance team by Friday.",
  "She opened the window and listened to the birds singing outside.",
  "Our new speech server answers requests without any internet connection.",
  "He bought three apples, two oranges, and a loaf of fresh bread.",
  "The train to the city leaves every morning at half past seven.",
  "My brother plays the guitar in a small band on weekends.",
  "We should water the garden before the sun goes down tonight.",
  "The doctor told him to drink more water and get some rest.",
  "They walked along the beach and watched the boats in the harbor.",
];

assert.equal(SENTENCE_200.length, 200);
assert.equal(ROUND_TRIP.length, 10);
