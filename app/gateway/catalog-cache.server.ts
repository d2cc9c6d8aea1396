import type { ProviderAdapter } from "./providers/adapter.ts";
import type { Prices } from "../billing/prices.ts";
import type { Prisma } from "../db/prisma.server.ts";
import { CATALOG_CHANNEL, type ChangeListener } from "./change-listener.server.ts";

const DATED_SNAPSHOT = /-\d{8}$/;

export interface RouteOption {
  /** The catalog model this route serves (a request may fall back to another model's routes). */
  modelSlug: string;
  mappingId: number;
  providerSlug: string;
  upstreamModel: string;
  prices: Prices;
  /** Served with the user's own key (BYOK): its adapter; `prices` are then the BYOK fee. */
  ownKey?: ProviderAdapter;
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

  private readonly prisma: Prisma;
  private readonly listener: ChangeListener;

  constructor(prisma: Prisma, listener: ChangeListener) {
    this.prisma = prisma;
    this.listener = listener;
    listener.on(CATALOG_CHANNEL, () => this.invalidate());
    listener.onConnectionLost(() => this.invalidate());
  }

  invalidate() {
    this.models = undefined;
    this.loading = undefined;
  }

  /**
   * The model named `slug`. A dated snapshot id (`claude-haiku-4-5-20251001`,
   * as Claude Code and the providers' SDKs name models) finds its undated slug.
   */
  async resolve(slug: string): Promise<CatalogModel | undefined> {
    const models = await this.all();
    return models.get(slug) ?? models.get(slug.replace(DATED_SNAPSHOT, ""));
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
    const rows = await this.prisma.model.findMany({
      select: {
        slug: true,
        maxOutputTokens: true,
        mappings: {
          where: { enabled: true },
          orderBy: [{ priority: "asc" }, { id: "asc" }],
          select: {
            id: true,
            upstreamModel: true,
            inputPrice: true,
            cachedInputPrice: true,
            cacheWritePrice: true,
            outputPrice: true,
            provider: { select: { slug: true } },
          },
        },
      },
    });
    return new Map(
      rows.map((model) => [
        model.slug,
        {
          slug: model.slug,
          maxOutputTokens: model.maxOutputTokens,
          routes: model.mappings.map((mapping) => ({
            modelSlug: model.slug,
            mappingId: mapping.id,
            providerSlug: mapping.provider.slug,
            upstreamModel: mapping.upstreamModel,
            prices: {
              input: mapping.inputPrice,
              cachedInput: mapping.cachedInputPrice,
              cacheWrite: mapping.cacheWritePrice,
              output: mapping.outputPrice,
            },
          })),
        },
      ]),
    );
  }
}
