// Money is integer arithmetic on BigInt micro-credits (µcr), never floats.
// 1 credit = US$0.01 = 1,000,000 µcr, so US$1 = 100,000,000 µcr.
// Prices are µcr per 1M tokens. See docs/decisions/003-money-units.md.

export const MICRO_PER_CREDIT = 1_000_000n;
export const MICRO_PER_USD = 100n * MICRO_PER_CREDIT;
const TOKENS_PER_PRICE_UNIT = 1_000_000n;

/** Cost of `tokens` at `pricePerMillion` µcr per 1M tokens, rounded up to a whole µcr. */
export function costOfTokens(tokens: number | bigint, pricePerMillion: bigint): bigint {
  const count = BigInt(tokens);
  if (count < 0n) throw new RangeError("token count must not be negative");
  if (pricePerMillion < 0n) throw new RangeError("price must not be negative");
  return ceilDiv(count * pricePerMillion, TOKENS_PER_PRICE_UNIT);
}

/** Whole credits to µcr. */
export function creditsToMicro(credits: number | bigint): bigint {
  return BigInt(credits) * MICRO_PER_CREDIT;
}

/**
 * Parses an exact decimal US-dollar amount such as "2.50" or "0.075" into µcr.
 * Throws on anything finer than one µcr (US$0.00000001) or not a plain decimal.
 */
export function usdToMicro(amount: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,8}))?$/.exec(amount);
  if (!match) throw new RangeError(`not a US-dollar amount with at most 8 decimals: ${amount}`);
  const [, whole = "0", fraction = ""] = match;
  return BigInt(whole) * MICRO_PER_USD + BigInt(fraction.padEnd(8, "0"));
}

/**
 * How precisely a person reads an amount (ADR 049): balances, totals and limits to the
 * hundredth of a credit; one request's cost to the ten-thousandth, where it is not yet a cent.
 */
export type MoneyPrecision = "total" | "request";

const DIGITS: Record<MoneyPrecision, { credits: number; usd: number }> = {
  total: { credits: 2, usd: 2 },
  request: { credits: 4, usd: 6 },
};

/**
 * The one format a person reads: "1,000.00 credits ($10.00)", "0.0160 credits ($0.000160)".
 * `sign` writes "+" before a positive amount (a history of additions and charges).
 */
export function formatMoney(
  micro: bigint,
  options: { precision?: MoneyPrecision; sign?: boolean } = {},
): string {
  const { credits, usd } = formatMoneyParts(micro, options);
  return `${credits} (${usd})`;
}

/** formatMoney's two halves, for a card that shows the credits large and the dollars small. */
export function formatMoneyParts(
  micro: bigint,
  { precision = "total", sign = false }: { precision?: MoneyPrecision; sign?: boolean } = {},
): { credits: string; usd: string } {
  const digits = DIGITS[precision];
  const prefix = micro < 0n ? "-" : sign && micro > 0n ? "+" : "";
  const magnitude = micro < 0n ? -micro : micro;
  return {
    credits: `${prefix}${atLeastOneStep(magnitude, MICRO_PER_CREDIT, digits.credits, "")} credits`,
    usd: `${prefix}${atLeastOneStep(magnitude, MICRO_PER_USD, digits.usd, "$")}`,
  };
}

/** A non-zero amount never reads as zero: under half the last digit it is "<0.01". */
function atLeastOneStep(magnitude: bigint, unit: bigint, digits: number, symbol: string) {
  const text = formatScaled(magnitude, unit, digits);
  if (magnitude === 0n || /[1-9]/.test(text)) return `${symbol}${text}`;
  return `<${symbol}0.${"1".padStart(digits, "0")}`;
}

/**
 * A price in µcr per 1M tokens as US dollars per 1M tokens, exactly and grouped: "$2.50",
 * "$0.075", "$0.0375", "$1,200.00". Prices keep their own precision (ADR 049).
 */
export function formatPrice(pricePerMillion: bigint): string {
  const [whole = "0", fraction] = exactDecimal(pricePerMillion, 8, 2).split(".");
  return `$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${fraction}`;
}

/** "1,234.567891" style credits; `digits` decimals, rounded half up (logs and files, not pages). */
export function formatCredits(micro: bigint, digits = 2): string {
  return formatScaled(micro, MICRO_PER_CREDIT, digits);
}

/** "$12.34" style dollars; `digits` decimals, rounded half up (JSON answers, not pages). */
export function formatUsd(micro: bigint, digits = 2): string {
  const text = formatScaled(micro < 0n ? -micro : micro, MICRO_PER_USD, digits);
  return `${micro < 0n ? "-" : ""}$${text}`;
}

function formatScaled(micro: bigint, unit: bigint, digits: number): string {
  const negative = micro < 0n;
  const magnitude = negative ? -micro : micro;
  const scale = 10n ** BigInt(digits);
  const scaled = (magnitude * scale * 2n + unit) / (unit * 2n); // round half up
  const whole = (scaled / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = digits > 0 ? `.${(scaled % scale).toString().padStart(digits, "0")}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

function ceilDiv(numerator: bigint, denominator: bigint) {
  return (numerator + denominator - 1n) / denominator;
}

/** The exact inverse of usdToMicro: "2.50", "0.075", "1500.00" (no grouping, at least two decimals). */
export function microToUsd(micro: bigint): string {
  return exactDecimal(micro, 8, 2);
}

/**
 * US dollars as a JSON number, for APIs whose schema has numbers (OpenRouter's):
 * the double nearest the exact amount, which microToUsd gives beside it.
 */
export const microToUsdNumber = (micro: bigint): number => Number(microToUsd(micro));

/** Credits exactly, for APIs: "0.001234", "12.00" (no grouping, at least two decimals). */
export function microToCredits(micro: bigint): string {
  return exactDecimal(micro, 6, 2);
}

/** A price in µcr per 1M tokens as exact US dollars per token, OpenRouter's unit: "0.000003". */
export function usdPerToken(pricePerMillion: bigint): string {
  return exactDecimal(pricePerMillion, 14, 0);
}

/** value / 10^decimals written out exactly, with at least `minimum` decimals. */
function exactDecimal(value: bigint, decimals: number, minimum: number): string {
  if (value < 0n) return `-${exactDecimal(-value, decimals, minimum)}`;
  const unit = 10n ** BigInt(decimals);
  const fraction = (value % unit)
    .toString()
    .padStart(decimals, "0")
    .replace(/0+$/, "")
    .padEnd(minimum, "0");
  return fraction === "" ? `${value / unit}` : `${value / unit}.${fraction}`;
}
