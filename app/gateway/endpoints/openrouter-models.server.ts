import { usdPerToken } from "../../utils/money.ts";
import type { CatalogModel, RouteOption } from "../../catalog/catalog-cache.server.ts";
import type { Gateway } from "../gateway.server.ts";
import { supportedParameters } from "./list-models.server.ts";
import { modelNotFound } from "../route-choice.server.ts";
import { openRouterProviderName } from "../../catalog/openrouter-names.ts";
import { isMediaModel, mediaEndpointOf } from "../../catalog/media-prices.ts";
import { configuredProviders, servedCatalog } from "../services/served-models.server.ts";

// OpenRouter's model listing (GET /api/v1/models) and a model's endpoints (GET
// /api/v1/models/<author>/<slug>/endpoints), as its SDK's Model and
// ListEndpointsResponse schemas take them: each model under its OpenRouter
// id, and each admin alias as an entry of its own that names its target.
// Prices are OpenRouter's exact decimal strings of US dollars per token.
// @see https://openrouter.ai/docs/api-reference/models/get-models

/** The providers the multimodal adapters speak to: their models take images. */
export const IMAGE_PROVIDERS = new Set(["openai", "anthropic", "google"]);
/** OpenRouter's tokenizer groups, by the company that makes a model. */
const TOKENIZERS: Record<string, string> = { openai: "GPT", anthropic: "Claude", google: "Gemini" };
/** Providers that cache long prompts without being asked (Anthropic needs cache_control). */
const IMPLICIT_CACHING = new Set(["openai", "google"]);

/**
 * An embeddings model generates nothing: the catalog gives it one output token
 * and no output price (app/catalog/catalog-data.ts).
 */
export const isEmbeddings = (model: CatalogModel) =>
  !isMediaModel(model) && model.maxOutputTokens <= 1 && model.routes[0]!.prices.output === 0n;

/** An image model (ADR 072): its routes are priced per image, and it answers /v1/images only. */
export const isImageModel = (model: CatalogModel) =>
  model.maxOutputTokens === 0 && model.routes[0]?.media?.prices.image !== undefined;

/** A chat model that can answer with images (ADR 073): a route prices image output tokens. */
export const outputsImages = (model: CatalogModel) =>
  model.routes.some((route) => route.prices.modality?.image_output_token !== undefined);

/** What an audio model (ADR 072, 074, 075) takes and gives: text to speech, or speech to text. */
function audioModalities(model: CatalogModel) {
  if (isImageModel(model) || !isMediaModel(model)) return undefined;
  return mediaEndpointOf(model.routes[0]!) === "/v1/audio/speech"
    ? { input: ["text"], output: ["audio"] }
    : { input: ["audio"], output: ["text"] };
}

export function architecture(model: CatalogModel) {
  const embeddings = isEmbeddings(model);
  const imageModel = isImageModel(model);
  const audio = audioModalities(model);
  const images =
    !embeddings && !imageModel && !audio && IMAGE_PROVIDERS.has(model.routes[0]!.providerSlug);
  const input = audio?.input ?? (images ? ["text", "image"] : ["text"]);
  const output = embeddings
    ? ["embeddings"]
    : imageModel
      ? ["image"]
      : (audio?.output ?? (outputsImages(model) ? ["image", "text"] : ["text"]));
  return {
    modality: `${input.join("+")}->${output.join("+")}`,
    input_modalities: input,
    output_modalities: output,
    tokenizer: TOKENIZERS[model.company] ?? "Other",
    instruct_type: null,
  };
}

/** A route's prices as OpenRouter gives them: US dollars per token, as decimal strings. */
export function pricing(route: RouteOption) {
  const { prices } = route;
  return {
    prompt: usdPerToken(prices.input),
    completion: usdPerToken(prices.output),
    input_cache_read: usdPerToken(prices.cachedInput),
    ...(prices.cacheWrite === null ? {} : { input_cache_write: usdPerToken(prices.cacheWrite) }),
  };
}

export const endpointsPath = (model: CatalogModel) =>
  `/api/v1/models/${model.openRouterId}/endpoints`;

function describe(model: CatalogModel) {
  const providers = [...new Set(model.routes.map((route) => route.providerSlug))].join(", ");
  return `${model.name}, served by ${providers} through this gateway.`;
}

