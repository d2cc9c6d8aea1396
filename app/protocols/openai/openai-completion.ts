import type { Charge } from "../wire-format.ts";
import type { CompletionAccumulator } from "../completion-accumulator.ts";
import { openAIUsage, type CompletionIdentity } from "./openai-chunks.ts";

/** The non-streaming chat.completion body. */
export function renderCompletion(
  identity: CompletionIdentity,
  answer: CompletionAccumulator,
  charge: Charge,
) {
  const toolCalls = answer.toolCalls.filter(Boolean);
  return {
    id: identity.id,
    object: "chat.completion",
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: toolCalls.length > 0 && answer.text === "" ? null : answer.text,
          refusal: null,
          ...(toolCalls.length > 0
            ? {
                tool_calls: toolCalls.map((call) => ({
                  id: call.id,
                  type: "function",
                  function: { name: call.name, arguments: call.arguments },
                })),
              }
            : {}),
          // Images the model made (ADR 073), as OpenRouter answers them.
          ...(answer.images.length > 0
            ? { images: answer.images.map((url) => ({ type: "image_url", image_url: { url } })) }
            : {}),
        },
        logprobs: null,
        finish_reason: answer.finishReason ?? "stop",
      },
    ],
    usage: openAIUsage(charge),
  };
}
