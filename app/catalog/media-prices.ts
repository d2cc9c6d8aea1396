import { formatPrice } from "../utils/money.ts";
import { markupFrom, markupOf, sellUnitPrice, type MarkupColumns } from "./markup.ts";
import type { Prices } from "./prices.ts";

// Media models' prices (ADR 072): a route of an image model is priced per image, by size
// and quality, in µcr. Stored on its mapping as JSON of strings (a bigint does not survive
// JSON): {"image": {"1024x1024/high": "16700000", "1024x1024": "…", "default": "4000000"}}.

/**
 * A media model's prices (µcr): per image by "WxH/quality", "WxH", "*\/quality" or "default";
 * per 1M characters of speech; per minute of transcribed audio.
 */
export interface MediaPrices {
  image?: ReadonlyMap<string, bigint>;
  character?: bigint;
  minute?: bigint;
}

const MICRO_AMOUNT = /^\d{1,18}$/;

/** A mapping's `media_prices` as stored, or undefined for a model priced by tokens only (or a row that is not JSON of prices). */
export function parseMediaPrices(stored: unknown): MediaPrices | undefined {
  if (!stored || typeof stored !== "object") return undefined;
  const { image, character, minute } = stored as Record<string, unknown>;
  const prices: { image?: Map<string, bigint>; character?: bigint; minute?: bigint } = {};
  if (image && typeof image === "object") {
    prices.image = new Map();
    for (const [variant, price] of Object.entries(image)) {
      if (typeof price !== "string" || !MICRO_AMOUNT.test(price)) return undefined;
      prices.image.set(variant, BigInt(price));
    }
  }
  for (const [unit, price] of [
    ["character", character],
    ["minute", minute],
  ] as const) {
    if (price === undefined) continue;
    if (typeof price !== "string" || !MICRO_AMOUNT.test(price)) return undefined;
    prices[unit] = BigInt(price);
  }
  return prices.image?.size || prices.character !== undefined || prices.minute !== undefined
    ? prices
    : undefined;
}

/** A route's media prices as charged: the mapping's, with its model's or else its provider's percentage. */
export function routeMediaPrices(
  model: MarkupColumns,
  mapping: { mediaPrices: unknown; provider: MarkupColumns },
): { prices: MediaPrices; costPrices: MediaPrices } | undefined {
  const cost = parseMediaPrices(mapping.mediaPrices);
  if (!cost) return undefined;
  const markup = markupOf(markupFrom(model), markupFrom(mapping.provider));
  const sell = (price: bigint) => sellUnitPrice(price, markup);
  return {
    prices: {
      ...(cost.image
        ? { image: new Map([...cost.image].map(([variant, price]) => [variant, sell(price)])) }
        : {}),
      ...(cost.character === undefined ? {} : { character: sell(cost.character) }),
      ...(cost.minute === undefined ? {} : { minute: sell(cost.minute) }),
    },
    costPrices: cost,
  };
}

/**
 * The price of one image of this size and quality: the most specific variant listed
 * ("1024x1024/high", then "1024x1024", then "*\/high"), else "default"; undefined when the
 * route prices neither (the size is not offered).
 */
export function imagePrice(prices: MediaPrices, size: string, quality: string) {
  const image = prices.image;
  if (!image) return undefined;
  return (
    image.get(`${size}/${quality}`) ??
    image.get(size) ??
    image.get(`*/${quality}`) ??
    image.get("default")
  );
}

/**
 * What one image is held at: its price, or with "auto" for the size or the quality (the
 * provider chooses), the dearest of the variants it could be. Undefined: not offered.
 */
