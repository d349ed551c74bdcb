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

/**
 * One paragraph of plain English (about 35 s of speech): the unit of the capacity bench, where
 * each listener gets a paragraph.
 */
export const PARAGRAPH =
  "The old lighthouse stood at the end of the harbor for more than a hundred years. Every evening the keeper climbed the narrow stairs, cleaned the great lens, and lit the lamp before the sun went down. Ships passing in the night could see its light from far out at sea, and sailors said it was the first sign that they were nearly home. When the keeper grew old, the town decided to keep the light burning with a small electric lamp, but people still walked along the pier at dusk to watch it turn.";

/** Four paragraphs (about two and a half minutes of speech): the "long text" of the peers bench. */
export const LONG_TEXT = [
  PARAGRAPH,
  "On market days the square filled with farmers from the valley. They brought apples, cheese, fresh bread and honey, and they set up their stalls before the first light. Children ran between the tables while their parents argued about prices, and an old man played the accordion beside the fountain until the afternoon.",
  "In the winter the lake froze over, and the whole village came out to skate. Someone always lit a fire on the shore, and there was hot soup for anyone who was cold. The ice was thick enough to hold a horse and cart, but the older people still warned the children to stay away from the place where the river came in.",
  "Years later, when the railway reached the valley, many things changed. Visitors arrived every summer, new hotels were built along the lake, and the market grew larger than anyone could remember. Yet the lighthouse still turned each night, and the people who had grown up with it said that the town would not feel like home without it.",
].join(" ");

assert.ok(PARAGRAPH.length > 400 && PARAGRAPH.length < 700);
