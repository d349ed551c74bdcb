import { encodeWav } from "./wav.js";

/** A microphone recording in progress; `stop` gives a WAV file the server decodes. */
export interface Recording {
  stop(): Promise<Blob>;
}

/**
 * Records the microphone as 16-bit mono WAV (every browser records something else natively,
 * webm or mp4, which the server does not decode; WAV it always does).
 * @example const rec = await startRecording(); const wav = await rec.stop();
 */
export async function startRecording(): Promise<Recording> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1 } });
  const audio = new AudioContext();
  const input = audio.createMediaStreamSource(stream);
  // ScriptProcessorNode is deprecated, but an AudioWorklet needs a module URL of its own and
  // this one node is all a few seconds of recording need.
  const processor = audio.createScriptProcessor(4096, 1, 1);
  const chunks: Float32Array[] = [];
  processor.onaudioprocess = (event) => {
    chunks.push(new Float32Array(event.inputBuffer.getChannelData(0)));
  };
  input.connect(processor);
  processor.connect(audio.destination);
  return {
    async stop() {
      processor.disconnect();
      input.disconnect();
      for (const track of stream.getTracks()) track.stop();
      const total = chunks.reduce((n, c) => n + c.length, 0);
      const samples = new Float32Array(total);
      let offset = 0;
      for (const chunk of chunks) {
        samples.set(chunk, offset);
        offset += chunk.length;
      }
      const rate = audio.sampleRate;
      await audio.close();
      return new Blob([encodeWav(samples, rate) as Uint8Array<ArrayBuffer>], { type: "audio/wav" });
    },
  };
}
