// What the SDK-level tests of every client API share: the three providers a
// model may be served by, one price for all, and the fakes' scripted usage.
import type { Prices } from "../../app/billing/prices.ts";
import type { Usage } from "../../app/llm/parts.ts";
import { usdToMicro } from "../../app/utils/money.ts";

export const PROVIDERS = ["openai", "anthropic", "google"] as const;
export type ProviderSlug = (typeof PROVIDERS)[number];

/** US dollars per 1M tokens, as the catalog takes them. */
export const USD = { input: "3.00", cachedInput: "0.30", output: "15.00" };
export const PRICES: Prices = {
  input: usdToMicro(USD.input),
  cachedInput: usdToMicro(USD.cachedInput),
  cacheWrite: null,
  output: usdToMicro(USD.output),
};

export const CHUNKS = ["Alpha", " beta", " gamma", " delta"];
/** The usage a fake reports when scripted with it... */
export const FAKE_USAGE = { input: 40, cached: 8, cacheWrite: 0, output: 4, reasoning: 0 };
/** ...and the same in the gateway's terms. */
export const EXPECTED: Usage = {
  inputTokens: 40,
  cachedInputTokens: 8,
  cacheWriteTokens: 0,
  outputTokens: 4,
  reasoningTokens: 0,
};
