import { z } from "zod";
import { invalidRequest } from "../../../http/gateway-error.ts";
import { validateBody } from "../../../http/validate-body.ts";

// OpenAI's text to speech request (ADR 072), as its SDK sends it (openai 7.x:
// resources/audio/speech). The audio comes back as bytes, streamed.
// @see https://platform.openai.com/docs/api-reference/audio/createSpeech

export const SPEECH_FORMATS = ["mp3", "opus", "aac", "flac", "wav", "pcm"] as const;

export const SpeechRequestSchema = z.strictObject({
  model: z.string({ error: "is required and must be a string" }).min(1).max(200),
  input: z
    .string({ error: "is required and must be a string" })
    .min(1, "must not be empty")
    .max(4_096, "must be at most 4,096 characters"),
  voice: z.union(
    [
      z.string().min(1, "must not be empty").max(64),
      z.strictObject({ id: z.string().min(1).max(64) }),
    ],
    { error: 'must be a voice\'s name ("alloy") or {"id": …}' },
  ),
  response_format: z.enum(SPEECH_FORMATS).optional(),
  speed: z.number().min(0.25, "must be at least 0.25").max(4, "must be at most 4").optional(),
  instructions: z.string().max(4_096, "must be at most 4,096 characters").optional(),
  stream_format: z.enum(["audio", "sse"]).optional(),
});

export interface SpeechRequest {
  model: string;
  input: string;
  voice: string;
  /** Absent: the provider's default (OpenAI's mp3; the first of a provider's SpeechOptions). */
  format?: (typeof SPEECH_FORMATS)[number];
  speed?: number;
  instructions?: string;
}

/** The request, or a 400 naming the bad field. */
export function parseSpeechRequest(body: unknown): SpeechRequest {
  const request = validateBody(SpeechRequestSchema, body);
  if (request.stream_format === "sse")
    throw invalidRequest(
      "Speech as server-sent events is not served: leave out stream_format (the audio streams as bytes)",
      "stream_format",
    );
  return {
    model: request.model,
    input: request.input,
    voice: typeof request.voice === "string" ? request.voice : request.voice.id,
    format: request.response_format,
    speed: request.speed,
    instructions: request.instructions,
  };
}
