import type { Accounts } from "../accounts/accounts.server.ts";
import { jsonApi, money } from "./api-helpers.server.ts";
import { routeSellPrices } from "../catalog/markup.ts";

/** GET /api/models: the public catalog with prices per 1M tokens. */
export const modelsApi = (accounts: Accounts) =>
  jsonApi(async () => {
    const models = await accounts.prisma.model.findMany({
      orderBy: { slug: "asc" },
      include: {
        company: { select: { slug: true, name: true } },
        mappings: {
          where: { enabled: true },
          orderBy: { priority: "asc" },
          include: {
            provider: {
              select: { slug: true, name: true, markupBasisPoints: true, markupPerMillion: true },
            },
          },
        },
      },
    });
    return Response.json({
      models: models.map((model) => ({
        slug: model.slug,
        name: model.name,
        company: model.company,
        contextLength: model.contextLength,
        maxOutputTokens: model.maxOutputTokens,
        providers: model.mappings.map((mapping) => {
          // The prices charged: the provider's with the gateway's markup (ADR 069).
          const prices = routeSellPrices(model, mapping);
          return {
            provider: { slug: mapping.provider.slug, name: mapping.provider.name },
            pricePerMillionTokens: {
              input: money(prices.input),
              cachedInput: money(prices.cachedInput),
              output: money(prices.output),
            },
          };
        }),
      })),
    });
  });
