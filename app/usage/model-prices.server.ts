import { describeOutputPrice, describeRoutePrices } from "#app/catalog/media-prices.ts";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { configuredProviders } from "#app/gateway/services/served-models.server.ts";
import { modelCapabilities } from "#app/gateway/endpoints/model-capabilities.server.ts";
import { formatPrice, usdToMicro } from "#app/utils/money.ts";
import { routeSellPrices } from "#app/catalog/markup.ts";
import type { Prices } from "#app/catalog/prices.ts";
import type { ModelCapabilities } from "#app/catalog/model-capabilities.ts";
import type { ModelListQuery } from "./model-list-query.ts";

const NONE: ModelCapabilities = { tools: false, vision: false, jsonMode: false, reasoning: false };

/**
 * The models with an enabled route and their prices per 1M tokens (the first
 * route's), as the public Models page and the dashboard's show them; a model whose
 * providers have no key is marked, not hidden (ADR 042). The query searches,
 * filters and orders them here, on the server (ADR 071).
 */
export async function listModelPrices(query: ModelListQuery = { sort: "maker" }) {
  const gateway = await getGateway();
  const [configured, catalog, rows] = await Promise.all([
    configuredProviders(gateway),
    gateway.catalog.all(),
    getAccounts().prisma.model.findMany({
      orderBy: [{ company: { name: "asc" } }, { slug: "asc" }],
      include: {
        company: { select: { name: true } },
        mappings: {
          where: { enabled: true },
          orderBy: { priority: "asc" },
          include: {
            provider: {
              select: { name: true, slug: true, markupBasisPoints: true, markupPerMillion: true },
            },
          },
        },
      },
    }),
  ]);
  const listed = rows
    .filter((model) => model.mappings.length > 0)
    .map((model) => {
      const entry = catalog.get(model.slug);
      return {
        model,
        // What a request is charged: the first route's prices with the gateway's markup (ADR 069).
        primary: routeSellPrices(model, model.mappings[0]!),
        capabilities: entry?.routes.length ? modelCapabilities(entry) : NONE,
        // A media model's prices per image, character, minute (ADR 072) or audio token (ADR 074).
        media: entry?.routes[0] ? describeRoutePrices(entry, entry.routes[0]) : null,
      };
    });
  const providers = new Map(
    listed.flatMap(({ model }) =>
      model.mappings.map((mapping) => [mapping.provider.slug, mapping.provider.name] as const),
    ),
  );
  return {
    noProvider: configured.size === 0,
    /** Every listed model, before the query. */
    total: listed.length,
    /** The providers to filter by: slug -> name. */
    providers: [...providers]
      .map(([slug, name]) => ({ slug, name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    query,
    models: sortModels(listed.filter(matches(query)), query.sort).map(
      ({ model, primary, capabilities, media }) => ({
        slug: model.slug,
        name: model.name,
        company: model.company.name,
        contextLength: model.contextLength,
        maxOutputTokens: model.maxOutputTokens,
        providers: model.mappings.map((mapping) => mapping.provider.name),
        served: model.mappings.some((mapping) => configured.has(mapping.provider.slug)),
        capabilities,
        input: formatPrice(primary.input),
        cachedInput: formatPrice(primary.cachedInput),
        output: describeOutputPrice(primary),
        media,
      }),
    ),
  };
}

interface Listed {
  model: {
    slug: string;
    name: string;
    contextLength: number;
    mappings: { provider: { slug: string } }[];
  };
  primary: Prices;
  capabilities: ModelCapabilities;
  media: string | null;
}

function matches(query: ModelListQuery) {
  const words = query.q?.toLowerCase();
  const maxInput = query.maxInput === undefined ? undefined : usdToMicro(query.maxInput);
  return ({ model, primary, capabilities, media }: Listed) =>
    (!words ||
      model.name.toLowerCase().includes(words) ||
      model.slug.toLowerCase().includes(words)) &&
    (!query.provider ||
      model.mappings.some((mapping) => mapping.provider.slug === query.provider)) &&
    (!query.capability || capabilities[query.capability]) &&
    // A media model has no price per token to compare (ADR 072).
    (maxInput === undefined || (media === null && primary.input <= maxInput)) &&
    (query.minContext === undefined || model.contextLength >= query.minContext);
}

const byPrice = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** Stable: ties keep the catalog's order (by company, then slug). */
function sortModels<T extends Listed>(models: T[], sort: ModelListQuery["sort"]): T[] {
  const order: Record<typeof sort, ((a: T, b: T) => number) | undefined> = {
    maker: undefined,
    name: (a, b) => a.model.name.localeCompare(b.model.name, "en"),
    input: (a, b) => byPrice(a.primary.input, b.primary.input),
    output: (a, b) => byPrice(a.primary.output, b.primary.output),
    context: (a, b) => b.model.contextLength - a.model.contextLength,
  };
  const compare = order[sort];
  return compare ? [...models].sort(compare) : models;
}

export type ModelPrices = Awaited<ReturnType<typeof listModelPrices>>;
