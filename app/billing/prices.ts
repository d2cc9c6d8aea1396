import { costOfTokens } from "../utils/money.ts";
import type { Usage } from "../gateway/parts.ts";

/** A mapping's prices in µcr per 1M tokens. */
export interface Prices {
  input: bigint;
  cachedInput: bigint;
  cacheWrite: bigint | null;
  output: bigint;
}

/** The charge for a request's usage: each token kind rounded up on its own. */
export function costOfUsage(usage: Usage, prices: Prices): bigint {
  return (
    costOfTokens(usage.inputTokens, prices.input) +
    costOfTokens(usage.cachedInputTokens, prices.cachedInput) +
    costOfTokens(usage.cacheWriteTokens, prices.cacheWrite ?? prices.input) +
    costOfTokens(usage.outputTokens, prices.output)
  );
}

/** The dearest way the provider may bill an input token (cache writes can cost more than input). */
export function maxInputPrice(prices: Prices): bigint {
  const candidates = [prices.input, prices.cachedInput, prices.cacheWrite ?? 0n];
  return candidates.reduce((max, price) => (price > max ? price : max));
}
