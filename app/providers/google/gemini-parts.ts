import { randomBytes } from "node:crypto";
import type { GenerateContentResponse } from "@google/genai";
import type { FinishReason, StreamPart, Usage } from "../../llm/parts.ts";
import { tokenCount } from "../token-count.ts";

/**
 * Gemini's stream chunks as parts. usageMetadata repeats on every chunk as a
 * running total; the last one counts. Function calls come whole: a start and
 * one delta with all the arguments. `mapError` turns what the stream throws
 * into the gateway's error.
 */
export async function* toParts(
  stream: AsyncIterable<GenerateContentResponse>,
  mapError: (error: unknown) => Error,
): AsyncIterable<StreamPart> {
  let toolCalls = 0;
  try {
    for await (const chunk of stream) {
      const candidate = chunk.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        if (part.thought) continue; // thinking is billed (thoughtsTokenCount) but not shown
        if (part.text) yield { type: "text-delta", text: part.text };
        if (part.functionCall?.name) {
          const index = toolCalls++;
          const id = part.functionCall.id ?? `call_${randomBytes(12).toString("hex")}`;
          yield { type: "tool-call-start", index, id, name: part.functionCall.name };
          yield {
            type: "tool-call-delta",
            index,
            argumentsDelta: JSON.stringify(part.functionCall.args ?? {}),
          };
        }
      }
      if (chunk.usageMetadata) yield { type: "usage", usage: convertUsage(chunk.usageMetadata) };
      if (candidate?.finishReason)
        yield {
          type: "finish",
          finishReason: mapFinishReason(candidate.finishReason, toolCalls > 0),
        };
      if (chunk.promptFeedback?.blockReason)
        yield { type: "finish", finishReason: "content_filter" };
    }
  } catch (error) {
    throw mapError(error);
  }
}

function convertUsage(usage: NonNullable<GenerateContentResponse["usageMetadata"]>): Usage {
  const cached = count(usage.cachedContentTokenCount);
  const thoughts = count(usage.thoughtsTokenCount);
  return {
    inputTokens: Math.max(
      0,
      count(usage.promptTokenCount) + count(usage.toolUsePromptTokenCount) - cached,
    ),
    cachedInputTokens: cached,
    cacheWriteTokens: 0,
    // candidatesTokenCount excludes thinking, which Google bills as output.
    outputTokens: count(usage.candidatesTokenCount) + thoughts,
    reasoningTokens: thoughts,
  };
}

/** Gemini's JSON leaves zero counts out (proto3); a null or a non-count is a broken upstream. */
const count = (value: unknown) => (value === undefined ? 0 : tokenCount(value));

export function mapFinishReason(reason: string, calledTools: boolean): FinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (
    ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"].includes(
      reason,
    )
  )
    return "content_filter";
  return calledTools ? "tool_calls" : "stop";
}
