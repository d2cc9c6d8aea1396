import type { Prisma } from "../../db/prisma.server.ts";

// How fast each model answers on each provider lately, from the usage log:
// what `:nitro` and `provider.sort: "throughput" | "latency"` order a model's
// providers by, as OpenRouter does with its own measurements.
// @see https://openrouter.ai/docs/guides/routing/provider-selection

/** Medians of a model's recent successful streams on one provider. */
export interface Speed {
  /** Output tokens per second after the first one; null without a measurable stream. */
  tokensPerSecond: number | null;
  /** Time to the first token, ms. */
  firstTokenMs: number | null;
}

export const SPEED_WINDOW_MINUTES = 30;
/** How long one reading of the log serves: ordering needs no fresher numbers. */
const REFRESH_MS = 30_000;

export const speedKey = (providerSlug: string, modelSlug: string) =>
  `${providerSlug}\u0000${modelSlug}`;

export class ProviderSpeeds {
  private current: { at: number; speeds: Map<string, Speed> } | undefined;
  private loading: Promise<Map<string, Speed>> | undefined;
  private readonly prisma: Prisma;

  constructor(prisma: Prisma) {
    this.prisma = prisma;
  }

  /** The speeds by speedKey(provider, model): a reading at most REFRESH_MS old. */
  async all(now = Date.now()): Promise<Map<string, Speed>> {
    if (this.current && now - this.current.at < REFRESH_MS) return this.current.speeds;
    const loading = (this.loading ??= this.read().finally(() => (this.loading = undefined)));
    const speeds = await loading;
    this.current = { at: now, speeds };
    return speeds;
  }

  /** One index range per provider (conversations by provider_slug, created_at), as the admin page's health. */
  private async read() {
    const rows = await this.prisma.$queryRaw<
      { provider: string; model: string; throughput: number | null; first_token: number | null }[]
    >`
      SELECT p.slug AS provider, s.model, s.throughput, s.first_token
      FROM providers p
      CROSS JOIN LATERAL (
        SELECT c.model_slug AS model,
               percentile_cont(0.5) WITHIN GROUP (
                 ORDER BY c.output_tokens * 1000.0 / NULLIF(c.latency_ms - c.time_to_first_token_ms, 0)
               ) FILTER (WHERE c.output_tokens > 1 AND c.latency_ms > c.time_to_first_token_ms)
                 AS throughput,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY c.time_to_first_token_ms) AS first_token
        FROM conversations c
        WHERE c.provider_slug = p.slug
          AND c.created_at > now() - make_interval(mins => ${SPEED_WINDOW_MINUTES}::int)
          AND c.status = 'SUCCESS' AND c.stream AND c.time_to_first_token_ms IS NOT NULL
        GROUP BY c.model_slug
      ) s`;
    return new Map(
      rows.map((row) => [
        speedKey(row.provider, row.model),
        { tokensPerSecond: row.throughput, firstTokenMs: row.first_token },
      ]),
    );
  }
}
