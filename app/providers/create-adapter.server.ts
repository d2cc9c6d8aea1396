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

type AdapterFactory = (options: AdapterOptions) => Promise<ProviderAdapter>;

/**
 * How each kind's adapter is built. Each SDK is loaded on first use only:
 * together they take some 50 MB. A Record over the kinds, so a kind added to
 * provider-kinds.ts does not compile until it says how its adapter is made.
 */
const ADAPTER_FACTORIES: Record<ProviderKind, AdapterFactory> = {
  openai: async (options) => {
    const { createOpenAIAdapter } = await import("./openai/openai-adapter.server.ts");
    return createOpenAIAdapter({ ...options, legacyMaxTokens: false });
  },
  // Any server that speaks OpenAI's chat completions goes through the official
  // openai SDK; what differs between them is data on the provider row, not code.
  "openai-compatible": async (options) => {
    const { createOpenAIAdapter } = await import("./openai/openai-adapter.server.ts");
    return createOpenAIAdapter({ ...options, legacyMaxTokens: true });
  },
  anthropic: async (options) => {
    const { createAnthropicAdapter } = await import("./anthropic/anthropic-adapter.server.ts");
    return createAnthropicAdapter({ apiKey: options.apiKey, baseURL: options.baseURL });
  },
  google: async (options) => {
    const { createGeminiAdapter } = await import("./google/gemini-adapter.server.ts");
    return createGeminiAdapter({ apiKey: options.apiKey, baseURL: options.baseURL });
  },
};

/** The adapter for one upstream key of a provider of this kind. */
export async function createAdapter(
  kind: ProviderKind,
  options: AdapterOptions,
): Promise<ProviderAdapter> {
  const factory = Object.hasOwn(ADAPTER_FACTORIES, kind) ? ADAPTER_FACTORIES[kind] : undefined;
  if (!factory) throw new Error(`unknown provider kind '${String(kind)}'`);
  return factory(options);
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
