import type { ProviderKindDescriptor } from "../provider-kind.ts";

/** Anthropic's Messages API. @see https://docs.anthropic.com/en/api/messages */
export const anthropicProvider = {
  kind: "anthropic",
  needsBaseUrl: false,
  listsModels: false,
  builtIn: {
    slug: "anthropic",
    name: "Anthropic API",
    keyVariable: "ANTHROPIC_API_KEY",
    baseUrlVariable: "ANTHROPIC_BASE_URL",
    firstByteTimeoutVariable: "ANTHROPIC_FIRST_BYTE_TIMEOUT_SECONDS",
    chunkTimeoutVariable: "ANTHROPIC_CHUNK_TIMEOUT_SECONDS",
  },
} as const satisfies ProviderKindDescriptor;
