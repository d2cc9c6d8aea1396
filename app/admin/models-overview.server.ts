import type { Prisma } from "../db/prisma.server.ts";
import { formatPrice } from "../utils/money.ts";

// The Admin page's models: one readable table with a search; each model's
// limits and route prices are changed on its own page (ADR 050).

/** Every model with its routes' prices (for the table), the search's matches only. */
export async function modelsOverview(prisma: Prisma, query: string) {
  const models = await prisma.model.findMany({
    orderBy: { slug: "asc" },
    select: {
      slug: true,
      name: true,
      contextLength: true,
      maxOutputTokens: true,
      mappings: {
        orderBy: [{ priority: "asc" }, { id: "asc" }],
        include: { provider: { select: { slug: true } } },
      },
    },
  });
  const rows = models.map((model) => ({
    slug: model.slug,
    name: model.name,
    contextLength: model.contextLength,
    maxOutputTokens: model.maxOutputTokens,
    routes: model.mappings.map((mapping) => ({
      id: mapping.id,
      provider: mapping.provider.slug,
      upstreamModel: mapping.upstreamModel,
      enabled: mapping.enabled,
      inputPrice: formatPrice(mapping.inputPrice),
      cachedInputPrice: formatPrice(mapping.cachedInputPrice),
      outputPrice: formatPrice(mapping.outputPrice),
    })),
  }));
  return {
    // Every model's slug, for the alias form's suggestions.
    modelSlugs: rows.map((model) => model.slug),
    models: rows.filter((model) => matches(model, query)),
  };
}

export type ModelRow = Awaited<ReturnType<typeof modelsOverview>>["models"][number];

/** A search matches a model's slug or name, or a provider or upstream name of one of its routes. */
function matches(
  model: { slug: string; name: string; routes: { provider: string; upstreamModel: string }[] },
  query: string,
) {
  const needle = query.toLowerCase();
  return [model.slug, model.name, ...model.routes.flatMap((r) => [r.provider, r.upstreamModel])]
    .map((text) => text.toLowerCase())
    .some((text) => text.includes(needle));
}
