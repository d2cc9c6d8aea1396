import { costOfTokens } from "../utils/money.ts";
import type { Usage } from "../llm/parts.ts";
import { mapModality, type Prices } from "../catalog/prices.ts";

// The type lives with the catalog (below billing); billing's users keep importing it from here.
export type { Prices };

/**
 * The charge for a request's usage: each token kind rounded up on its own. Tokens of a
 * modality the route prices apart (ADR 073) are taken out of their side and charged at
 * their own price; a modality it does not price is charged as text.
 */
export function costOfUsage(usage: Usage, prices: Prices): bigint {
  let input = usage.inputTokens;
  let output = usage.outputTokens;
  let modalityCost = 0n;
  const special = usage.modalityTokens;
  const price = special && prices.modality?.[special.modality];
  if (special && price !== undefined) {
    if (special.modality === "audio_input_token") input -= special.tokens;
    else output -= special.tokens;
    modalityCost = costOfTokens(special.tokens, price);
  }
  return (
    costOfTokens(input, prices.input) +
    costOfTokens(usage.cachedInputTokens, prices.cachedInput) +
    costOfTokens(usage.cacheWriteTokens, prices.cacheWrite ?? prices.input) +
    costOfTokens(output, prices.output) +
    modalityCost
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
    ...(prices.modality ? { modality: mapModality(prices.modality, fee) } : {}),
  };
}

/** The dearest way the provider may bill an input token (cache writes can cost more than input). */
export function maxInputPrice(prices: Prices): bigint {
  const candidates = [
    prices.input,
    prices.cachedInput,
    prices.cacheWrite ?? 0n,
    prices.modality?.audio_input_token ?? 0n,
  ];
  return candidates.reduce((max, price) => (price > max ? price : max));
}

/** The dearest way the provider may bill an output token: as text, audio or an image (ADR 073). */
export function maxOutputPrice(prices: Prices): bigint {
  const { output, modality } = prices;
  if (!modality) return output;
  const candidates = [output, modality.audio_output_token ?? 0n, modality.image_output_token ?? 0n];
  return candidates.reduce((max, price) => (price > max ? price : max));
}
