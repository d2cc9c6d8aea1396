import type { TranscriptionStreamEvent } from "openai/resources/audio/transcriptions";
import { EMPTY_USAGE, type Usage } from "../../llm/parts.ts";
import type { TranscriptPart } from "../adapter.ts";
import { optionalTokenCount, tokenCount } from "../token-count.ts";

// OpenAI's transcription answers read into the gateway's terms (ADR 074).
// @see https://platform.openai.com/docs/api-reference/audio/createTranscription

/**
 * A transcription's usage "tokens" ({input_tokens, input_token_details: {text_tokens,
 * audio_tokens}, output_tokens}) as a Usage whose audio tokens are modality tokens, a part of
 * its input; undefined for any other kind (whisper-1 reports "duration"). Bad counts are NaN.
 */
export function transcriptionUsage(usage: unknown): Usage | undefined {
  if (!usage || typeof usage !== "object") return undefined;
  const reported = usage as {
    type?: unknown;
    input_tokens?: unknown;
    input_token_details?: { audio_tokens?: unknown } | null;
    output_tokens?: unknown;
  };
  if (reported.type !== "tokens") return undefined;
  return {
    ...EMPTY_USAGE,
    inputTokens: tokenCount(reported.input_tokens),
    outputTokens: tokenCount(reported.output_tokens),
    modalityTokens: {
      modality: "audio_input_token",
      tokens: optionalTokenCount(reported.input_token_details?.audio_tokens),
    },
  };
}

/** A streamed event as the gateway's part; undefined for events it does not forward (segments of diarization). */
export function transcriptPart(event: TranscriptionStreamEvent): TranscriptPart | undefined {
  switch (event.type) {
    case "transcript.text.delta":
      return {
        type: "delta",
        text: event.delta,
        ...(event.logprobs ? { logprobs: event.logprobs } : {}),
      };
    case "transcript.text.done": {
      const usage = transcriptionUsage(event.usage);
      return {
        type: "done",
        text: event.text,
        ...(event.logprobs ? { logprobs: event.logprobs } : {}),
        ...(usage ? { usage } : {}),
      };
    }
    default:
      return undefined;
  }
}
