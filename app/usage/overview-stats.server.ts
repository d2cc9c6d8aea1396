import type { Prisma } from "../db/prisma.server.ts";
import type { OverviewPeriod } from "./overview-periods.ts";

// What the overview draws: an account's spend per UTC day split by model or by
// key (the biggest few, the rest as "other"), and each model's request count,
// spend, latency and time to first token, over the last 7, 30 or 90 days. All
// of it from the daily totals (usage_days, ADR 060): a few hundred rows however
// long the usage log is.

/** Series drawn apart; the rest are added up as "other". */
const SERIES = 5;
export const OTHER = "other";

const sinceDays = (days: number) => {
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  return new Date(today.getTime() - (days - 1) * 24 * 3600 * 1000);
};

/** A UTC day as PostgreSQL reads a date, whatever the session's time zone. */
const isoDay = (day: Date) => day.toISOString().slice(0, 10);

/** One row per day, oldest first: `{ day, <series name>: credits, ... }`, and the series, biggest first. */
export async function dailySpendBy(
  prisma: Prisma,
  accountId: string,
  days: OverviewPeriod,
  by: "model" | "key",
) {
  const since = sinceDays(days);
  const rows =
    by === "model"
      ? await prisma.$queryRaw<{ day: Date; name: string; cost: bigint }[]>`
          SELECT day, model_slug AS name, sum(cost)::bigint AS cost
          FROM usage_days WHERE user_id = ${accountId}::uuid AND day >= ${isoDay(since)}::date
          GROUP BY 1, 2`
      : await prisma.$queryRaw<{ day: Date; name: string; cost: bigint }[]>`
          SELECT d.day, k.name || ' (' || k.prefix || '…)' AS name, sum(d.cost)::bigint AS cost
          FROM usage_days d JOIN api_keys k ON k.id = d.api_key_id
          WHERE d.user_id = ${accountId}::uuid AND d.day >= ${isoDay(since)}::date
          GROUP BY 1, 2`;
  const totals = new Map<string, bigint>();
  for (const row of rows) totals.set(row.name, (totals.get(row.name) ?? 0n) + row.cost);
  const ranked = [...totals].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0));
  const drawn = ranked.slice(0, SERIES).map(([name]) => name);
  const series = ranked.length > SERIES ? [...drawn, OTHER] : drawn;
  const byDay = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const day = row.day.toISOString().slice(0, 10);
    const name = drawn.includes(row.name) ? row.name : OTHER;
    const values = byDay.get(day) ?? {};
    // Display only: the chart wants numbers; the exact amounts are in the tables.
    values[name] = (values[name] ?? 0) + Number(row.cost) / 1e6;
    byDay.set(day, values);
  }
  const data = Array.from({ length: days }, (_, i) => {
    const day = new Date(since.getTime() + i * 24 * 3600 * 1000).toISOString().slice(0, 10);
    return { day, ...byDay.get(day) };
  });
  return { series, data };
}

/** Per model: requests, spend, average latency, and average time to first token of streams. */
export async function modelStats(prisma: Prisma, accountId: string, days: OverviewPeriod) {
  const rows = await prisma.$queryRaw<
    {
      model: string;
      requests: bigint;
      cost: bigint;
      latency: number | null;
      ttft: number | null;
      errors: bigint;
    }[]
  >`
    SELECT model_slug AS model, sum(requests)::bigint AS requests, sum(cost)::bigint AS cost,
           round(sum(latency_ms_sum)::numeric / sum(requests))::int AS latency,
           round(sum(first_token_ms_sum)::numeric / nullif(sum(first_token_count), 0))::int AS ttft,
           sum(errors)::bigint AS errors
    FROM usage_days WHERE user_id = ${accountId}::uuid AND day >= ${isoDay(sinceDays(days))}::date
    GROUP BY model_slug ORDER BY sum(cost) DESC, model_slug`;
  return rows.map((row) => ({
    model: row.model,
    requests: Number(row.requests),
    cost: row.cost,
    latencyMs: row.latency,
    ttftMs: row.ttft,
    errors: Number(row.errors),
  }));
}

/** One key's spend per UTC day, and its requests' count, errors and average latency, over `days`. */
export async function keyActivity(prisma: Prisma, apiKeyId: string, days: OverviewPeriod) {
  const since = sinceDays(days);
  const rows = await prisma.$queryRaw<
    {
      day: Date;
      requests: bigint;
      errors: bigint;
      cost: bigint;
      latency: number | null;
    }[]
  >`
    SELECT day, sum(requests)::bigint AS requests, sum(errors)::bigint AS errors,
           sum(cost)::bigint AS cost, sum(latency_ms_sum)::float8 AS latency
    FROM usage_days WHERE api_key_id = ${apiKeyId}::uuid AND day >= ${isoDay(since)}::date
    GROUP BY 1`;
  const requests = rows.reduce((sum, row) => sum + Number(row.requests), 0);
  const errors = rows.reduce((sum, row) => sum + Number(row.errors), 0);
  const latency = rows.reduce((sum, row) => sum + (row.latency ?? 0), 0);
  const byDay = new Map(rows.map((row) => [row.day.toISOString().slice(0, 10), row]));
  return {
    requests,
    errors,
    cost: rows.reduce((sum, row) => sum + row.cost, 0n),
    avgLatencyMs: requests === 0 ? null : Math.round(latency / requests),
    data: Array.from({ length: days }, (_, i) => {
      const day = new Date(since.getTime() + i * 24 * 3600 * 1000).toISOString().slice(0, 10);
      const row = byDay.get(day);
      // Display only: the chart wants numbers.
      return { day, Spent: row ? Number(row.cost) / 1e6 : 0 };
    }),
  };
}
