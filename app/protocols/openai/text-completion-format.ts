import { errorResponse } from "../../http/gateway-error.ts";
import type { FinishReason } from "../../llm/parts.ts";
import { openAIUsage } from "./openai-chunks.ts";
import { SSE_DONE, sseEvent } from "../sse.ts";
import type { AnswerIdentity, WireFormat } from "../wire-format.ts";

// OpenAI's legacy text_completion objects: one choice with `text`, streamed as
// chunks of the same object, [DONE] last; usage (with its cost) as in chat.
// @see https://platform.openai.com/docs/api-reference/completions/object

/** The legacy API has no tool calls: a model's tool call (none is offered) ends as a stop. */
const legacyFinishReason = (reason: FinishReason) => (reason === "tool_calls" ? "stop" : reason);

const envelope = (identity: AnswerIdentity) =>
  `{"id":${JSON.stringify(`cmpl-${identity.requestId.slice(4)}`)},"object":"text_completion","created":${identity.created},"model":${JSON.stringify(identity.model)}`;

export const textCompletionFormat: WireFormat = {
  stream(identity, request) {
    const includeUsage = request.stream_options?.include_usage === true;
    const head = envelope(identity);
    const chunk = (text: string, finishReason: FinishReason | null) =>
      `${head},"choices":[{"text":${JSON.stringify(text)},"index":0,"logprobs":null,"finish_reason":${finishReason === null ? "null" : `"${legacyFinishReason(finishReason)}"`}}]${includeUsage ? ',"usage":null' : ""}}`;
    return {
      start: () => "",
      part(part) {
        if (part.type === "text-delta") return sseEvent(chunk(part.text, null));
        if (part.type === "finish") return sseEvent(chunk("", part.finishReason));
        return "";
      },
      end: (charge) =>
        (includeUsage
          ? sseEvent(`${head},"choices":[],"usage":${JSON.stringify(openAIUsage(charge))}}`)
          : "") + SSE_DONE,
      fail: (error) => sseEvent(JSON.stringify(error)) + SSE_DONE,
    };
  },
  json: (identity, answer, charge) => ({
    id: `cmpl-${identity.requestId.slice(4)}`,
    object: "text_completion",
    created: identity.created,
    model: identity.model,
    choices: [
      {
        text: answer.text,
        index: 0,
        logprobs: null,
        finish_reason: legacyFinishReason(answer.finishReason ?? "stop"),
      },
    ],
    usage: openAIUsage(charge),
  }),
  error: errorResponse,
};
