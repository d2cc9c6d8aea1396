import {
  ApiError,
  GoogleGenAI,
  type EmbedContentResponse,
  type GenerateContentConfig,
  type GenerateContentResponse,
} from "@google/genai";
import {
  onePerBatch,
  upstreamStatusError,
  upstreamUnreachable,
  type ProviderAdapter,
} from "../adapter.ts";
import { upstreamFetch } from "../upstream-fetch.server.ts";
import { toGeminiRequest } from "./convert-to-gemini-contents.ts";
import { toParts } from "./gemini-parts.ts";
import { GEMINI_SPEECH, speechBody, speechPrompt } from "./gemini-speech.ts";

/**
 * Gemini through @google/genai 3 (the maintained successor of
 * @google/generative-ai; docs/decisions/004). The SDK retries nothing by
 * default, which suits us: retries and fallback are the gateway's.
 * usageMetadata repeats on every chunk as a running total; the last one counts.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export function createGeminiAdapter(options: {
  apiKey: string;
  baseURL?: string;
  timeoutMs?: number;
}): ProviderAdapter {
  const client = new GoogleGenAI({
    apiKey: options.apiKey,
    httpOptions: {
      ...(options.baseURL ? { baseUrl: options.baseURL } : {}),
      timeout: options.timeoutMs ?? 600_000,
      fetch: upstreamFetch,
    },
  });
  return {
    audioInput: true,
    imageOutput: true,
    async streamParts(call) {
      const request = toGeminiRequest(call.request, call.upstreamModel, call.maxOutputTokens);
      let stream: AsyncIterable<GenerateContentResponse>;
      try {
        stream = await client.models.generateContentStream({
          model: request.model,
          contents: request.contents,
          // The SDK types modes as enums whose values are these same strings.
          config: { ...request.config, abortSignal: call.signal } as GenerateContentConfig,
        });
      } catch (error) {
        throw mapGeminiError(error);
      }
      return onePerBatch(toParts(stream, mapGeminiError));
    },
    async embed(call) {
      let answer: EmbedContentResponse;
      try {
        answer = await client.models.embedContent({
          model: call.upstreamModel,
          contents: call.inputs,
          config: {
            abortSignal: call.signal,
            ...(call.dimensions === undefined ? {} : { outputDimensionality: call.dimensions }),
          },
        });
      } catch (error) {
        throw mapGeminiError(error);
      }
      const vectors = (answer.embeddings ?? []).map((embedding) => embedding.values ?? []);
      if (vectors.length !== call.inputs.length)
        throw upstreamStatusError("Gemini", 502, "wrong number of embeddings in the answer");
      // The Gemini API does not report tokens for embeddings: the gateway counts them.
      return { vectors, inputTokens: undefined };
    },
    async generateImages(call) {
      // Gemini's image models answer generateContent with image parts, one image an answer:
      // n images are n calls at once (Imagen's :predict is Vertex-only in this SDK).
      const answers = await Promise.all(
        Array.from({ length: call.n }, () =>
          client.models
            .generateContent({
              model: call.upstreamModel,
              // An edit: the images to start from, then what to do with them.
              contents: call.images
                ? [
                    {
                      role: "user",
                      parts: [
                        ...call.images.map((image) => ({
                          inlineData: {
                            mimeType: image.mimeType,
                            data: Buffer.from(image.bytes).toString("base64"),
                          },
                        })),
                        { text: call.prompt },
                      ],
                    },
                  ]
                : call.prompt,
              config: {
                responseModalities: ["IMAGE"],
                ...(call.size === "auto"
                  ? {}
                  : { imageConfig: { aspectRatio: aspectRatio(call.size) } }),
                abortSignal: call.signal,
              } as GenerateContentConfig,
            })
            .catch((error: unknown) => {
              throw mapGeminiError(error);
            }),
        ),
      );
      const images = answers.flatMap((answer) =>
        (answer.candidates?.[0]?.content?.parts ?? []).flatMap((part) =>
          part.inlineData?.data
            ? [{ base64: part.inlineData.data, mimeType: part.inlineData.mimeType ?? "image/png" }]
            : [],
        ),
      );
      return { images };
    },
    speechOptions: GEMINI_SPEECH,
    async speak(call) {
      // Streamed, so that the audio reaches the client as the model makes it (ADR 075).
      let stream: AsyncIterable<GenerateContentResponse>;
      try {
        stream = await client.models.generateContentStream({
          model: call.upstreamModel,
          contents: speechPrompt(call.input, call.instructions),
          config: {
            responseModalities: ["AUDIO"],
            speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: call.voice } } },
            abortSignal: call.signal,
          } as GenerateContentConfig,
        });
      } catch (error) {
        throw mapGeminiError(error);
      }
      const { body, usage, soFar } = speechBody(stream, call.format, mapGeminiError);
      return {
        body,
        usage,
        soFar,
        // OpenAI's `pcm` is the same 24 kHz 16-bit mono, under this type.
        contentType: call.format === "wav" ? "audio/wav" : "audio/pcm",
      };
    },
  };
}

/** "1536x1024" as the aspect ratio Gemini takes ("3:2"): the nearest of those it offers. */
function aspectRatio(size: string) {
  const [width, height] = size.split("x").map(Number) as [number, number];
  const RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];
  const ratio = width / height;
  return RATIOS.reduce((best, candidate) => {
    const [w, h] = candidate.split(":").map(Number) as [number, number];
    const [bw, bh] = best.split(":").map(Number) as [number, number];
    return Math.abs(w / h - ratio) < Math.abs(bw / bh - ratio) ? candidate : best;
  });
}

function mapGeminiError(error: unknown): Error {
  if (error instanceof ApiError) {
    // Google answers a bad API key with 400 INVALID_ARGUMENT; that is our configuration, not the client's request.
    if (error.status === 400 && /API_KEY_INVALID|API key not valid/.test(error.message)) {
      return upstreamStatusError("Gemini", 401, error.message);
    }
    return upstreamStatusError(
      "Gemini",
      error.status,
      error.message,
      retryDelaySeconds(error.message),
    );
  }
  return upstreamUnreachable("Gemini", error);
}

// Gemini puts its retry hint in the body (google.rpc.RetryInfo), not in Retry-After.
function retryDelaySeconds(message: string): number | undefined {
  const match = /"retryDelay":\s*"(\d+(?:\.\d+)?)s"/.exec(message);
  return match ? Number(match[1]) : undefined;
}
