// Providers' token counts are untrusted input (a self-hosted or buggy
// OpenAI-compatible server may send 2.5, -3, "eight" or null). Adapters read
// every count through these, so that a bad one becomes NaN: the usage check
// (app/billing/reported-usage.ts) refuses NaN, and the request is billed by
// our own count instead. Nothing here throws: a bad number never ends a request.

/** A count the provider must send: kept if it is a whole number ≥ 0, else NaN. */
export function tokenCount(value: unknown): number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : NaN;
}

/** A count the provider may leave out (undefined or null: none). */
export function optionalTokenCount(value: unknown): number {
  return value === undefined || value === null ? 0 : tokenCount(value);
}
