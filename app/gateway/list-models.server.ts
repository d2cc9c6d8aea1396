import type { Gateway } from "./gateway.server.ts";

/** GET /v1/models: OpenAI's list format, with our prices (µcr per 1M tokens, as strings). */
export async function listModels(gateway: Gateway) {
  const models = await gateway.catalog.all();
  const rows = await gateway.prisma.model.findMany({
    select: { slug: true, createdAt: true, company: { select: { slug: true } } },
  });
  const owners = new Map(
    rows.map((row) => [row.slug, { company: row.company.slug, created: row.createdAt }]),
  );
  const data = [...models.values()]
    .filter((model) => model.routes.length > 0)
    .map((model) => {
      const cheapest = model.routes[0]!;
      return {
        id: model.slug,
        object: "model",
        created: Math.floor((owners.get(model.slug)?.created.getTime() ?? 0) / 1000),
        owned_by: owners.get(model.slug)?.company ?? "unknown",
        max_output_tokens: model.maxOutputTokens,
        pricing: {
          unit: "micro-credits per 1M tokens (1 credit = US$0.01)",
          input: cheapest.prices.input.toString(),
          cached_input: cheapest.prices.cachedInput.toString(),
          output: cheapest.prices.output.toString(),
        },
        providers: model.routes.map((route) => route.providerSlug),
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  return Response.json({ object: "list", data });
}
