import { GatewayError, invalidRequest } from "../http/gateway-error.ts";
import type { CatalogModel, NamedModel, RouteOption } from "../catalog/catalog-cache.server.ts";
import type { ChatRequest, ProviderPreferences } from "../llm/chat-request.ts";
import type { Gateway } from "./gateway.server.ts";
import { mediaEndpointOf } from "../catalog/media-prices.ts";
import { closestNames, splitVariant, type ModelVariant } from "../llm/model-names.ts";
import { routesWithOwnKeys } from "./own-key-routes.server.ts";
import { notConfiguredMessage } from "../providers/provider-setup.ts";
import { speedKey, type Speed } from "./services/provider-speeds.server.ts";

/** Where a client's API lists the models, for the 404 of a name it does not know. */
export const modelsListingFor = (endpoint: string) =>
  endpoint.startsWith("/api/v1/") ? "/api/v1/models" : "/v1/models";

/** A 404 naming the closest known names ("did you mean") and where the models are listed. */
export function modelNotFound(
  name: string,
  known: Iterable<string>,
  listing: string,
  param = "model",
) {
  const close = closestNames(splitVariant(name).name, known).map((candidate) => `'${candidate}'`);
  const hint =
    close.length === 0
      ? ""
      : ` Did you mean ${close.length === 1 ? close[0] : `${close.slice(0, -1).join(", ")} or ${close.at(-1)}`}?`;
  return new GatewayError(
    404,
    `The model '${name}' does not exist.${hint} GET ${listing} lists this gateway's models.`,
    { type: "not_found_error", code: "model_not_found", param },
  );
}

/** The model a client named (slug, OpenRouter id or alias, with a variant), or the 404 above. */
export async function requireModel(
  gateway: Gateway,
  name: string,
  listing: string,
  param = "model",
): Promise<NamedModel> {
  const found = await gateway.catalog.resolve(name);
  if (found) return found;
  const { names } = await gateway.catalog.load();
  throw modelNotFound(name, names.keys(), listing, param);
}

/** The 503 of a model none of whose providers has a key: it says what to set (ADR 042). */
export async function notConfigured(gateway: Gateway, model: string, routes: RouteOption[]) {
  const noneAtAll = (await gateway.providers.adapters()).size === 0;
  const providers = routes.map((route) => route.providerSlug);
  return new GatewayError(503, notConfiguredMessage(model, providers, noneAtAll), {
    type: "upstream_error",
    code: "provider_not_configured",
  });
}

/** Whether some route of these goes through a provider that has a key (the gateway's or the user's own). */
export async function servedByAnyKey(gateway: Gateway, userId: string, routes: RouteOption[]) {
  const [configured] = await routesWithOwnKeys(gateway, userId, [routes]);
  return configured!.length > 0;
}

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
 * back to before the first byte; `provider` and a model's variant (`:floor`,
 * `:nitro`) steer the choice among each model's providers. Fallback models
 * that cannot give the requested output are left out.
 */
