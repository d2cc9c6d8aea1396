import Anthropic from "@anthropic-ai/sdk";
import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { mapStainlessError, onePerBatch, type ProviderAdapter } from "../adapter.ts";
import { upstreamFetch } from "../upstream-fetch.server.ts";
import { toParts } from "./anthropic-parts.ts";
import { toAnthropicParams } from "./convert-to-anthropic-messages.ts";

/**
 * Claude through @anthropic-ai/sdk 1.x (Bearer auth, API version 2026-10-21).
 * Usage arrives in two halves: input at message_start, cumulative output in
 * message_delta; we emit each as it comes and the latest wins.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function createAnthropicAdapter(options: {
  apiKey: string;
  baseURL?: string;
  timeoutMs?: number;
}): ProviderAdapter {
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 600_000,
    fetch: upstreamFetch,
  });
  return {
    async streamParts(call) {
      const native = call.native?.protocol === "anthropic" ? call.native : undefined;
      // A Messages API client's own body goes as it came: thinking, cache_control and
      // the rest reach Claude; only the model and the granted max_tokens are ours.
      const params = native
        ? { ...native.body, model: call.upstreamModel, max_tokens: call.maxOutputTokens }
        : toAnthropicParams(call.request, call.upstreamModel, call.maxOutputTokens);
      let stream: AsyncIterable<RawMessageStreamEvent>;
      try {
        stream = await client.messages.create(
          { ...params, stream: true } as unknown as Anthropic.MessageCreateParamsStreaming,
          { signal: call.signal, headers: native?.headers },
        );
      } catch (error) {
        throw mapAnthropicError(error);
      }
      return onePerBatch(toParts(stream, mapAnthropicError));
    },
  };
}

const mapAnthropicError = (error: unknown) => mapStainlessError("Anthropic", Anthropic, error);
