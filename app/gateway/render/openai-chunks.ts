import type { FinishReason, StreamPart, Usage } from "../parts.ts";

// Renders parts as OpenAI chat.completion.chunk objects (one per part).
// @see https://platform.openai.com/docs/api-reference/chat/streaming

export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export function openAIUsage(usage: Usage) {
  const prompt = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

export function createChunkRenderer(identity: CompletionIdentity, includeUsage: boolean) {
  const chunk = (delta: Record<string, unknown>, finishReason: FinishReason | null = null) => ({
    id: identity.id,
    object: "chat.completion.chunk",
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  return {
    start: () => chunk({ role: "assistant", content: "" }),
    /** The chunk for one part, or undefined for parts the client does not see as chunks. */
    part(part: StreamPart) {
      switch (part.type) {
        case "text-delta":
          return chunk({ content: part.text });
        case "tool-call-start":
          return chunk({
            tool_calls: [
              {
                index: part.index,
                id: part.id,
                type: "function",
                function: { name: part.name, arguments: "" },
              },
            ],
          });
        case "tool-call-delta":
          return chunk({
            tool_calls: [{ index: part.index, function: { arguments: part.argumentsDelta } }],
          });
        case "finish":
          return chunk({}, part.finishReason);
        case "usage":
          return undefined;
      }
    },
    usage: (usage: Usage) => ({
      id: identity.id,
      object: "chat.completion.chunk",
      created: identity.created,
      model: identity.model,
      choices: [],
      usage: openAIUsage(usage),
    }),
  };
}
