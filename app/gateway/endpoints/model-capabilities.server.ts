import type { CatalogModel } from "../../catalog/catalog-cache.server.ts";
import type { ModelCapabilities } from "../../catalog/model-capabilities.ts";
import { supportedParameters } from "./list-models.server.ts";
import { isMediaModel } from "../../catalog/media-prices.ts";
import { architecture, IMAGE_PROVIDERS, isEmbeddings } from "./openrouter-models.server.ts";

/**
 * Read from what the listings already say, so they never disagree: tools and JSON
 * mode from `supported_parameters`, vision from the architecture's input
 * modalities. The catalog has no reasoning flag: a model counts as reasoning when
 * its first provider is an official API whose adapter carries `reasoning_effort`
 * over (providers/reasoning-effort.ts), the same three that take images (ADR 071).
 * An embeddings model generates nothing, and a media model only images or audio: none of them.
 */
export function modelCapabilities(model: CatalogModel): ModelCapabilities {
  if (isEmbeddings(model) || isMediaModel(model))
    return { tools: false, vision: false, jsonMode: false, reasoning: false };
  const parameters = supportedParameters(model);
  return {
    tools: parameters.includes("tools"),
    vision: architecture(model).input_modalities.includes("image"),
    jsonMode: parameters.includes("response_format"),
    reasoning: IMAGE_PROVIDERS.has(model.routes[0]!.providerSlug),
  };
}
