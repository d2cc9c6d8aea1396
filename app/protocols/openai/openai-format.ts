import { errorResponse } from "../../http/gateway-error.ts";
import { bodyId } from "../../llm/generation-id.ts";
import { createChunkRenderer, openAIUsage } from "./openai-chunks.ts";
import { renderCompletion } from "./openai-completion.ts";
import { contentEvent } from "../content-events.ts";
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

/** POST /completions, content events: text only, always streamed; errors as OpenAI's. */
export const contentEventsFormat: WireFormat = {
  stream: () => ({
    start: () => "",
    part(part) {
      const event = contentEvent(part);
      return event === undefined ? "" : sseEvent(event);
    },
    end: () => SSE_DONE,
    fail: (error) => sseEvent(JSON.stringify(error)) + SSE_DONE,
  }),
  json: openAIFormat.json,
  error: errorResponse,
};
