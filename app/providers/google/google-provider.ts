import type { ProviderKindDescriptor } from "../provider-kind.ts";

/** Google's Gemini API. @see https://ai.google.dev/api/generate-content */
export const googleProvider = {
  kind: "google",
  needsBaseUrl: false,
  listsModels: false,
  builtIn: {
    slug: "google",
    name: "Gemini API",
    keyVariable: "GEMINI_API_KEY",
    baseUrlVariable: "GEMINI_BASE_URL",
    firstByteTimeoutVariable: "GEMINI_FIRST_BYTE_TIMEOUT_SECONDS",
    chunkTimeoutVariable: "GEMINI_CHUNK_TIMEOUT_SECONDS",
  },
} as const satisfies ProviderKindDescriptor;
