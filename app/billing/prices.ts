import { costOfTokens } from "../utils/money.ts";
import type { Usage } from "../llm/parts.ts";
import type { Prices } from "../catalog/prices.ts";

// The type lives with the catalog (below billing); billing's users keep importing it from here.
export type { Prices };

/** The charge for a request's usage: each token kind rounded up on its own. */
export function costOfUsage(usage: Usage, prices: Prices): bigint {
  return (
    costOfTokens(usage.inputTokens, prices.input) +
    costOfTokens(usage.cachedInputTokens, prices.cachedInput) +
    costOfTokens(usage.cacheWriteTokens, prices.cacheWrite ?? prices.input) +
    costOfTokens(usage.outputTokens, prices.output)
  );
}

/**
 * The prices of a request served with the user's own provider key (BYOK): a fee
 * of `basisPoints` hundredths of a percent of the provider's, each rounded up
 * to a whole µcr per 1M tokens (0: free).
 */
export function feePrices(prices: Prices, basisPoints: number): Prices {
  const fee = (price: bigint) => (price * BigInt(basisPoints) + 9_999n) / 10_000n;
  return {
    input: fee(prices.input),
    cachedInput: fee(prices.cachedInput),
    cacheWrite: prices.cacheWrite === null ? null : fee(prices.cacheWrite),
    output: fee(prices.output),
  };
}

/** The dearest way the provider may bill an input token (cache writes can cost more than input). */
export function maxInputPrice(prices: Prices): bigint {
  const candidates = [prices.input, prices.cachedInput, prices.cacheWrite ?? 0n];
  return candidates.reduce((max, price) => (price > max ? price : max));
}
