import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { FinishReason, StreamPart, Usage } from "../../llm/parts.ts";
import { optionalTokenCount, tokenCount } from "../token-count.ts";

// OpenAI's chat answers as parts: one streamed chunk, or one whole completion.
// @see https://platform.openai.com/docs/api-reference/chat/streaming

export function chunkParts(chunk: ChatCompletionChunk, parts: StreamPart[]) {
  const choice = chunk.choices?.[0];
  if (choice?.delta?.content) parts.push({ type: "text-delta", text: choice.delta.content });
  for (const call of choice?.delta?.tool_calls ?? []) {
    if (call.id)
      parts.push({
        type: "tool-call-start",
        index: call.index,
        id: call.id,
        name: call.function?.name ?? "",
      });
    if (call.function?.arguments)
      parts.push({
        type: "tool-call-delta",
        index: call.index,
        argumentsDelta: call.function.arguments,
      });
  }
  if (choice?.finish_reason)
    parts.push({ type: "finish", finishReason: mapFinishReason(choice.finish_reason) });
  if (chunk.usage) parts.push({ type: "usage", usage: convertUsage(chunk.usage) });
}

export function completionParts(completion: ChatCompletion): StreamPart[] {
  const parts: StreamPart[] = [];
  const choice = completion.choices?.[0];
  if (choice?.message?.content) parts.push({ type: "text-delta", text: choice.message.content });
  (choice?.message?.tool_calls ?? []).forEach((call, index) => {
    if (call.type !== "function") return;
    parts.push({ type: "tool-call-start", index, id: call.id, name: call.function.name });
    if (call.function.arguments)
      parts.push({ type: "tool-call-delta", index, argumentsDelta: call.function.arguments });
  });
  if (choice?.finish_reason)
    parts.push({ type: "finish", finishReason: mapFinishReason(choice.finish_reason) });
  if (completion.usage) parts.push({ type: "usage", usage: convertUsage(completion.usage) });
  return parts;
}

export function convertUsage(usage: NonNullable<ChatCompletionChunk["usage"]>): Usage {
  const details = usage.prompt_tokens_details as
    { cached_tokens?: unknown; cache_write_tokens?: unknown } | null | undefined;
  const cached = optionalTokenCount(details?.cached_tokens);
  const cacheWrite = optionalTokenCount(details?.cache_write_tokens);
  return {
    // NaN stays NaN through max(): a bad count is refused when the request is billed.
    inputTokens: Math.max(0, tokenCount(usage.prompt_tokens) - cached - cacheWrite),
    cachedInputTokens: cached,
    cacheWriteTokens: cacheWrite,
    outputTokens: tokenCount(usage.completion_tokens),
    reasoningTokens: optionalTokenCount(usage.completion_tokens_details?.reasoning_tokens),
  };
}

function mapFinishReason(reason: string): FinishReason {
  if (reason === "length" || reason === "content_filter") return reason;
  if (reason === "tool_calls" || reason === "function_call") return "tool_calls";
  return "stop";
}
