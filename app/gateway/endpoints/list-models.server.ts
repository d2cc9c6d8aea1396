import { usdPerToken } from "../../utils/money.ts";
import type { CatalogModel } from "../../catalog/catalog-cache.server.ts";
import type { Gateway } from "../gateway.server.ts";
import { servedCatalog } from "../services/served-models.server.ts";

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

/** The request parameters a model's first provider gets (OpenRouter's `supported_parameters`). */
export function supportedParameters(model: CatalogModel) {
  const unsent = UNSENT_TO[model.routes[0]!.providerSlug];
  return unsent ? SUPPORTED_PARAMETERS.filter((name) => !unsent.has(name)) : SUPPORTED_PARAMETERS;
}

/**
 * GET /v1/models: OpenAI's list format (and Anthropic's fields), with our prices (µcr per 1M tokens, as
 * strings) and the fields OpenRouter's users read: `pricing.prompt` and the
 * like in US dollars per token, `context_length`, `supported_parameters`, and
 * `canonical_slug`, the OpenRouter id every model also answers to. An admin's
 * alias is an entry of its own, with `alias_for` naming its model (ADR 038).
 * Only models a provider with a key serves now are listed (ADR 042).
 */
export async function listModels(gateway: Gateway) {
  const { models, aliases } = await servedCatalog(gateway);
  const entry = (model: CatalogModel, alias?: string) => {
    const { prices } = model.routes[0]!;
    return {
      id: alias ?? model.slug,
      object: "model",
      created: Math.floor(model.createdAt.getTime() / 1000),
      // Anthropic's fields, which Claude Code's model discovery reads.
      type: "model",
      display_name: model.name,
      created_at: model.createdAt.toISOString(),
      owned_by: model.company,
      name: model.name,
      canonical_slug: model.openRouterId,
      ...(alias ? { alias_for: model.slug } : {}),
      context_length: model.contextLength,
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
  };
  const data = [
    ...[...models.values()].map((model) => entry(model)),
    ...[...aliases].flatMap(([alias, slug]) => {
      const model = models.get(slug);
      return model ? [entry(model, alias)] : [];
    }),
  ].sort((a, b) => a.id.localeCompare(b.id));
  // One page: Anthropic's paging fields say so.
  return Response.json({
    object: "list",
    data,
    has_more: false,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
  });
}
