import { microToCredits, microToUsdNumber } from "../../utils/money.ts";
import type { Usage } from "../../llm/parts.ts";
import { createChunkRenderer } from "../openai/openai-chunks.ts";
import { renderCompletion } from "../openai/openai-completion.ts";
import { chatIdentity } from "../openai/openai-format.ts";
import { openRouterError, openRouterErrorResponse } from "./openrouter-error.ts";
import { SSE_DONE, sseEvent } from "../sse.ts";
import type { AnswerIdentity, Charge, WireFormat } from "../wire-format.ts";

// OpenRouter's chat completions (POST /api/v1/chat/completions), as its SDK's
// ChatResult and ChatStreamChunk schemas take them: OpenAI's shape with
// `system_fingerprint`, no `"usage": null` in chunks, the usage (with its cost
// as a number of US dollars) always in the last chunk, and OpenRouter's error
// shape. The exact cost stays beside the number, in credits (ADR 038).
// @see https://openrouter.ai/docs/api-reference/chat-completion

/** OpenRouter's usage: its token details, the cost in US dollars (a number), and ours exactly. */
export function openRouterUsage({ usage, cost, byok }: Charge) {
  const prompt = promptTokens(usage);
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: {
      cached_tokens: usage.cachedInputTokens,
      cache_write_tokens: usage.cacheWriteTokens,
    },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    cost: microToUsdNumber(cost),
    is_byok: byok,
    cost_credits: microToCredits(cost),
  };
}

export const promptTokens = (usage: Usage) =>
  usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;

/** OpenAI's chat identity, and the provider that served, as OpenRouter names it. */
const openRouterIdentity = (identity: AnswerIdentity) => ({
  ...chatIdentity(identity),
  provider: identity.provider,
});

export const openRouterChatFormat: WireFormat = {
  stream(identity) {
    // OpenRouter sends the usage whether or not stream_options asked for it; its ai-sdk provider counts on it.
    const chunks = createChunkRenderer(openRouterIdentity(identity), {
      nullUsage: false,
      usage: openRouterUsage,
    });
    return {
      start: () => sseEvent(chunks.start()),
      part(part) {
        const chunk = chunks.part(part);
        return chunk === undefined ? "" : sseEvent(chunk);
      },
      end: (charge) => sseEvent(chunks.usage(charge)) + SSE_DONE,
      // A failure after the first byte: a last chunk with the error and finish_reason "error".
      fail: (error) =>
        sseEvent(chunks.closing({ error: openRouterError(error) }, "error")) + SSE_DONE,
    };
  },
  json: (identity, answer, charge) => ({
    ...renderCompletion(chatIdentity(identity), answer, charge),
    provider: identity.provider,
    system_fingerprint: null,
    usage: openRouterUsage(charge),
  }),
  error: openRouterErrorResponse,
};
