import type { GatewayError } from "../../../http/gateway-error.ts";
import type { Usage } from "../../../llm/parts.ts";
import type { Transcription, TranscriptPart } from "../../../providers/adapter.ts";
import { sseEvent } from "../../../protocols/sse.ts";

// A transcription in the format the client asked for (ADR 072, 074): a model priced per minute
// is asked for verbose_json (its duration is the bill) and the others are written from it; one
// priced by tokens is asked for json, and its events stream through as OpenAI sends them.
// @see https://platform.openai.com/docs/api-reference/audio/createTranscription

/** The usage a transcription answers with: the seconds billed, or the tokens. */
export type TranscriptionUsage =
  | { type: "duration"; seconds: number }
  | {
      type: "tokens";
      input_tokens: number;
      input_token_details: { text_tokens: number; audio_tokens: number };
      output_tokens: number;
      total_tokens: number;
    };

/** Tokens billed, in OpenAI's words (its audio apart from the prompt's text). */
export function tokensUsage(usage: Usage): TranscriptionUsage {
  const audio = usage.modalityTokens?.tokens ?? 0;
  return {
    type: "tokens",
    input_tokens: usage.inputTokens,
    input_token_details: { text_tokens: usage.inputTokens - audio, audio_tokens: audio },
    output_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

export function renderTranscription(
  answer: Transcription,
  format: string,
  usage: TranscriptionUsage,
  headers: Record<string, string>,
): Response {
  switch (format) {
    case "text":
      return text(`${answer.text}\n`, "text/plain", headers);
    case "srt":
      return text(subtitles(answer, "srt"), "text/plain", headers);
    case "vtt":
      return text(`WEBVTT\n\n${subtitles(answer, "vtt")}`, "text/vtt", headers);
    case "verbose_json":
      return Response.json(
        {
          task: "transcribe",
          language: answer.language ?? "unknown",
          duration: answer.duration ?? (usage.type === "duration" ? usage.seconds : 0),
          text: answer.text,
          segments: answer.segments ?? [],
          ...(answer.words ? { words: answer.words } : {}),
          usage,
        },
        { headers },
      );
    default:
      return Response.json({ text: answer.text, usage }, { headers });
  }
}

/**
 * A streamed event as OpenAI writes it (`data:` lines, no event names, no [DONE]: the stream
 * ends after transcript.text.done); the done event carries the usage billed.
 */
export function transcriptEvent(part: TranscriptPart, usage?: TranscriptionUsage): string {
  const logprobs = part.logprobs ? { logprobs: part.logprobs } : {};
  return sseEvent(
    JSON.stringify(
      part.type === "delta"
        ? { type: "transcript.text.delta", delta: part.text, ...logprobs }
        : {
            type: "transcript.text.done",
            text: part.text,
            ...logprobs,
            ...(usage ? { usage } : {}),
          },
    ),
  );
}

/** A failure after the stream started: OpenAI's error event, which its SDK raises as an APIError. */
export const transcriptError = (error: GatewayError) => sseEvent(JSON.stringify(error.toJSON()));

const text = (body: string, type: string, headers: Record<string, string>) =>
  new Response(body, { headers: { ...headers, "Content-Type": `${type}; charset=utf-8` } });

/** Numbered cues from the segments (one cue of the whole text when there are none). */
function subtitles(answer: Transcription, style: "srt" | "vtt") {
  const segments = answer.segments?.length
    ? answer.segments
    : [{ id: 0, start: 0, end: answer.duration ?? 0, text: answer.text }];
  return segments
    .map((segment, index) => {
      const times = `${timestamp(segment.start, style)} --> ${timestamp(segment.end, style)}`;
      return `${style === "srt" ? `${index + 1}\n` : ""}${times}\n${segment.text.trim()}\n`;
    })
    .join("\n");
}

function timestamp(seconds: number, style: "srt" | "vtt") {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  const clock = `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}`;
  return `${clock}${style === "srt" ? "," : "."}${pad(ms % 1000, 3)}`;
}
