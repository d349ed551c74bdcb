// Nothing a user sets is dropped: every field of the published TTS request schema reaches the
// real local server, which records each decoded body in its request log (GET /local/requests/ID).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { TTSConvertParams } from "../../src/index.js";
import { fixture } from "../fixtures/fixtures.js";
import { type Integration, startIntegration } from "./setup.js";

let it_: Integration;
before(async () => {
  it_ = await startIntegration();
});
after(() => it_.server.close());

type Schema = { properties: Record<string, unknown> };

/**
 * The request schemas as the local server validates them: generated from the service's
 * published openapi.json, so a field the service adds makes this test fail until the SDK sends it.
 */
async function publishedSchema(name: string): Promise<Schema> {
  const generated = new URL(
    "../../../fishaudio-local/src/schema/openapi.generated.ts",
    import.meta.url,
  );
  const { OPENAPI } = (await import(generated.href)) as {
    OPENAPI: { components: { schemas: Record<string, Schema> } };
  };
  const schema = OPENAPI.components.schemas[name];
  assert.ok(schema, `${name} is in the published schema`);
  return schema;
}

/** Every option set to something other than its default. */
const EVERYTHING: TTSConvertParams = {
  text: "Every field arrives.",
  model: "s2-pro",
  referenceId: "flite-slt",
  references: [{ audio: new Uint8Array(readFileSync(fixture("jfk.wav"))), text: "And so" }],
  config: {
    format: "wav",
    sampleRate: 16000,
    mp3Bitrate: 192,
    opusBitrate: 48,
    normalize: false,
    chunkLength: 150,
    latency: "normal",
    prosody: { speed: 1.25, volume: 3, normalizeLoudness: false },
    topP: 0.5,
    temperature: 0.6,
    maxNewTokens: 512,
    repetitionPenalty: 1.1,
    minChunkLength: 20,
    conditionOnPreviousChunks: false,
    earlyStopThreshold: 0.8,
    features: ["quality-guard"],
  },
};

/** The body the server decoded for request `id`, as its request log shows it. */
async function loggedBody(id: string | undefined): Promise<Record<string, unknown>> {
  assert.ok(id, "the response carries a request id");
  const entry = (await it_.client.requestJSON({
    method: "GET",
    path: `/local/requests/${id}`,
  })) as {
    status: number;
    body: Record<string, unknown>;
  };
  assert.equal(entry.status, 200);
  return entry.body;
}

function assertEverythingArrived(body: Record<string, unknown>, schema: Schema): void {
  assert.deepEqual(Object.keys(body).sort(), Object.keys(schema.properties).sort());
  assert.equal(body.text, "Every field arrives.");
  assert.equal(body.reference_id, "flite-slt");
  const [reference] = body.references as {
    audio: { $binary: true; kind: string }[];
    text: string;
  }[];
  assert.equal((reference!.audio as unknown as { kind: string }).kind, "wav");
  assert.equal(reference!.text, "And so");
  assert.deepEqual(body.prosody, { speed: 1.25, volume: 3, normalize_loudness: false });
  assert.deepEqual(
    {
      format: body.format,
      sample_rate: body.sample_rate,
      mp3_bitrate: body.mp3_bitrate,
      opus_bitrate: body.opus_bitrate,
      normalize: body.normalize,
      chunk_length: body.chunk_length,
      latency: body.latency,
      top_p: body.top_p,
      temperature: body.temperature,
      max_new_tokens: body.max_new_tokens,
      repetition_penalty: body.repetition_penalty,
      min_chunk_length: body.min_chunk_length,
      condition_on_previous_chunks: body.condition_on_previous_chunks,
      early_stop_threshold: body.early_stop_threshold,
      features: body.features,
    },
    {
      format: "wav",
      sample_rate: 16000,
      mp3_bitrate: 192,
      opus_bitrate: 48,
      normalize: false,
      chunk_length: 150,
      latency: "normal",
      top_p: 0.5,
      temperature: 0.6,
      max_new_tokens: 512,
      repetition_penalty: 1.1,
      min_chunk_length: 20,
      condition_on_previous_chunks: false,
      early_stop_threshold: 0.8,
      features: ["quality-guard"],
    },
  );
}

describe("every field of the published TTS request reaches fishaudio-local", () => {
  it("POST /v1/tts (TTSRequest)", async () => {
    const { data: audio, requestId } = await it_.client.tts.convert(EVERYTHING).withResponse();
    assert.ok((await audio.collect()).byteLength > 1000);
    assertEverythingArrived(await loggedBody(requestId), await publishedSchema("TTSRequest"));
  });

  it("POST /v1/tts/stream/with-timestamp (TTSStreamWithTimestampRequest)", async () => {
    const { data: stream, requestId } = await it_.client.tts
      .convertWithTimestamps(EVERYTHING)
      .withResponse();
    const { words } = await stream.collect();
    assert.deepEqual(
      words.map((w) => w.text),
      ["Every", "field", "arrives"],
    );
    assertEverythingArrived(
      await loggedBody(requestId),
      await publishedSchema("TTSStreamWithTimestampRequest"),
    );
  });

  it("sends the model header the user chose, and s2.1-pro when none is chosen", async () => {
    await (await it_.client.tts.convertWithTimestamps({ text: "Hi", model: "s1" })).collect();
    assert.equal(it_.server.usage().at(-1)?.model, "s1");
    await (await it_.client.tts.convertWithTimestamps({ text: "Hi" })).collect();
    assert.equal(it_.server.usage().at(-1)?.model, "s2.1-pro");
  });
});
