import { TOKEN_MODALITIES, type TokenModality } from "../llm/parts.ts";

/** A mapping's prices in µcr per 1M tokens: catalog data, which billing charges by. */
export interface Prices {
  input: bigint;
  cachedInput: bigint;
  cacheWrite: bigint | null;
  output: bigint;
  /** Tokens of a modality priced apart from text (ADR 073), µcr per 1M of them. */
  modality?: Partial<Record<TokenModality, bigint>>;
}

/**
 * The modality prices in a mapping's `media_prices` (ADR 073): µcr per 1M tokens as strings,
 * {"image_output_token": "30000000"}; undefined when it has none (or they are not amounts).
 */
export function parseModalityPrices(stored: unknown): Prices["modality"] {
  if (!stored || typeof stored !== "object") return undefined;
  const modality: NonNullable<Prices["modality"]> = {};
  for (const kind of TOKEN_MODALITIES) {
    const price = (stored as Record<string, unknown>)[kind];
    if (typeof price === "string" && /^\d{1,18}$/.test(price)) modality[kind] = BigInt(price);
  }
  return Object.keys(modality).length ? modality : undefined;
}

/** A route's modality prices, each changed alike (marked up, a BYOK fee). */
export function mapModality(
  modality: NonNullable<Prices["modality"]>,
  change: (price: bigint) => bigint,
): NonNullable<Prices["modality"]> {
  return Object.fromEntries(Object.entries(modality).map(([kind, price]) => [kind, change(price)]));
}

/** A mapping row's prices: what the provider charges (with its modality prices, if any). */
export function mappingCostPrices(mapping: {
  inputPrice: bigint;
  cachedInputPrice: bigint;
  cacheWritePrice: bigint | null;
  outputPrice: bigint;
  mediaPrices?: unknown;
}): Prices {
  const modality = parseModalityPrices(mapping.mediaPrices);
  return {
    input: mapping.inputPrice,
    cachedInput: mapping.cachedInputPrice,
    cacheWrite: mapping.cacheWritePrice,
    output: mapping.outputPrice,
    ...(modality ? { modality } : {}),
  };
}
