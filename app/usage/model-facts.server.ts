import type { CatalogModel, RouteOption } from "../catalog/catalog-cache.server.ts";
import type { Prices } from "../catalog/prices.ts";
import { usageReads } from "../db/read-replica.server.ts";
import type { Gateway } from "../gateway/gateway.server.ts";
import type { ModelCapabilities } from "../catalog/model-capabilities.ts";
import { modelCapabilities } from "../gateway/endpoints/model-capabilities.server.ts";
import { configuredProviders } from "../gateway/services/served-models.server.ts";
import { modelUsageStats, type ProviderUsage } from "./model-usage-stats.server.ts";

// One model's facts, as its page (/models/<id>) and GET /api/v1/models/<id> both
// give them (ADR 071): the catalog's, each provider's prices as charged, and the
// gateway's own measurements from its usage log.

export interface ProviderFacts {
  slug: string;
  /** The provider row's name (`Anthropic API`), as the Models list shows it. */
  name: string;
  /** Whether it has a usable key now: a provider without one is listed, marked (ADR 042). */
  served: boolean;
  route: RouteOption;
  /** What a request is charged (the sell prices, ADR 069), µcr per 1M tokens. */
  prices: Prices;
  usage: ProviderUsage;
}

export interface ModelFacts {
  model: CatalogModel;
  /** The company's name (`Anthropic`). */
  madeBy: string;
  capabilities: ModelCapabilities;
  /** Its enabled routes' providers, in the order they are tried. */
  providers: ProviderFacts[];
}

/**
 * The model a name finds (slug, OpenRouter id, alias), or undefined for none or
 * for a model without an enabled route, which is listed nowhere.
 */
export async function modelFacts(gateway: Gateway, name: string): Promise<ModelFacts | undefined> {
  const found = await gateway.catalog.resolve(name);
  if (!found || found.model.routes.length === 0) return undefined;
  const { model } = found;
  const slugs = model.routes.map((route) => route.providerSlug);
  const [configured, providerRows, company, usage] = await Promise.all([
    configuredProviders(gateway),
    gateway.prisma.provider.findMany({
      where: { slug: { in: slugs } },
      select: { slug: true, name: true },
    }),
    gateway.prisma.company.findUnique({ where: { slug: model.company }, select: { name: true } }),
    // History, not money: the read replica when there is one (ADR 064).
    modelUsageStats(usageReads().prisma, model.slug, slugs),
  ]);
  const names = new Map(providerRows.map((row) => [row.slug, row.name]));
  return {
    model,
    madeBy: company?.name ?? model.company,
    capabilities: modelCapabilities(model),
    providers: model.routes.map((route) => ({
      slug: route.providerSlug,
      name: names.get(route.providerSlug) ?? route.providerName,
      served: configured.has(route.providerSlug),
      route,
      prices: route.prices,
      usage: usage.get(route.providerSlug)!,
    })),
  };
}
