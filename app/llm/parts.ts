// What every provider adapter produces: one small stream of typed parts.
// Renderers turn these into the client's wire format; adapters never write SSE.

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** Token counts by kind. `inputTokens` excludes cached and cache-write tokens. */
export interface Usage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  /** Includes reasoning tokens. */
  outputTokens: number;
  reasoningTokens: number;
  /**
   * Tokens of one modality priced apart from text (ADR 073): a part of `inputTokens`
   * (audio in) or of `outputTokens` (audio or images out).
   */
  modalityTokens?: ModalityTokens;
}

/** The modalities a provider prices per 1M tokens apart from text (ADR 073). */
export const TOKEN_MODALITIES = [
  "audio_input_token",
  "audio_output_token",
  "image_output_token",
] as const;
export type TokenModality = (typeof TOKEN_MODALITIES)[number];

/** Whether a usage row's unit is a modality's tokens (billed per 1M, beside the text tokens). */
export const isTokenModality = (unit: string): unit is TokenModality =>
  (TOKEN_MODALITIES as readonly string[]).includes(unit);

export interface ModalityTokens {
  modality: TokenModality;
  tokens: number;
}

export type StreamPart =
  | { type: "text-delta"; text: string }
  // Claude's extended thinking, only when a Messages API request asked for it.
  | { type: "thinking-delta"; text: string }
  | { type: "thinking-signature"; signature: string }
  | { type: "tool-call-start"; index: number; id: string; name: string }
  | { type: "tool-call-delta"; index: number; argumentsDelta: string }
  // An image the model made (ADR 073), base64 of its bytes: Gemini's image models in a chat.
  | { type: "image"; mimeType: string; base64: string }
  | { type: "usage"; usage: Usage }
  | { type: "finish"; finishReason: FinishReason };

export const EMPTY_USAGE: Usage = {
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
};
