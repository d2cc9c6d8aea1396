import OpenAI from "openai";
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
import type { FinishReason, StreamPart, Usage } from "../../parts.ts";
import { mapStainlessError, type AdapterCall, type ProviderAdapter } from "../adapter.ts";

/**
 * OpenAI speaks our canonical format already; the adapter forwards the request
 * and turns chunks into parts. Retries are ours (maxRetries: 0), so that a
 * failing provider can be left for the next mapping quickly.
 * @see https://platform.openai.com/docs/api-reference/chat/streaming
 */
export function createOpenAIAdapter(options: {
  apiKey: string;
  baseURL?: string;
  timeoutMs?: number;
}): ProviderAdapter {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 600_000,
  });
  return {
    async open(call) {
      let stream: AsyncIterable<ChatCompletionChunk>;
      try {
        stream = await client.chat.completions.create(toOpenAIParams(call), {
          signal: call.signal,
        });
      } catch (error) {
        throw mapOpenAIError(error);
      }
      return toParts(stream);
    },
  };
}

function toOpenAIParams({
  request,
  upstreamModel,
  maxOutputTokens,
}: AdapterCall): ChatCompletionCreateParamsStreaming {
  const {
    max_tokens: _deprecated,
    stream: _stream,
    stream_options: _options,
    n: _n,
    ...rest
  } = request;
  return {
    ...(rest as Omit<ChatCompletionCreateParamsStreaming, "stream" | "model">),
    model: upstreamModel,
    max_completion_tokens: maxOutputTokens,
    stream: true,
    stream_options: { include_usage: true },
  };
}

async function* toParts(stream: AsyncIterable<ChatCompletionChunk>): AsyncIterable<StreamPart> {
  try {
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) yield { type: "text-delta", text: choice.delta.content };
      for (const call of choice?.delta.tool_calls ?? []) {
        if (call.id)
          yield {
            type: "tool-call-start",
            index: call.index,
            id: call.id,
            name: call.function?.name ?? "",
          };
        if (call.function?.arguments)
          yield {
            type: "tool-call-delta",
            index: call.index,
            argumentsDelta: call.function.arguments,
          };
      }
      if (choice?.finish_reason)
        yield { type: "finish", finishReason: mapFinishReason(choice.finish_reason) };
      if (chunk.usage) yield { type: "usage", usage: convertUsage(chunk.usage) };
    }
  } catch (error) {
    throw mapOpenAIError(error);
  }
}

export function convertUsage(usage: NonNullable<ChatCompletionChunk["usage"]>): Usage {
  const details = usage.prompt_tokens_details as
    { cached_tokens?: number; cache_write_tokens?: number } | undefined;
  const cached = details?.cached_tokens ?? 0;
  const cacheWrite = details?.cache_write_tokens ?? 0;
  return {
    inputTokens: Math.max(0, usage.prompt_tokens - cached - cacheWrite),
    cachedInputTokens: cached,
    cacheWriteTokens: cacheWrite,
    outputTokens: usage.completion_tokens,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

function mapFinishReason(reason: string): FinishReason {
  if (reason === "length" || reason === "content_filter") return reason;
  if (reason === "tool_calls" || reason === "function_call") return "tool_calls";
  return "stop";
}

const mapOpenAIError = (error: unknown) => mapStainlessError("OpenAI", OpenAI, error);
