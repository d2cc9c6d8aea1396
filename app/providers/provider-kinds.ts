/** The wire protocols a provider row can speak (client-safe: the admin's forms offer them). */
export const PROVIDER_KINDS = ["openai", "anthropic", "google", "openai-compatible"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];
