import type pg from "pg";
import type { Prices } from "../billing/prices.ts";
import { CATALOG_CHANNEL, type ChangeListener } from "./change-listener.server.ts";

export interface RouteOption {
  mappingId: number;
  providerSlug: string;
  upstreamModel: string;
  prices: Prices;
}

export interface CatalogModel {
  slug: string;
  maxOutputTokens: number;
  /** Enabled mappings, lowest priority number first. */
  routes: RouteOption[];
}

/**
 * The whole catalog in memory (a few dozen rows), reloaded after any change
 * notification. While the listener is down it is reloaded on every request.
 */
export class CatalogCache {
  private models: Map<string, CatalogModel> | undefined;
  private loading: Promise<Map<string, CatalogModel>> | undefined;

  private readonly db: pg.Pool;
  private readonly listener: ChangeListener;

  constructor(db: pg.Pool, listener: ChangeListener) {
    this.db = db;
    this.listener = listener;
    listener.on(CATALOG_CHANNEL, () => this.invalidate());
    listener.onConnectionLost(() => this.invalidate());
  }

  invalidate() {
    this.models = undefined;
    this.loading = undefined;
  }

  async resolve(slug: string): Promise<CatalogModel | undefined> {
    return (await this.all()).get(slug);
  }

  async all(): Promise<Map<string, CatalogModel>> {
    if (this.models) return this.models;
    const loading = (this.loading ??= this.load());
    const models = await loading;
    if (this.loading === loading && this.listener.connected) this.models = models;
    this.loading = undefined;
    return models;
  }

  private async load() {
    const { rows } = await this.db.query<{
      slug: string;
      max_output_tokens: number;
      mapping_id: number | null;
      provider: string | null;
      upstream_model: string | null;
      input_price: string;
      cached_input_price: string;
      cache_write_price: string | null;
      output_price: string;
    }>(`
      SELECT m.slug, m.max_output_tokens, mpm.id AS mapping_id, p.slug AS provider, mpm.upstream_model,
             mpm.input_price, mpm.cached_input_price, mpm.cache_write_price, mpm.output_price
      FROM models m
      LEFT JOIN model_provider_mappings mpm ON mpm.model_id = m.id AND mpm.enabled
      LEFT JOIN providers p ON p.id = mpm.provider_id
      ORDER BY m.slug, mpm.priority, mpm.id`);
    const models = new Map<string, CatalogModel>();
    for (const row of rows) {
      const model = models.get(row.slug) ?? {
        slug: row.slug,
        maxOutputTokens: row.max_output_tokens,
        routes: [],
      };
      models.set(row.slug, model);
      if (row.mapping_id === null || !row.provider || !row.upstream_model) continue;
      model.routes.push({
        mappingId: row.mapping_id,
        providerSlug: row.provider,
        upstreamModel: row.upstream_model,
        prices: {
          input: BigInt(row.input_price),
          cachedInput: BigInt(row.cached_input_price),
          cacheWrite: row.cache_write_price === null ? null : BigInt(row.cache_write_price),
          output: BigInt(row.output_price),
        },
      });
    }
    return models;
  }
}
