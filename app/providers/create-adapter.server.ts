import type { ProviderAdapter } from "./adapter.ts";
import { PROVIDER_KINDS, type ProviderKind } from "./provider-kinds.ts";

// The list lives in a client-safe module for the admin's forms; its users import it from here.
export { PROVIDER_KINDS, type ProviderKind };

export interface AdapterOptions {
  apiKey: string;
  /** Undefined for the official SDK's default. */
  baseURL?: string;
  /** openai-compatible: the server reports usage in streams when asked. */
  streamUsage?: boolean;
}

/**
 * The adapter for one upstream key of a provider of this kind. Each SDK is
 * loaded on first use only: together they take some 50 MB. Any server that
 * speaks OpenAI's chat completions (Groq, DeepSeek, Mistral, Ollama, vLLM...)
 * goes through the official openai SDK; what differs between them is data on
 * the provider row, not code.
 */
export async function createAdapter(
  kind: ProviderKind,
  options: AdapterOptions,
): Promise<ProviderAdapter> {
  switch (kind) {
    case "openai":
    case "openai-compatible": {
      const { createOpenAIAdapter } = await import("./openai/openai-adapter.server.ts");
      return createOpenAIAdapter({
        apiKey: options.apiKey,
        baseURL: options.baseURL,
        streamUsage: options.streamUsage,
        legacyMaxTokens: kind === "openai-compatible",
      });
    }
    case "anthropic": {
      const { createAnthropicAdapter } = await import("./anthropic/anthropic-adapter.server.ts");
      return createAnthropicAdapter({ apiKey: options.apiKey, baseURL: options.baseURL });
    }
    case "google": {
      const { createGeminiAdapter } = await import("./google/gemini-adapter.server.ts");
      return createGeminiAdapter({ apiKey: options.apiKey, baseURL: options.baseURL });
    }
    default:
      throw new Error(`unknown provider kind '${String(kind)}'`);
  }
}

/** The model ids an OpenAI-speaking server lists at GET /models (every page). */
export async function listUpstreamModels(options: AdapterOptions): Promise<string[]> {
  const { default: OpenAI } = await import("openai");
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: 15_000,
  });
  const ids: string[] = [];
  for await (const model of client.models.list()) ids.push(model.id);
  return ids;
}
