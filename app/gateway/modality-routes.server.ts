import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import { invalidRequest } from "../http/gateway-error.ts";
import type { ChatRequest } from "../llm/chat-request.ts";
import type { Gateway } from "./gateway.server.ts";

// A chat goes only to routes that can serve its modalities. Audio in (`input_audio` parts,
// ADR 072): OpenAI passes it on, Gemini reads it inline; Claude takes none. Images out
// (`modalities: ["image", …]`, ADR 073): the routes that price image tokens, of a provider
// whose adapter reads them (Gemini's image models).

/** Whether any message of the chat carries audio. */
export function hasAudio(chat: ChatRequest) {
  return chat.messages.some(
    (message) =>
      message.role === "user" &&
      Array.isArray(message.content) &&
      message.content.some((part) => part.type === "input_audio"),
  );
}

/** The routes whose provider takes audio, or a 400 that says none of the model's does. */
export async function routesTakingAudio(gateway: Gateway, routes: RouteOption[]) {
  const { adapters } = await gateway.providers.upstreams();
  const able = routes.filter(
    (route) => (route.ownKey ?? adapters.get(route.providerSlug))?.audioInput,
  );
  if (able.length === 0)
    throw invalidRequest(
      `'${routes[0]?.modelSlug ?? "this model"}' does not take audio (input_audio parts): choose an OpenAI or Google model that does`,
      "messages",
      "audio_not_supported",
    );
  return able;
}

/** The routes that make images in a chat, or a 400 that says the model does not. */
export async function routesMakingImages(gateway: Gateway, routes: RouteOption[]) {
  const { adapters } = await gateway.providers.upstreams();
  const able = routes.filter(
    (route) =>
      route.prices.modality?.image_output_token !== undefined &&
      (route.ownKey ?? adapters.get(route.providerSlug))?.imageOutput,
  );
  if (able.length === 0)
    throw invalidRequest(
      `'${routes[0]?.modelSlug ?? "this model"}' does not answer with images: leave "image" out of modalities, or choose a model whose output_modalities include image (GET /api/v1/models)`,
      "modalities",
      "images_not_supported",
    );
  return able;
}
