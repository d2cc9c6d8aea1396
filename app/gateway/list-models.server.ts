import { usdPerToken } from "../utils/money.ts";
import type { CatalogModel } from "./catalog-cache.server.ts";
import type { Gateway } from "./gateway.server.ts";

// What the canonical request forwards to every provider...
const SUPPORTED_PARAMETERS = [
  "max_tokens",
  "max_completion_tokens",
  "stop",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "structured_outputs",
  "temperature",
  "top_p",
];
// ...but Anthropic's current models refuse sampling settings, so they are not sent there.
const UNSENT_TO = { anthropic: new Set(["temperature", "top_p"]) } as Record<string, Set<string>>;

function supportedParameters(model: CatalogModel) {
  const unsent = UNSENT_TO[model.routes[0]!.providerSlug];
  return unsent ? SUPPORTED_PARAMETERS.filter((name) => !unsent.has(name)) : SUPPORTED_PARAMETERS;
}

/**
 * GET /v1/models: OpenAI's list format (and Anthropic's fields), with our prices (µcr per 1M tokens, as
 * strings) and the fields OpenRouter's users read: `pricing.prompt` and the
 * like in US dollars per token, `context_length`, `supported_parameters`.
 */
export async function listModels(gateway: Gateway) {
  const models = await gateway.catalog.all();
  const rows = await gateway.prisma.model.findMany({
    select: {
      slug: true,
      name: true,
      contextLength: true,
      createdAt: true,
      company: { select: { slug: true } },
    },
  });
  const details = new Map(rows.map((row) => [row.slug, row]));
  const data = [...models.values()]
    .filter((model) => model.routes.length > 0)
    .map((model) => {
      const cheapest = model.routes[0]!;
      const { prices } = cheapest;
      const row = details.get(model.slug);
      const created = row?.createdAt ?? new Date(0);
      return {
        id: model.slug,
        object: "model",
        created: Math.floor(created.getTime() / 1000),
        // Anthropic's fields, which Claude Code's model discovery reads.
        type: "model",
        display_name: row?.name ?? model.slug,
        created_at: created.toISOString(),
        owned_by: row?.company.slug ?? "unknown",
        name: row?.name ?? model.slug,
        context_length: row?.contextLength ?? null,
        max_output_tokens: model.maxOutputTokens,
        pricing: {
          unit: "micro-credits per 1M tokens (1 credit = US$0.01)",
          input: prices.input.toString(),
          cached_input: prices.cachedInput.toString(),
          output: prices.output.toString(),
          // OpenRouter's: US dollars per token.
          prompt: usdPerToken(prices.input),
          completion: usdPerToken(prices.output),
          input_cache_read: usdPerToken(prices.cachedInput),
          ...(prices.cacheWrite === null
            ? {}
            : { input_cache_write: usdPerToken(prices.cacheWrite) }),
        },
        supported_parameters: supportedParameters(model),
        providers: model.routes.map((route) => route.providerSlug),
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  // One page: Anthropic's paging fields say so.
  return Response.json({
    object: "list",
    data,
    has_more: false,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
  });
}