/** One entry of OpenRouter's listing: the model, or an alias of it under `id`. */
export function modelEntry(model: CatalogModel, alias?: string) {
  return {
    id: alias ?? model.openRouterId,
    canonical_slug: model.openRouterId,
    hugging_face_id: null,
    name: alias ? `${model.name} (${alias})` : model.name,
    created: Math.floor(model.createdAt.getTime() / 1000),
    description: describe(model),
    context_length: model.contextLength,
    architecture: architecture(model),
    pricing: pricing(model.routes[0]!),
    top_provider: {
      context_length: model.contextLength,
      max_completion_tokens: model.maxOutputTokens,
      is_moderated: false,
    },
    per_request_limits: null,
    supported_parameters: supportedParameters(model),
    default_parameters: null,
    supported_voices: null,
    expiration_date: null,
    knowledge_cutoff: null,
    links: { details: endpointsPath(model) },
    ...(alias ? { alias_target: { slug: model.openRouterId, name: model.name } } : {}),
  };
}

const MAX_PAGE = 1000;

/** GET /api/v1/models?offset=&limit=: the models a provider with a key serves, then their aliases, by id. */
export async function listOpenRouterModels(gateway: Gateway, request: Request) {
  const { models, aliases } = await servedCatalog(gateway);
  const entries = [
    ...[...models.values()].map((model) => modelEntry(model)),
    ...[...aliases]
      .map(([alias, slug]) => ({ alias, model: models.get(slug) }))
      .filter((entry): entry is { alias: string; model: CatalogModel } =>
        Boolean(entry.model?.routes.length),
      )
      .map((entry) => modelEntry(entry.model, entry.alias)),
  ].sort((a, b) => a.id.localeCompare(b.id));
  const url = new URL(request.url);
  const offset = wholeNumber(url.searchParams.get("offset"), 0);
  const limit = Math.min(
    wholeNumber(url.searchParams.get("limit"), MAX_PAGE) || MAX_PAGE,
    MAX_PAGE,
  );
  const page = entries.slice(offset, offset + limit);
  const nextOffset = offset + page.length;
  return Response.json({
    data: page,
    total_count: entries.length,
    links: {
      next:
        nextOffset < entries.length ? `/api/v1/models?offset=${nextOffset}&limit=${limit}` : null,
    },
  });
}

function wholeNumber(value: string | null, fallback: number) {
  const number = value === null ? NaN : Number(value);
  return Number.isInteger(number) && number >= 0 ? number : fallback;
}

/** GET /api/v1/models/<author>/<slug>/endpoints: the providers that serve a model, in the order tried. */
export async function listOpenRouterEndpoints(gateway: Gateway, author: string, slug: string) {
  const name = `${author}/${slug}`;
  const found = await gateway.catalog.resolve(name);
  if (!found || found.model.routes.length === 0) {
    const { names } = await gateway.catalog.load();
    throw modelNotFound(name, names.keys(), "/api/v1/models");
  }
  const { model } = found;
  // Only the providers that have a key (none: no endpoint): the others cannot take a call now (ADR 042).
  const configured = await configuredProviders(gateway);
  const routes = model.routes.filter((route) => configured.has(route.providerSlug));
  const rows = await gateway.prisma.provider.findMany({
    where: { slug: { in: routes.map((route) => route.providerSlug) } },
    select: { slug: true, name: true },
  });
  const providerNames = new Map(rows.map((row) => [row.slug, row.name]));
  return {
    id: model.openRouterId,
    name: model.name,
    created: Math.floor(model.createdAt.getTime() / 1000),
    description: describe(model),
    architecture: architecture(model),
    endpoints: routes.map((route) => {
      const providerName = openRouterProviderName(
        route.providerSlug,
        providerNames.get(route.providerSlug),
      );
      return {
        name: `${providerName} | ${model.openRouterId}`,
        model_id: model.openRouterId,
        model_name: model.name,
        provider_name: providerName,
        tag: route.providerSlug,
        context_length: model.contextLength,
        max_completion_tokens: model.maxOutputTokens,
        max_prompt_tokens: null,
        pricing: pricing(route),
        quantization: null,
        supported_parameters: supportedParameters(model),
        supports_implicit_caching: IMPLICIT_CACHING.has(route.providerSlug),
        supports_tool_choice: { auto: true, function: true, none: true, required: true },
        status: 0,
        uptime_last_5m: null,
        uptime_last_30m: null,
        uptime_last_1d: null,
        latency_last_30m: null,
        throughput_last_30m: null,
      };
    }),
  };
}
