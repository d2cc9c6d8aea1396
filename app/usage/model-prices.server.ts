import { getAccounts } from "#app/accounts/accounts.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { configuredProviders } from "#app/gateway/services/served-models.server.ts";
import { formatPrice } from "#app/utils/money.ts";
import { routeSellPrices } from "#app/catalog/markup.ts";

/**
 * The models with an enabled route and their prices per 1M tokens (the first
 * route's), as the public Models page and the dashboard's show them; a model whose
 * providers have no key is marked, not hidden (ADR 042).
 */
export async function listModelPrices() {
  const configured = await configuredProviders(await getGateway());
  const models = await getAccounts().prisma.model.findMany({
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
  });
  return {
    noProvider: configured.size === 0,
    models: models
      .filter((model) => model.mappings.length > 0)
      .map((model) => {
        // What a request is charged: the first route's prices with the gateway's markup (ADR 069).
        const primary = routeSellPrices(model, model.mappings[0]!);
        return {
          slug: model.slug,
          name: model.name,
          company: model.company.name,
          contextLength: model.contextLength,
          maxOutputTokens: model.maxOutputTokens,
          providers: model.mappings.map((mapping) => mapping.provider.name),
          served: model.mappings.some((mapping) => configured.has(mapping.provider.slug)),
          input: formatPrice(primary.input),
          cachedInput: formatPrice(primary.cachedInput),
          output: formatPrice(primary.output),
        };
      }),
  };
}

export type ModelPrices = Awaited<ReturnType<typeof listModelPrices>>;
