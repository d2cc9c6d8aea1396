import type { ProviderKindDescriptor } from "../provider-kind.ts";

/** OpenAI's own API. @see https://platform.openai.com/docs/api-reference/chat */
export const openaiProvider = {
  kind: "openai",
  needsBaseUrl: false,
  listsModels: true,
  builtIn: {
    slug: "openai",
    name: "OpenAI API",
    keyVariable: "OPENAI_API_KEY",
    baseUrlVariable: "OPENAI_BASE_URL",
    firstByteTimeoutVariable: "OPENAI_FIRST_BYTE_TIMEOUT_SECONDS",
    chunkTimeoutVariable: "OPENAI_CHUNK_TIMEOUT_SECONDS",
  },
} as const satisfies ProviderKindDescriptor;

/**
 * Any server that speaks OpenAI's chat completions (Groq, DeepSeek, Mistral,
 * Ollama, vLLM...), through the same SDK: what differs between them is data on
 * the provider row, not code.
 */
export const openaiCompatibleProvider = {
  kind: "openai-compatible",
  needsBaseUrl: true,
  listsModels: true,
} as const satisfies ProviderKindDescriptor;
