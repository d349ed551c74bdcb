// The runtime matrix's cells: the same SDK calls, run by every runtime (Node, Bun, Deno, and
// in browsers) against one local server. Plain JavaScript, so every runtime runs it as is.
// `runCells(sdk, config)` returns { cell: "ok" | "refused" | "FAILED: …" } and never throws.

const SENTENCE = "The quick brown fox jumps over the lazy dog.";

/**
 * Runs every cell. `config`: { baseUrl, apiKey, realtime: "works" | "refused" }, where
 * "refused" means this runtime must refuse realtime at once with the documented error.
 * @example const results = await runCells(await import("fishaudio"), { baseUrl, apiKey, realtime: "works" });
 */
export async function runCells(sdk, config) {
  const client = new sdk.FishAudio({
    apiKey: config.apiKey,
    baseUrl: config.baseUrl,
    maxRetries: 0,
  });
  const results = {};
  const cell = async (name, body) => {
    try {
      results[name] = (await body()) ?? "ok";
    } catch (error) {
      results[name] = `FAILED: ${error?.name ?? "Error"}: ${error?.message ?? String(error)}`;
    }
  };
  let wav;

  await cell("convert", async () => {
    const { data, requestId } = await client.tts
      .convert({ text: SENTENCE, format: "wav" })
      .withResponse();
    wav = await data.collect();
    check(ascii(wav, 0, 4) === "RIFF" && ascii(wav, 8, 12) === "WAVE", "not a WAV file");
    check(typeof requestId === "string" && requestId.length > 0, "no request id");
  });

  await cell("streaming", async () => {
    const audio = await client.tts.convert({ text: `${SENTENCE} ${SENTENCE}`, format: "mp3" });
    let chunks = 0;
    let bytes = 0;
    for await (const chunk of audio) {
      check(chunk instanceof Uint8Array, "a chunk is not a Uint8Array");
      chunks += 1;
      bytes += chunk.byteLength;
    }
    check(chunks >= 1 && bytes > 1000, `only ${bytes} bytes in ${chunks} chunks`);
  });

  await cell("pagination", async () => {
    const first = await client.voices.list({ pageSize: 2 });
    check(first.total > 2, `only ${first.total} voices`);
    const ids = new Set();
    for await (const voice of client.voices.list({ pageSize: 2 })) ids.add(voice.id);
    check(ids.size === first.total, `iterated ${ids.size} of ${first.total}`);
  });

  await cell("voices", async () => {
    check(wav, "no sample (convert failed)");
    const created = await client.voices.create({
      title: "Matrix voice",
      voices: [wav],
      texts: [SENTENCE],
    });
    const got = await client.voices.get(created.id);
    check(got.title === "Matrix voice", `title ${got.title}`);
    await client.voices.update(created.id, { title: "Renamed" });
    check((await client.voices.get(created.id)).title === "Renamed", "update did not stick");
    await client.voices.delete(created.id);
    await expectError(() => client.voices.get(created.id), sdk.NotFoundError);
  });

  await cell("asr", async () => {
    check(wav, "no audio (convert failed)");
    const { text, segments } = await client.asr.transcribe({ audio: wav, language: "en" });
    check(/fox|dog|quick|brown|lazy/i.test(text), `transcript "${text}"`);
    check(Array.isArray(segments), "no segments");
  });

  await cell("account", async () => {
    const credits = await client.account.getCredits();
    check(Number(credits.credit) > 0, `credit ${credits.credit}`);
    const pkg = await client.account.getPackage();
    check(typeof pkg.type === "string", "no package type");
  });

  await cell("realtime", async () => {
    const live = client.tts.streamWebsocket(["Hello ", "there."], { format: "wav" });
    if (config.realtime === "works") {
      const audio = await live.collect();
      check(ascii(audio, 0, 4) === "RIFF", "not a WAV stream");
      return "ok";
    }
    const started = Date.now();
    const error = await expectError(() => live.collect(), sdk.FishAudioError);
    check(Date.now() - started < 5000, "did not refuse at once");
    check(new RegExp(config.refusal).test(error.message), `message "${error.message}"`);
    return "refused";
  });

  await cell("auth", async () => {
    const wrong = new sdk.FishAudio({
      apiKey: "not-a-key",
      baseUrl: config.baseUrl,
      maxRetries: 0,
    });
    const error = await expectError(() => wrong.account.getCredits(), sdk.AuthenticationError);
    check(error.status === 401, `status ${error.status}`);
    if (config.realtime !== "works") return "ok";
    // The realtime socket gives the same error, whatever the runtime's WebSocket shows.
    const live = await expectError(
      () => wrong.tts.streamWebsocket(["Hi."]).collect(),
      sdk.AuthenticationError,
    );
    check(/check FISH_API_KEY/.test(live.message), `realtime message "${live.message}"`);
  });

  await cell("abort", async () => {
    const controller = new AbortController();
    const audio = await client.tts.convert(
      { text: Array(40).fill(SENTENCE).join(" "), format: "pcm" },
      { signal: controller.signal },
    );
    const error = await expectError(async () => {
      for await (const _ of audio) controller.abort();
    }, sdk.APIUserAbortError);
    check(error.name === "APIUserAbortError", `name ${error.name}`);
  });

  return results;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function expectError(run, Class) {
  try {
    await run();
  } catch (error) {
    if (error instanceof Class) return error;
    throw error;
  }
  throw new Error(`expected ${Class.name}, nothing was thrown`);
}

function ascii(bytes, start, end) {
  return String.fromCharCode(...bytes.subarray(start, end));
}
