/** The longest a key keeps its answers in the response cache: a day, as OpenRouter allows (ADR 066). */
export const MAX_CACHE_TTL_SECONDS = 86_400;
