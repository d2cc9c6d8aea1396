import type { Accounts } from "../accounts/accounts.server.ts";
import { jsonApi, money } from "./api-helpers.server.ts";

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
          include: { provider: { select: { slug: true, name: true } } },
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
        providers: model.mappings.map((mapping) => ({
          provider: mapping.provider,
          pricePerMillionTokens: {
            input: money(mapping.inputPrice),
            cachedInput: money(mapping.cachedInputPrice),
            output: money(mapping.outputPrice),
          },
        })),
      })),
    });
  });
