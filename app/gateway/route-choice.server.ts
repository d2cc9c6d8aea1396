import { GatewayError, invalidRequest } from "../http/gateway-error.ts";
import type { CatalogModel, RouteOption } from "./catalog-cache.server.ts";
import type { ChatRequest, ProviderPreferences } from "./chat-request.ts";
import type { Gateway } from "./gateway.server.ts";
import { routesWithOwnKeys } from "./own-key-routes.server.ts";

export const modelNotFound = (slug: string, param = "model") =>
  new GatewayError(404, `The model '${slug}' does not exist`, {
    type: "not_found_error",
    code: "model_not_found",
    param,
  });

export interface RouteChoice {
  /** The model the client asked for first. */
  model: CatalogModel;
  /** Every route to try, in order: the model's, then each fallback model's (`models`). */
  routes: RouteOption[];
  /** The smallest output limit of the models that may answer: the hold grants no more. */
  maxOutputTokens: number;
}

/**
 * The routes a request may take. `models` (OpenRouter's) adds models to fall
 * back to before the first byte; `provider` steers the choice among each
 * model's providers. Fallback models that cannot give the requested output are
 * left out.
 */
export async function chooseRoutes(
  gateway: Gateway,
  chat: ChatRequest,
  requested: number | undefined,
  /** What the client's protocol calls the output cap, for the error naming it. */
  maxTokensParam: string | undefined,
  /** The user whose own provider keys (BYOK) come first. */
  userId: string,
): Promise<RouteChoice> {
  const slugs = [...new Set([chat.model, ...(chat.models ?? [])])];
  const models: CatalogModel[] = [];
  for (const slug of slugs) {
    const model = await gateway.catalog.resolve(slug);
    if (!model) throw modelNotFound(slug, slug === chat.model ? "model" : "models");
    models.push(model);
  }
  const model = models[0]!;
  if (requested !== undefined && requested > model.maxOutputTokens) {
    throw invalidRequest(
      `max tokens must be at most ${model.maxOutputTokens} for ${model.slug}`,
      maxTokensParam ?? "max_completion_tokens",
    );
  }
  const usable = models.filter(
    (candidate, i) => i === 0 || requested === undefined || requested <= candidate.maxOutputTokens,
  );
  const configured = await routesWithOwnKeys(
    gateway,
    userId,
    usable.map((candidate) => candidate.routes),
  );
  if (configured.every((routes) => routes.length === 0)) {
    throw new GatewayError(503, `No provider for '${chat.model}' is configured on this gateway`, {
      type: "upstream_error",
      code: "provider_not_configured",
    });
  }
  const routes = configured.flatMap((routes) => steer(routes, chat.provider));
  if (routes.length === 0)
    throw invalidRequest(
      `provider: no provider of '${chat.model}' is left by these preferences`,
      "provider",
    );
  return {
    model,
    routes,
    maxOutputTokens: Math.min(...usable.map((candidate) => candidate.maxOutputTokens)),
  };
}

/** One model's routes as the preferences order and filter them. */
function steer(routes: RouteOption[], preferences: ProviderPreferences | undefined) {
  if (!preferences) return routes;
  const { only, ignore, order, sort } = preferences;
  let chosen = routes.filter(
    (route) =>
      (!only || only.includes(route.providerSlug)) && !ignore?.includes(route.providerSlug),
  );
  // Both sorts are stable: routes they do not tell apart keep the catalog's priority.
  if (sort === "price") chosen = chosen.toSorted((a, b) => compare(totalPrice(a), totalPrice(b)));
  if (order) {
    const rank = (route: RouteOption) => {
      const index = order.indexOf(route.providerSlug);
      return index === -1 ? order.length : index;
    };
    chosen = chosen.toSorted((a, b) => rank(a) - rank(b));
  }
  // Without fallbacks, only the first choice is tried.
  return preferences.allow_fallbacks === false ? chosen.slice(0, 1) : chosen;
}

const totalPrice = (route: RouteOption) => route.prices.input + route.prices.output;

const compare = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
