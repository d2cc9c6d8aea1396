import type { Prisma } from "../db/prisma.server.ts";

// How a model did on each of its providers lately, from the gateway's own usage
// log: what its page and GET /api/v1/models/<id> show beside the prices (ADR 071).

/** The windows shown, in days back from now. */
export const STATS_WINDOWS = [7, 30] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

/** One provider's requests for one model over one window. */
export interface UsageWindow {
  requests: number;
  /** Rows with status ERROR; CANCELLED (the client left) and INTERRUPTED (our process died) are not the provider's. */
  errors: number;
  /** errors / requests; null without requests. */
  errorRate: number | null;
  /** Median latency of its successful requests, ms; null without any. */
  latencyP50Ms: number | null;
  /** Median time to the first token of its successful streams, ms; null without any. */
  firstTokenP50Ms: number | null;
}

export type ProviderUsage = Record<StatsWindow, UsageWindow>;

const EMPTY: UsageWindow = {
  requests: 0,
  errors: 0,
  errorRate: null,
  latencyP50Ms: null,
  firstTokenP50Ms: null,
};

/**
 * Each provider's numbers for the model over each window, in one query: medians are
 * computed by PostgreSQL, no row is loaded. It reads the (provider_slug, created_at)
 * index once per provider, as the admin page's health does. A provider without
 * requests gets zeros and nulls.
 */
export async function modelUsageStats(
  prisma: Prisma,
  modelSlug: string,
  providerSlugs: string[],
): Promise<Map<string, ProviderUsage>> {
  const longest = Math.max(...STATS_WINDOWS);
  const rows = await prisma.$queryRaw<
    {
      provider: string;
      days: number;
      requests: bigint;
      errors: bigint;
      latency: number | null;
      first_token: number | null;
    }[]
  >`
    SELECT c.provider_slug AS provider, w.days,
           count(*) AS requests,
           count(*) FILTER (WHERE c.status = 'ERROR') AS errors,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY c.latency_ms)
             FILTER (WHERE c.status = 'SUCCESS') AS latency,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY c.time_to_first_token_ms)
             FILTER (WHERE c.status = 'SUCCESS') AS first_token
    FROM conversations c
    JOIN unnest(${[...STATS_WINDOWS]}::int[]) AS w(days)
      ON c.created_at > now() - make_interval(days => w.days)
    WHERE c.provider_slug = ANY(${providerSlugs}::text[])
      AND c.model_slug = ${modelSlug}
      AND c.created_at > now() - make_interval(days => ${longest}::int)
    GROUP BY c.provider_slug, w.days`;
  const usage = new Map<string, ProviderUsage>(
    providerSlugs.map((slug) => [slug, { 7: EMPTY, 30: EMPTY }]),
  );
  for (const row of rows) {
    const requests = Number(row.requests);
    const errors = Number(row.errors);
    usage.get(row.provider)![row.days as StatsWindow] = {
      requests,
      errors,
      errorRate: requests === 0 ? null : errors / requests,
      latencyP50Ms: row.latency === null ? null : Math.round(row.latency),
      firstTokenP50Ms: row.first_token === null ? null : Math.round(row.first_token),
    };
  }
  return usage;
}