export function heldImagePrice(prices: MediaPrices, size: string, quality: string) {
  if (size !== "auto" && quality !== "auto") return imagePrice(prices, size, quality);
  const image = prices.image;
  if (!image) return undefined;
  let dearest: bigint | undefined;
  for (const [variant, price] of image) {
    const [variantSize, variantQuality] = variant.split("/");
    const sizeFits = size === "auto" || variantSize === size || variantSize === "*";
    const qualityFits =
      quality === "auto" || variantQuality === undefined || variantQuality === quality;
    if (
      (variant === "default" || (sizeFits && qualityFits)) &&
      (dearest === undefined || price > dearest)
    )
      dearest = price;
  }
  return dearest;
}

/**
 * What one image is charged: the price of the size and quality the provider says it made,
 * never more than it was held at; the held price when it says nothing.
 */
export function chargedImagePrice(
  prices: MediaPrices,
  held: bigint,
  made: { size?: string; quality?: string },
) {
  if (!made.size || !made.quality) return held;
  const price = imagePrice(prices, made.size, made.quality);
  return price !== undefined && price < held ? price : held;
}

/** A route as the media helpers read it: its prices per unit (ADR 072) and per token (ADR 073). */
interface PricedRoute {
  media?: { prices: MediaPrices };
  prices: Prices;
}

/**
 * A model that answers no chat (maxOutputTokens 0) and is priced for a media endpoint: per
 * image, character or minute (ADR 072), or by a modality's tokens (a transcription model,
 * ADR 074; a speech model, ADR 075).
 */
export function isMediaModel(model: { maxOutputTokens: number; routes: PricedRoute[] }) {
  return (
    model.maxOutputTokens === 0 &&
    model.routes.some((route) => route.media !== undefined || route.prices.modality !== undefined)
  );
}

/** Where a media model is sent, by what its route is priced for. */
export function mediaEndpointOf(route: PricedRoute) {
  const prices = route.media?.prices;
  if (prices?.image) return "/v1/images/generations";
  // Per character, or by audio tokens out: a speech model.
  if (prices?.character !== undefined || route.prices.modality?.audio_output_token !== undefined)
    return "/v1/audio/speech";
  // Per minute or per audio token in: a transcription model.
  return "/v1/audio/transcriptions";
}

/**
/**
 * A media model's route's prices as the Models pages say them (in place of token prices):
 * "$0.011–$0.25 per image"; for a transcription model priced by tokens "$6.00 per 1M audio
 * tokens; text $2.50 in, $10.00 out"; for a speech model "$0.50 per 1M text tokens, $10.00 per
 * 1M audio tokens". Null for a model priced by tokens alone (a chat model).
 */
export function describeRoutePrices(
  model: { maxOutputTokens: number },
  route: PricedRoute,
): string | null {
  // A chat model (images out too, ADR 073) shows its token prices.
  if (model.maxOutputTokens !== 0) return null;
  if (route.media) return describeMediaPrices(route.media.prices);
  const { input, output, modality } = route.prices;
  if (modality?.audio_input_token !== undefined)
    return `${formatPrice(modality.audio_input_token)} per 1M audio tokens; text ${formatPrice(input)} in, ${formatPrice(output)} out`;
  if (modality?.audio_output_token !== undefined)
    return `${formatPrice(input)} per 1M text tokens, ${formatPrice(modality.audio_output_token)} per 1M audio tokens`;
  return null;
}

/** A media model's prices as the Models pages say them: "$0.011–$0.25 per image". */
function describeMediaPrices(prices: MediaPrices): string {
  if (prices.image) {
    const all = [...prices.image.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const [low, high] = [all[0]!, all.at(-1)!];
    return `${formatPrice(low)}${high === low ? "" : `–${formatPrice(high)}`} per image`;
  }
  if (prices.character !== undefined) return `${formatPrice(prices.character)} per 1M characters`;
  return `${formatPrice(prices.minute ?? 0n)} per minute`;
}

/** A chat model's output price as the Models pages say it, with its images' own: "$2.50; images $30.00" (ADR 073). */
export function describeOutputPrice(prices: Prices): string {
  const images = prices.modality?.image_output_token;
  return `${formatPrice(prices.output)}${images === undefined ? "" : `; images ${formatPrice(images)}`}`;
}
