import { settleImages } from "../../../billing/images-charge.server.ts";
import { microToCredits } from "../../../utils/money.ts";
import type { RouteOption } from "../../../catalog/catalog-cache.server.ts";
import { heldImagePrice } from "../../../catalog/media-prices.ts";
import { errorResponse, invalidRequest } from "../../../http/gateway-error.ts";
import { readJsonBody } from "../../../http/read-json-body.server.ts";
import { publicOrigin } from "../../../http/request-origin.server.ts";
import { openAIChat } from "../../../protocols/openai/openai-protocol.ts";
import { authenticate } from "../../authenticate.server.ts";
import { callRoutes, dearest, mediaRoutes } from "../media/media-routes.server.ts";
import type { Gateway } from "../../gateway.server.ts";
import { reserveAmount, runBilled, type Endpoint } from "../../pipeline.server.ts";
import { errorCodeOf, toGatewayError } from "../../upstream-failure.ts";
import { keepImages } from "./image-files.server.ts";
import { parseImageEditRequest } from "./image-edit-request.ts";
import { parseImagesRequest, type ImagesRequest } from "./images-request.ts";
import { parseOpenRouterImagesRequest } from "./openrouter-images-request.ts";
import { renderImages, renderOpenRouterImages, type ImagesAnswer } from "./render-images.ts";
import { openRouterErrorResponse } from "../../../protocols/openrouter/openrouter-error.ts";

/** OpenAI's generations or edits, or OpenRouter's images (ADR 076): what differs. */
export interface ImagesFace extends Endpoint {
  /** The request: a generation's JSON, an edit's form, OpenRouter's JSON. */
  parse: (request: Request) => Promise<ImagesRequest>;
  render: (answer: ImagesAnswer) => unknown;
}

const failed = "image generation failed";
const readJson = (parse: (body: unknown) => ImagesRequest) => async (request: Request) =>
  parse(await readJsonBody(request));

export const OPENAI_IMAGES: ImagesFace = {
  parse: readJson(parseImagesRequest),
  render: renderImages,
  error: errorResponse,
  failed,
};
export const OPENAI_IMAGE_EDITS: ImagesFace = { ...OPENAI_IMAGES, parse: parseImageEditRequest };
export const OPENROUTER_IMAGES: ImagesFace = {
  parse: readJson(parseOpenRouterImagesRequest),
  render: renderOpenRouterImages,
  error: openRouterErrorResponse,
  failed,
};

/**
 * POST /v1/images/generations, /v1/images/edits (ADR 072) and /api/v1/images (ADR 076): a
 * key's request like a completion's, priced per image. The hold is n images at the dearest
 * price the size and quality could have on any route; the charge is the images answered, at
 * the price of what was made.
 */
export function handleImages(
  gateway: Gateway,
  request: Request,
  face: ImagesFace = OPENAI_IMAGES,
): Promise<Response> {
  return runBilled(gateway, request, face, async (run) => {
    const { requestId, started, endpoint, headers } = run;
    const key = await authenticate(gateway, openAIChat, openAIChat.headerKey(request));
    const input = await face.parse(request);
    const { model, routes } = await mediaRoutes(gateway, key, input.model, {
      noun: "images",
      priced: (route) => route.media?.prices.image !== undefined,
      can: (adapter) => adapter.generateImages !== undefined,
    });
    // The routes that price this size and quality, each with what one image is held at.
    const priced = routes.flatMap((route) => {
      const price = heldImagePrice(route.media!.prices, input.size, input.quality);
      return price === undefined ? [] : [{ route, price }];
    });
    if (priced.length === 0)
      throw invalidRequest(
        `'${model.slug}' does not make ${input.size} images of quality ${input.quality}; sizes offered: ${offeredSizes(routes)}`,
        "size",
        "unsupported_size",
      );
    const heldUnitPrice = dearest(priced.map(({ price }) => price));
    Object.assign(headers, await gateway.limits.admit(key));
    const hold = await reserveAmount(gateway, run, key, heldUnitPrice * BigInt(input.n));
    const outcome = await callRoutes(
      gateway,
      priced.map(({ route }) => route),
      request.signal,
      (adapter, route, signal) =>
        adapter.generateImages!({
          upstreamModel: route.upstreamModel,
          prompt: input.prompt,
          n: input.n,
          size: input.size,
          quality: input.quality,
          outputFormat: input.outputFormat,
          background: input.background,
          images: input.images,
          mask: input.mask,
          signal,
        }),
    );
    const route = outcome?.route ?? priced[0]!.route;
    const answer = outcome?.ok ? outcome.value : undefined;
    const failure = outcome?.ok ? undefined : outcome?.error;
    const settled = await settleImages(
      gateway.ledger,
      gateway.log,
      {
        requestId,
        key,
        model: model.slug,
        endpoint,
        stream: false,
        started,
        heldAmount: hold.amount,
        n: input.n,
        heldUnitPrice,
        size: input.size,
        quality: input.quality,
      },
      route,
      answer,
      errorCodeOf(failure),
    );
    gateway.log.info(
      {
        requestId,
        model: model.slug,
        provider: route.providerSlug,
        images: settled.units,
        cost: String(settled.cost),
        status: settled.status,
      },
      "image generation settled",
    );
    if (!answer) throw toGatewayError(failure);
    const images = answer.images.slice(0, input.n);
    const urls =
      input.responseFormat === "url"
        ? await keepImages(gateway.prisma, key.userId, requestId, images)
        : undefined;
    const origin = publicOrigin(request);
    return Response.json(
      face.render({
        images: images.map((image, index) => ({
          ...image,
          ...(urls ? { url: origin + urls[index]! } : {}),
        })),
        size: answer.size,
        quality: answer.quality,
        outputFormat: input.outputFormat,
        cost: settled.cost,
        byok: route.ownKey !== undefined,
      }),
      { headers: { ...headers, "x-gateway-cost-credits": microToCredits(settled.cost) } },
    );
  });
}

/** The sizes a model's routes price, for the 400 that says which to ask for. */
function offeredSizes(routes: RouteOption[]) {
  const sizes = new Set<string>();
  for (const route of routes)
    for (const variant of route.media?.prices.image?.keys() ?? [])
      sizes.add(variant === "default" ? "any" : variant.split("/")[0]!);
  return [...sizes].join(", ") || "none";
}
