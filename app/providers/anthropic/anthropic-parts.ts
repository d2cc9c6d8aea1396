import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import type { FinishReason, StreamPart, Usage } from "../../llm/parts.ts";
import { tokenCount } from "../token-count.ts";

/**
 * Anthropic's stream events as parts. Usage arrives in two halves: input at
 * message_start, cumulative output in message_delta; each is emitted as it
 * comes and the latest wins. `mapError` turns what the stream throws into the
 * gateway's error.
 */
export async function* toParts(
  stream: AsyncIterable<RawMessageStreamEvent>,
  mapError: (error: unknown) => Error,
): AsyncIterable<StreamPart> {
  const toolIndexByBlock = new Map<number, number>();
  let usage: Usage = {
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
  };
  try {
    for await (const event of stream) {
      switch (event.type) {
        case "message_start":
          if (hasUsage(event.message.usage)) {
            usage = mergeUsage(usage, event.message.usage as AnthropicUsage);
            yield { type: "usage", usage };
          }
          break;
        case "content_block_start":
          if (event.content_block.type === "tool_use") {
            const index = toolIndexByBlock.size;
            toolIndexByBlock.set(event.index, index);
            yield {
              type: "tool-call-start",
              index,
              id: event.content_block.id,
              name: event.content_block.name,
            };
          }
          break;
        case "content_block_delta":
          if (event.delta.type === "text_delta")
            yield { type: "text-delta", text: event.delta.text };
          if (event.delta.type === "thinking_delta")
            yield { type: "thinking-delta", text: event.delta.thinking };
          if (event.delta.type === "signature_delta")
            yield { type: "thinking-signature", signature: event.delta.signature };
          if (event.delta.type === "input_json_delta" && event.delta.partial_json) {
            const index = toolIndexByBlock.get(event.index);
            if (index !== undefined)
              yield { type: "tool-call-delta", index, argumentsDelta: event.delta.partial_json };
          }
          break;
        case "message_delta":
          if (hasUsage(event.usage)) {
            usage = mergeUsage(usage, event.usage as AnthropicUsage);
            yield { type: "usage", usage };
          }
          if (event.delta.stop_reason)
            yield { type: "finish", finishReason: mapStopReason(event.delta.stop_reason) };
          break;
      }
    }
  } catch (error) {
    throw mapError(error);
  }
}

interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

function hasUsage(value: unknown): value is AnthropicUsage {
  const usage = value as AnthropicUsage | undefined;
  return typeof usage?.input_tokens === "number" || typeof usage?.output_tokens === "number";
}

// message_delta usage is cumulative and may repeat or omit input fields (null):
// later values replace earlier ones.
function mergeUsage(current: Usage, next: AnthropicUsage): Usage {
  const replace = (value: unknown, earlier: number) =>
    value === undefined || value === null ? earlier : tokenCount(value);
  return {
    inputTokens: replace(next.input_tokens, current.inputTokens),
    cachedInputTokens: replace(next.cache_read_input_tokens, current.cachedInputTokens),
    cacheWriteTokens: replace(next.cache_creation_input_tokens, current.cacheWriteTokens),
    outputTokens: replace(next.output_tokens, current.outputTokens),
    reasoningTokens: replace(next.output_tokens_details?.thinking_tokens, current.reasoningTokens),
  };
}

/** @see https://docs.anthropic.com/en/api/handling-stop-reasons */
export function mapStopReason(reason: string): FinishReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}
