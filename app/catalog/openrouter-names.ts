// What OpenRouter calls the providers it shares with us (its SDK's ProviderName):
// the three built-in APIs by OpenRouter's names, any other by its own.

const OPENROUTER_PROVIDER_NAMES: Record<string, string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  // OpenRouter's name for the Gemini API (Vertex AI is "Google").
  google: "Google AI Studio",
};

/** A provider's name in OpenRouter's answers: `provider_name`, an endpoint's `name`. */
export const openRouterProviderName = (slug: string, name: string | undefined) =>
  OPENROUTER_PROVIDER_NAMES[slug] ?? name ?? slug;
