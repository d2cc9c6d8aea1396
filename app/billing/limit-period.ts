// A gateway key's credit limit per day or month starts again at each period's
// first moment, in UTC (the ledger's statement computes the same with date_trunc).

export type LimitPeriod = "day" | "month";

export const LIMIT_PERIODS = ["day", "month"] as const satisfies readonly LimitPeriod[];

/** The first moment of the period that contains `now`. */
export function periodStart(period: LimitPeriod, now = new Date()): Date {
  return period === "day"
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** The first moment of the next period: when the limit starts again. */
export function nextPeriodStart(period: LimitPeriod, now = new Date()): Date {
  const start = periodStart(period, now);
  return period === "day"
    ? new Date(start.getTime() + 86_400_000)
    : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** What a key spent in the current period: what the ledger counted, unless that was in an earlier one. */
export function spentThisPeriod(
  key: { limitPeriod: string | null; periodStart: Date | null; periodSpent: bigint },
  now = new Date(),
): bigint {
  if (key.limitPeriod !== "day" && key.limitPeriod !== "month") return 0n;
  const start = periodStart(key.limitPeriod, now);
  return key.periodStart?.getTime() === start.getTime() ? key.periodSpent : 0n;
}

/** "daily" or "monthly", as the answers and pages say it. */
export const periodAdjective = (period: LimitPeriod) => (period === "day" ? "daily" : "monthly");
