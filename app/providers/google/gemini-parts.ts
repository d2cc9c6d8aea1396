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
        // An image the model made (ADR 073): Gemini's image models, asked for IMAGE.
        if (part.inlineData?.data && part.inlineData.mimeType?.startsWith("image/"))
          yield { type: "image", mimeType: part.inlineData.mimeType, base64: part.inlineData.data };
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

type UsageMetadata = NonNullable<GenerateContentResponse["usageMetadata"]>;

function convertUsage(usage: UsageMetadata): Usage {
  const cached = count(usage.cachedContentTokenCount);
  const thoughts = count(usage.thoughtsTokenCount);
  return {
    inputTokens: inputTokensOf(usage),
    cachedInputTokens: cached,
    cacheWriteTokens: 0,
    // candidatesTokenCount excludes thinking, which Google bills as output.
    outputTokens: count(usage.candidatesTokenCount) + thoughts,
    reasoningTokens: thoughts,
    ...modalityTokens(usage),
  };
}

/**
 * The tokens of a modality Google prices apart from text (ADR 073), from its per-modality
 * counts: images or audio the model made, else audio it heard. One per request: the catalog
 * prices at most one modality per model.
 */
function modalityTokens(usage: UsageMetadata): Pick<Usage, "modalityTokens"> {
  const made = (modality: string) =>
    count(
      usage.candidatesTokensDetails?.find((detail) => detail.modality === modality)?.tokenCount,
    );
  const heard = count(
    usage.promptTokensDetails?.find((detail) => detail.modality === "AUDIO")?.tokenCount,
  );
  const [modality, tokens] =
    made("IMAGE") > 0
      ? (["image_output_token", made("IMAGE")] as const)
      : made("AUDIO") > 0
        ? (["audio_output_token", made("AUDIO")] as const)
        : // Cached prompt tokens are not in inputTokens: the audio counted is at most what is.
          (["audio_input_token", Math.min(heard, inputTokensOf(usage))] as const);
  return tokens > 0 ? { modalityTokens: { modality, tokens } } : {};
}

/** The prompt's tokens billed as input: all of them but the cached ones. */
const inputTokensOf = (usage: UsageMetadata) =>
  Math.max(
    0,
    count(usage.promptTokenCount) +
      count(usage.toolUsePromptTokenCount) -
      count(usage.cachedContentTokenCount),
  );

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
