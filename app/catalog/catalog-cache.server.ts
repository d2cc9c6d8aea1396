import { routeSellPrices } from "./markup.ts";
import { mappingCostPrices } from "./prices.ts";
import { routeMediaPrices, type MediaPrices } from "./media-prices.ts";
import type { ProviderAdapter } from "../providers/adapter.ts";
import type { Prices } from "./prices.ts";
import type { Prisma } from "../db/prisma.server.ts";
import { CATALOG_CHANNEL, type ChangeListener } from "../db/change-listener.server.ts";
import { openRouterProviderName } from "./openrouter-names.ts";
import { nameIndex, openRouterId, splitVariant, type ModelVariant } from "../llm/model-names.ts";

const DATED_SNAPSHOT = /-\d{8}$/;

/** `{ [name]: value }`, or nothing when the value is undefined (optional properties stay absent). */
const optional = <K extends string, V>(name: K, value: V | undefined) =>
  (value === undefined ? {} : { [name]: value }) as Partial<Record<K, V>>;

export interface RouteOption {
  /** The catalog model this route serves (a request may fall back to another model's routes). */
  modelSlug: string;
  /** The same model's OpenRouter id (`openai/gpt-6.2-sol`), which OpenRouter's API answers with. */
  openRouterId: string;
  mappingId: number;
  providerSlug: string;
  /** The provider's name in OpenRouter's answers (`OpenAI`, `Google AI Studio`, a row's own name). */
  providerName: string;
  upstreamModel: string;
  /** What a request is charged: the provider's prices with the gateway's markup (ADR 069). */
  prices: Prices;
  /** What the provider charges: the route's own prices. */
  costPrices: Prices;
  /** Served with the user's own key (BYOK): its adapter; `prices` are then the BYOK fee. */
  ownKey?: ProviderAdapter;
  /** A media model's prices per unit (ADR 072), charged and the provider's; absent for a token-priced model. */
  media?: { prices: MediaPrices; costPrices: MediaPrices };
}

export interface CatalogModel {
  slug: string;
  /** `company/slug`: accepted wherever the slug is (see model-names.ts). */
  openRouterId: string;
  name: string;
  /** Who makes it (its company's slug). */
  company: string;
  contextLength: number;
  maxOutputTokens: number;
  createdAt: Date;
  /** Enabled mappings, lowest priority number first. */
  routes: RouteOption[];
}

/** A model as a request named it: which one, and the provider order its variant asks for. */
export interface NamedModel {
  model: CatalogModel;
  variant?: ModelVariant;
}

/** The catalog as one load saw it. */
export interface Catalog {
  /** Every model, by slug. */
  models: Map<string, CatalogModel>;
  /** Every name a model answers to (slug, OpenRouter id, alias) -> its slug. */
  names: Map<string, string>;
  /** The admins' aliases: name -> the model's slug. */
  aliases: Map<string, string>;
}

/**
 * The whole catalog in memory (a few dozen rows), reloaded after any change
 * notification. While the listener is down it is reloaded on every request.
 */
export class CatalogCache {
  private catalog: Catalog | undefined;
  private loading: Promise<Catalog> | undefined;

  private readonly prisma: Prisma;
  private readonly listener: ChangeListener;

  constructor(prisma: Prisma, listener: ChangeListener) {
    this.prisma = prisma;
    this.listener = listener;
    listener.on(CATALOG_CHANNEL, () => this.invalidate());
    listener.onConnectionLost(() => this.invalidate());
  }

  invalidate() {
    this.catalog = undefined;
    this.loading = undefined;
  }

  /**
   * The model a client named: by its slug, its OpenRouter id or an alias, with
   * an optional `:nitro` or `:floor` variant. A dated snapshot id
   * (`claude-haiku-4-5-20251001`, as Claude Code and the providers' SDKs name
   * models) finds its undated slug.
   */
  async resolve(name: string): Promise<NamedModel | undefined> {
    const { models, names } = await this.load();
    const { name: base, variant } = splitVariant(name);
    const slug = names.get(base) ?? names.get(base.replace(DATED_SNAPSHOT, ""));
    const model = slug === undefined ? undefined : models.get(slug);
    return model && { model, variant };
  }

  /** Every model, by slug. */
  async all(): Promise<Map<string, CatalogModel>> {
    return (await this.load()).models;
  }

  /** The whole catalog: models, the names they answer to, and the aliases. */
  async load(): Promise<Catalog> {
    if (this.catalog) return this.catalog;
    const loading = (this.loading ??= this.read());
    const catalog = await loading;
    if (this.loading === loading && this.listener.connected) this.catalog = catalog;
    this.loading = undefined;
    return catalog;
  }

  private async read(): Promise<Catalog> {
    const [rows, aliasRows] = await Promise.all([this.readModels(), this.readAliases()]);
    const models = new Map<string, CatalogModel>();
    for (const row of rows) {
      const id = openRouterId(row.slug, row.company.slug);
      models.set(row.slug, {
        slug: row.slug,
        openRouterId: id,
        name: row.name,
        company: row.company.slug,
        contextLength: row.contextLength,
        maxOutputTokens: row.maxOutputTokens,
        createdAt: row.createdAt,
        routes: row.mappings.map((mapping) => ({
          modelSlug: row.slug,
          openRouterId: id,
          mappingId: mapping.id,
          providerSlug: mapping.provider.slug,
          providerName: openRouterProviderName(mapping.provider.slug, mapping.provider.name),
          upstreamModel: mapping.upstreamModel,
          prices: routeSellPrices(row, mapping),
          costPrices: mappingCostPrices(mapping),
          ...optional("media", routeMediaPrices(row, mapping)),
        })),
      });
    }
    const aliases = new Map(aliasRows.map((alias) => [alias.name, alias.model.slug]));
    return { models, names: nameIndex(models.values(), aliases), aliases };
  }

  private readAliases() {
    return this.prisma.modelAlias.findMany({
      select: { name: true, model: { select: { slug: true } } },
      orderBy: { name: "asc" },
    });
  }

  private readModels() {
    return this.prisma.model.findMany({
      select: {
        slug: true,
        name: true,
        contextLength: true,
        maxOutputTokens: true,
        createdAt: true,
        markupBasisPoints: true,
        markupPerMillion: true,
        company: { select: { slug: true } },
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
            mediaPrices: true,
            provider: {
              select: { slug: true, name: true, markupBasisPoints: true, markupPerMillion: true },
            },
          },
        },
      },
    });
  }
}