export async function chooseRoutes(
  gateway: Gateway,
  chat: ChatRequest,
  requested: number | undefined,
  /** What the client's protocol calls the output cap, for the error naming it. */
  maxTokensParam: string | undefined,
  /** The user whose own provider keys (BYOK) come first. */
  userId: string,
  /** Where the client's API lists the models (modelsListingFor). */
  listing = "/v1/models",
): Promise<RouteChoice> {
  const names = [...new Set([chat.model, ...(chat.models ?? [])])];
  const named: NamedModel[] = [];
  for (const name of names)
    named.push(
      await requireModel(gateway, name, listing, name === chat.model ? "model" : "models"),
    );
  const model = named[0]!.model;
  // A model that answers no chat (maxOutputTokens 0) priced per unit or by a modality's tokens is a media model.
  const media = named.find(
    ({ model: candidate }) =>
      candidate.maxOutputTokens === 0 &&
      (candidate.routes[0]?.media || candidate.routes[0]?.prices.modality),
  );
  if (media)
    throw invalidRequest(
      `'${media.model.slug}' is not a chat model: send it to POST ${mediaEndpointOf(media.model.routes[0]!.media?.prices, media.model.routes[0]!.prices.modality)}`,
      media === named[0] ? "model" : "models",
      "model_not_chat",
    );
  if (requested !== undefined && requested > model.maxOutputTokens) {
    throw invalidRequest(
      `max tokens must be at most ${model.maxOutputTokens} for ${model.slug}`,
      maxTokensParam ?? "max_completion_tokens",
    );
  }
  const usable = named.filter(
    ({ model: candidate }, i) =>
      i === 0 || requested === undefined || requested <= candidate.maxOutputTokens,
  );
  const configured = await routesWithOwnKeys(
    gateway,
    userId,
    usable.map(({ model: candidate }) => candidate.routes),
  );
  if (configured.every((routes) => routes.length === 0))
    throw await notConfigured(
      gateway,
      chat.model,
      usable.flatMap(({ model: candidate }) => candidate.routes),
    );
  const sorts = usable.map(({ variant }) => sortFor(chat.provider, variant));
  const speeds = sorts.some((sort) => sort === "throughput" || sort === "latency")
    ? await gateway.speeds.all()
    : new Map<string, Speed>();
  // partition "none": one sort over every model's routes, fallback models among them.
  const routes =
    chat.provider?.sort?.partition === "none"
      ? steer(configured.flat(), chat.provider, sorts[0], speeds)
      : configured.flatMap((routes, i) => steer(routes, chat.provider, sorts[i], speeds));
  if (routes.length === 0)
    throw invalidRequest(
      `provider: no provider of '${chat.model}' is left by these preferences`,
      "provider",
    );
  return {
    model,
    routes,
    maxOutputTokens: Math.min(...usable.map(({ model: candidate }) => candidate.maxOutputTokens)),
  };
}

type Sort = NonNullable<ProviderPreferences["sort"]>["by"];

/** An explicit `provider.sort` wins; else a variant's: `:nitro` is throughput, `:floor` price (as OpenRouter's). */
function sortFor(
  preferences: ProviderPreferences | undefined,
  variant: ModelVariant | undefined,
): Sort | undefined {
  if (preferences?.sort) return preferences.sort.by;
  if (variant === "nitro") return "throughput";
  if (variant === "floor") return "price";
  return undefined;
}

/** One model's routes as the preferences order and filter them. */
function steer(
  routes: RouteOption[],
  preferences: ProviderPreferences | undefined,
  sort: Sort | undefined,
  speeds: Map<string, Speed>,
) {
  const { only, ignore, order } = preferences ?? {};
  let chosen = routes.filter(
    (route) =>
      (!only || only.includes(route.providerSlug)) && !ignore?.includes(route.providerSlug),
  );
  // Every sort is stable: routes it does not tell apart (unmeasured ones last) keep the catalog's priority.
  if (sort === "price") chosen = chosen.toSorted((a, b) => compare(totalPrice(a), totalPrice(b)));
  if (sort === "throughput" || sort === "latency") {
    const measure = (route: RouteOption) => {
      const speed = speeds.get(speedKey(route.providerSlug, route.modelSlug));
      const value = sort === "throughput" ? speed?.tokensPerSecond : speed?.firstTokenMs;
      if (value === null || value === undefined) return Infinity;
      return sort === "throughput" ? -value : value;
    };
    chosen = chosen.toSorted((a, b) => measure(a) - measure(b) || 0);
  }
  if (order) {
    const rank = (route: RouteOption) => {
      const index = order.indexOf(route.providerSlug);
      return index === -1 ? order.length : index;
    };
    chosen = chosen.toSorted((a, b) => rank(a) - rank(b));
  }
  // Without fallbacks, only the first choice is tried.
  return preferences?.allow_fallbacks === false ? chosen.slice(0, 1) : chosen;
}

const totalPrice = (route: RouteOption) => route.prices.input + route.prices.output;

const compare = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
