import { mapModality, mappingCostPrices, type Prices } from "./prices.ts";

// Sell price and cost (ADR 069): a gateway may sell a provider's tokens above
// what the provider charges, by a percentage and/or an amount per 1M tokens, set
// per provider or per model (the model's wins). The routes keep the provider's
// prices as their cost; requests are charged the sell prices.

export interface Markup {
  /** Hundredths of a percent added to every price. */
  basisPoints: number | null;
  /** µcr per 1M tokens added to every price, after the percentage. */
  perMillion: bigint | null;
}

const isSet = (markup: Markup) => markup.basisPoints !== null || markup.perMillion !== null;

/** The markup that applies: the model's when it has one, else its provider's; null when neither. */
export function markupOf(model: Markup, provider: Markup): Markup | null {
  if (isSet(model)) return model;
  return isSet(provider) ? provider : null;
}

/** The prices a request is charged: the cost, marked up (each rounded up to a whole µcr per 1M). */
export function sellPrices(cost: Prices, markup: Markup | null): Prices {
  if (!markup) return cost;
  const factor = 10_000n + BigInt(markup.basisPoints ?? 0);
  const add = markup.perMillion ?? 0n;
  const sell = (price: bigint) => (price * factor + 9_999n) / 10_000n + add;
  return {
    input: sell(cost.input),
    cachedInput: sell(cost.cachedInput),
    cacheWrite: cost.cacheWrite === null ? null : sell(cost.cacheWrite),
    output: sell(cost.output),
    ...(cost.modality ? { modality: mapModality(cost.modality, sell) } : {}),
  };
}

/**
 * A price per unit (an image, ADR 072), marked up by the percentage only: the amount per
 * 1M tokens has no meaning per image. Rounded up to a whole µcr.
 */
export function sellUnitPrice(cost: bigint, markup: Markup | null): bigint {
  if (!markup?.basisPoints) return cost;
  return (cost * (10_000n + BigInt(markup.basisPoints)) + 9_999n) / 10_000n;
}

/** A models or providers row's markup columns. */
export interface MarkupColumns {
  markupBasisPoints: number | null;
  markupPerMillion: bigint | null;
}

export const markupFrom = (row: MarkupColumns): Markup => ({
  basisPoints: row.markupBasisPoints,
  perMillion: row.markupPerMillion,
});

/** A route's sell prices from its rows: the mapping's prices, the model's or else its provider's markup. */
export function routeSellPrices(
  model: MarkupColumns,
  mapping: {
    inputPrice: bigint;
    cachedInputPrice: bigint;
    cacheWritePrice: bigint | null;
    outputPrice: bigint;
    mediaPrices?: unknown;
    provider: MarkupColumns;
  },
): Prices {
  return sellPrices(
    mappingCostPrices(mapping),
    markupOf(markupFrom(model), markupFrom(mapping.provider)),
  );
}

/**
 * A markup as the admin JSON API takes it, into its columns: `markupPercent` (up to
 * two decimals) and `markupPerMillion` (US dollars per 1M tokens, a string); null
 * clears one, absent leaves it.
 */
export function markupColumns(change: {
  markupPercent?: number | null;
  markupPerMillion?: bigint | null;
}) {
  return {
    ...(change.markupPercent === undefined
      ? {}
      : {
          markupBasisPoints:
            change.markupPercent === null ? null : Math.round(change.markupPercent * 100),
        }),
    ...(change.markupPerMillion === undefined ? {} : { markupPerMillion: change.markupPerMillion }),
  };
}
