import type { GenerateContentResponse } from "@google/genai";
import type { Usage } from "../../llm/parts.ts";
import { streamingWavHeader } from "../../utils/audio-formats.ts";
import type { SpeechOptions, SpeechUsage } from "../adapter.ts";
import { optionalTokenCount } from "../token-count.ts";

// Gemini's text to speech (ADR 075): generateContent with responseModalities AUDIO answers
// inlineData of 16-bit little-endian mono PCM at 24 kHz ("audio/L16;codec=pcm;rate=24000").
// @see https://ai.google.dev/gemini-api/docs/speech-generation

export const GEMINI_PCM = { sampleRate: 24_000, channels: 1, bitsPerSample: 16 } as const;
const PCM_BYTES_PER_SECOND = GEMINI_PCM.sampleRate * GEMINI_PCM.channels * 2;
/**
 * Audio tokens a second of Gemini's speech costs: 25 (a TTS answer stops at 8,192 tokens
 * after 5 min 27.7 s: https://github.com/googleapis/python-genai/issues/922). The estimate
 * of audio the provider never reported.
 */
export const GEMINI_AUDIO_TOKENS_PER_SECOND = 25;

/** The prebuilt voices of Gemini's TTS models, as the speech generation guide lists them. */
export const GEMINI_VOICES = [
  "Zephyr",
  "Puck",
  "Charon",
  "Kore",
  "Fenrir",
  "Leda",
  "Orus",
  "Aoede",
  "Callirrhoe",
  "Autonoe",
  "Enceladus",
  "Iapetus",
  "Umbriel",
  "Algieba",
  "Despina",
  "Erinome",
  "Algenib",
  "Rasalgethi",
  "Laomedeia",
  "Achernar",
  "Alnilam",
  "Schedar",
  "Gacrux",
  "Pulcherrima",
  "Achird",
  "Zubenelgenubi",
  "Vindemiatrix",
  "Sadachbia",
  "Sadaltager",
  "Sulafat",
] as const;

/** PCM only: as a WAV (the default) or raw, OpenAI's `pcm` being the same 24 kHz 16-bit mono. */
export const GEMINI_SPEECH: SpeechOptions = {
  voices: GEMINI_VOICES,
  formats: ["wav", "pcm"],
  speed: false,
};

/**
 * What the TTS model reads: the text, with OpenAI's `instructions` in front as the guide
 * directs style ("Say cheerfully: Have a wonderful day!"); the TTS models take no system
 * instruction.
 */
export function speechPrompt(input: string, instructions: string | undefined) {
  const style = instructions?.trim().replace(/[\s.:;]+$/, "");
  return style ? `${style}: ${input}` : input;
}

/**
 * The audio of Gemini's stream as the client's body: a streaming WAV header first (for
 * "wav"), then the PCM as each chunk brings it, pulled only as the client reads. `usage`
 * settles when the body ends, breaks or is cancelled.
 */
export function speechBody(
  stream: AsyncIterable<GenerateContentResponse>,
  format: string,
  mapError: (error: unknown) => Error,
): { body: ReadableStream<Uint8Array>; usage: Promise<SpeechUsage>; soFar: () => SpeechUsage } {
  const iterator = stream[Symbol.asyncIterator]();
  let reported: Usage | undefined;
  let pcmBytes = 0;
  let finished = false;
  let settle!: (usage: SpeechUsage) => void;
  const usage = new Promise<SpeechUsage>((resolve) => (settle = resolve));
  const soFar = (): SpeechUsage => ({
    reported,
    finished,
    audioTokens: Math.ceil((pcmBytes / PCM_BYTES_PER_SECOND) * GEMINI_AUDIO_TOKENS_PER_SECOND),
  });
  const done = () => settle(soFar());
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (format === "wav") controller.enqueue(streamingWavHeader(GEMINI_PCM));
      },
      async pull(controller) {
        try {
          // Read until some audio comes (or the end): a chunk may carry only usage.
          for (;;) {
            const next = await iterator.next();
            if (next.done) {
              done();
              return controller.close();
            }
            const chunk = next.value;
            if (chunk.usageMetadata) reported = speechUsage(chunk.usageMetadata);
            if (chunk.candidates?.[0]?.finishReason) finished = true;
            const audio = audioOf(chunk);
            if (audio.length > 0) {
              pcmBytes += audio.length;
              return controller.enqueue(audio);
            }
          }
        } catch (error) {
          done();
          controller.error(mapError(error));
        }
      },
      async cancel() {
        done();
        await iterator.return?.();
      },
    },
    // Nothing read ahead: what was pulled is what the client was given.
    { highWaterMark: 0 },
  );
  return { body, usage, soFar };
}

/** The PCM of a chunk's audio parts. */
function audioOf(chunk: GenerateContentResponse): Uint8Array {
  const parts = chunk.candidates?.[0]?.content?.parts ?? [];
  const pieces = parts.flatMap((part) =>
    part.inlineData?.data && part.inlineData.mimeType?.startsWith("audio/")
      ? [Buffer.from(part.inlineData.data, "base64")]
      : [],
  );
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}

/**
 * A TTS answer's usageMetadata: the text in, the audio out (candidatesTokensDetails says
 * how much of the output is AUDIO). A bad count becomes NaN, which the usage check refuses.
 */
export function speechUsage(
  metadata: NonNullable<GenerateContentResponse["usageMetadata"]>,
): Usage {
  const outputTokens = optionalTokenCount(metadata.candidatesTokenCount);
  const audio = metadata.candidatesTokensDetails?.find((detail) => detail.modality === "AUDIO");
  return {
    inputTokens: optionalTokenCount(metadata.promptTokenCount),
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens,
    reasoningTokens: 0,
    modalityTokens: {
      modality: "audio_output_token",
      // Without details, all of a TTS model's output is audio.
      tokens: audio ? optionalTokenCount(audio.tokenCount) : outputTokens,
    },
  };
}
