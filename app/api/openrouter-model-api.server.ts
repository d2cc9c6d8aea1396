import type { Gateway } from "../gateway/gateway.server.ts";
import { modelNotFound } from "../gateway/route-choice.server.ts";
import { modelEntry, pricing } from "../gateway/endpoints/openrouter-models.server.ts";
import { modelPagePath } from "../catalog/model-links.ts";
import { modelFacts } from "../usage/model-facts.server.ts";
import type { UsageWindow } from "../usage/model-usage-stats.server.ts";

// GET /api/v1/models/<author>/<slug> (or /api/v1/models/<slug>): one model as its
// page shows it (ADR 071). The entry of OpenRouter's listing, plus what the listing
// does not carry: capabilities, every provider with its prices (OpenRouter's
// decimal strings of US dollars per token) and the gateway's own measurements.

const window = (usage: UsageWindow) => ({
  requests: usage.requests,
  errors: usage.errors,
  error_rate: usage.errorRate,
  latency_p50_ms: usage.latencyP50Ms,
  first_token_p50_ms: usage.firstTokenP50Ms,
});

/** The model a name finds, or OpenRouter's 404 naming the closest names. */
export async function getOpenRouterModel(gateway: Gateway, name: string) {
  const facts = await modelFacts(gateway, name);
  if (!facts) {
    const { names } = await gateway.catalog.load();
    throw modelNotFound(name, names.keys(), "/api/v1/models");
  }
  const { model, capabilities } = facts;
  const entry = modelEntry(model);
  return Response.json({
    data: {
      ...entry,
      slug: model.slug,
      capabilities: {
        tools: capabilities.tools,
        vision: capabilities.vision,
        json_mode: capabilities.jsonMode,
        reasoning: capabilities.reasoning,
      },
      endpoints: facts.providers.map((provider) => ({
        provider_name: provider.route.providerName,
        tag: provider.slug,
        /** Whether it has a key now: one without is listed but cannot take a call (ADR 042). */
        served: provider.served,
        context_length: model.contextLength,
        max_completion_tokens: model.maxOutputTokens,
        pricing: pricing(provider.route),
        stats: { "7d": window(provider.usage[7]), "30d": window(provider.usage[30]) },
      })),
      links: { ...entry.links, page: modelPagePath(model.slug) },
    },
  });
}
