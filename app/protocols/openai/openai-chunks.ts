import { microToCredits, microToUsd } from "../../utils/money.ts";
import type { FinishReason, StreamPart } from "../../llm/parts.ts";
import type { Charge } from "../wire-format.ts";
import { imageDataUrl } from "../completion-accumulator.ts";

// Renders parts as OpenAI chat.completion.chunk JSON (one per visible part).
// Every chunk of a request shares its envelope, so it is serialized once and
// only the delta is serialized per part.
// @see https://platform.openai.com/docs/api-reference/chat/streaming

export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
  /** OpenRouter's answers name the provider that served them. */
  provider?: string;
}

/**
 * OpenAI's usage object, with what the request cost as OpenRouter reports it
 * (`cost`, US dollars, for clients migrating from it) and in our credits, both
 * as exact decimal strings.
 */
export function openAIUsage({ usage, cost }: Charge) {
  const prompt = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    cost: microToUsd(cost),
    cost_credits: microToCredits(cost),
  };
}

export interface ChunkOptions {
  /** Every chunk says `"usage": null` until the usage chunk (OpenAI's, with include_usage; OpenRouter's schema refuses it). */
  nullUsage: boolean;
  /** The usage object of the last chunk. */
  usage: (charge: Charge) => unknown;
}

export function createChunkRenderer(identity: CompletionIdentity, options: ChunkOptions) {
  const provider =
    identity.provider === undefined ? "" : `,"provider":${JSON.stringify(identity.provider)}`;
  const envelope = `{"id":${JSON.stringify(identity.id)},"object":"chat.completion.chunk","created":${identity.created},"model":${JSON.stringify(identity.model)}${provider}`;
  const head = `${envelope},"choices":[{"index":0,"delta":`;
  const tail = (finishReason: FinishReason | null) =>
    `,"logprobs":null,"finish_reason":${finishReason === null ? "null" : `"${finishReason}"`}}]${options.nullUsage ? ',"usage":null' : ""}}`;
  const pending = tail(null);
  const chunk = (delta: string) => head + delta + pending;
  return {
    start: () => chunk('{"role":"assistant","content":""}'),
    /** The chunk for one part, or undefined for parts the client does not see as chunks. */
    part(part: StreamPart): string | undefined {
      switch (part.type) {
        case "text-delta":
          return chunk(`{"content":${JSON.stringify(part.text)}}`);
        case "tool-call-start":
          return chunk(
            JSON.stringify({
              tool_calls: [
                {
                  index: part.index,
                  id: part.id,
                  type: "function",
                  function: { name: part.name, arguments: "" },
                },
              ],
            }),
          );
        case "tool-call-delta":
          return chunk(
            JSON.stringify({
              tool_calls: [{ index: part.index, function: { arguments: part.argumentsDelta } }],
            }),
          );
        case "image":
          // OpenRouter's image answers (ADR 073): the delta's `images`.
          return chunk(
            JSON.stringify({
              images: [{ type: "image_url", image_url: { url: imageDataUrl(part) } }],
            }),
          );
        case "finish":
          return head + "{}" + tail(part.finishReason);
        case "usage":
        case "thinking-delta":
        case "thinking-signature":
          return undefined;
      }
    },
    usage: (charge: Charge) =>
      `${envelope},"choices":[],"usage":${JSON.stringify(options.usage(charge))}}`,
    /** A chunk with `fields` in the envelope and an empty delta that finishes as `finishReason`. */
    closing: (fields: Record<string, unknown>, finishReason: string) =>
      `${envelope},${JSON.stringify(fields).slice(1, -1)},"choices":[{"index":0,"delta":{"content":""},"finish_reason":${JSON.stringify(finishReason)}}]}`,
  };
}
