import type { Prisma } from "../db/prisma.server.ts";

/** How a provider did over its requests of the last minutes: for the admin page. */
export interface ProviderHealth {
  requests: number;
  errors: number;
  /** Median latency of its successful requests, ms; null without any. */
  latencyP50Ms: number | null;
  /** Median time to the first token of its streams, ms; null without any. */
  firstTokenP50Ms: number | null;
}

export const HEALTH_WINDOW_MINUTES = 15;

/** Each provider's recent requests, from the usage log (one index range per provider). */
export async function providerHealth(prisma: Prisma): Promise<Map<string, ProviderHealth>> {
  const rows = await prisma.$queryRaw<
    {
      slug: string;
      requests: bigint;
      errors: bigint;
      latency: number | null;
      first_token: number | null;
    }[]
  >`
    SELECT p.slug, h.requests, h.errors, h.latency, h.first_token
    FROM providers p
    CROSS JOIN LATERAL (
      SELECT count(*) AS requests,
             count(*) FILTER (WHERE c.status = 'ERROR') AS errors,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY c.latency_ms)
               FILTER (WHERE c.status = 'SUCCESS') AS latency,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY c.time_to_first_token_ms) AS first_token
      FROM conversations c
      WHERE c.provider_slug = p.slug
        AND c.created_at > now() - make_interval(mins => ${HEALTH_WINDOW_MINUTES}::int)
    ) h`;
  return new Map(
    rows.map((row) => [
      row.slug,
      {
        requests: Number(row.requests),
        errors: Number(row.errors),
        latencyP50Ms: row.latency === null ? null : Math.round(row.latency),
        firstTokenP50Ms: row.first_token === null ? null : Math.round(row.first_token),
      },
    ]),
  );
}
