/** A mapping's prices in µcr per 1M tokens: catalog data, which billing charges by. */
export interface Prices {
  input: bigint;
  cachedInput: bigint;
  cacheWrite: bigint | null;
  output: bigint;
}
