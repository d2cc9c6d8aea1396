import { errorResponse } from "../../http/gateway-error.ts";
import { bodyId } from "../../llm/generation-id.ts";
import { createChunkRenderer, openAIUsage } from "./openai-chunks.ts";
import { renderCompletion } from "./openai-completion.ts";
import { seedEvent } from "../seed-events.ts";
import { SSE_DONE, sseEvent } from "../sse.ts";
import type { AnswerIdentity, WireFormat } from "../wire-format.ts";

export const chatIdentity = (identity: AnswerIdentity) => ({
  id: bodyId("chat", identity.requestId),
  created: identity.created,
  model: identity.model,
});

/** OpenAI Chat Completions: chunks, then [DONE]; errors as {"error": {...}}. */
export const openAIFormat: WireFormat = {
  stream(identity, request) {
    const includeUsage = request.stream_options?.include_usage === true;
    const chunks = createChunkRenderer(chatIdentity(identity), {
      nullUsage: includeUsage,
      usage: openAIUsage,
    });
    return {
      start: () => sseEvent(chunks.start()),
      part(part) {
        const chunk = chunks.part(part);
        return chunk === undefined ? "" : sseEvent(chunk);
      },
      end: (usage) => (includeUsage ? sseEvent(chunks.usage(usage)) : "") + SSE_DONE,
      fail: (error) => sseEvent(JSON.stringify(error)) + SSE_DONE,
    };
  },
  json: (identity, answer, usage) => renderCompletion(chatIdentity(identity), answer, usage),
  error: errorResponse,
};

/** The seed's /completions: text events only, always streamed; errors as OpenAI's. */
export const seedFormat: WireFormat = {
  stream: () => ({
    start: () => "",
    part(part) {
      const event = seedEvent(part);
      return event === undefined ? "" : sseEvent(event);
    },
    end: () => SSE_DONE,
    fail: (error) => sseEvent(JSON.stringify(error)) + SSE_DONE,
  }),
  json: openAIFormat.json,
  error: errorResponse,
};
