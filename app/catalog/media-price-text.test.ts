import { expect, test } from "vitest";
import { usdToMicro } from "../utils/money.ts";
import {
  describeOutputPrice,
  describeRoutePrices,
  mediaEndpointOf,
  parseMediaPrices,
} from "./media-prices.ts";
import type { Prices } from "./prices.ts";

// A model that answers no chat is described and sent by what it is priced for (ADR 072, 075).

const tokens = (modality: Prices["modality"]): Prices => ({
  input: usdToMicro("0.50"),
  cachedInput: usdToMicro("0.50"),
  cacheWrite: null,
  output: usdToMicro("10.00"),
  modality,
});
const speech = tokens({ audio_output_token: usdToMicro("10.00") });

test("a speech model priced by tokens: its text and audio tokens, sent to /v1/audio/speech", () => {
  expect(describeRoutePrices({ maxOutputTokens: 0 }, { prices: speech })).toBe(
    "$0.50 per 1M text tokens, $10.00 per 1M audio tokens",
  );
  expect(mediaEndpointOf({ prices: speech })).toBe("/v1/audio/speech");
});

test("a transcription model priced by tokens: its audio and text tokens, sent to /v1/audio/transcriptions", () => {
  const transcription = tokens({ audio_input_token: usdToMicro("6.00") });
  expect(describeRoutePrices({ maxOutputTokens: 0 }, { prices: transcription })).toBe(
    "$6.00 per 1M audio tokens; text $0.50 in, $10.00 out",
  );
  expect(mediaEndpointOf({ prices: transcription })).toBe("/v1/audio/transcriptions");
});

test("per-unit prices as before; a chat model's token prices are its own columns", () => {
  const character = parseMediaPrices({ character: String(usdToMicro("15.00")) })!;
  expect(
    describeRoutePrices({ maxOutputTokens: 0 }, { media: { prices: character }, prices: speech }),
  ).toBe("$15.00 per 1M characters");
  expect(mediaEndpointOf({ media: { prices: character }, prices: speech })).toBe(
    "/v1/audio/speech",
  );
  // A chat model with image output tokens (ADR 073) keeps its token prices.
  const image = tokens({ image_output_token: usdToMicro("30.00") });
  expect(describeRoutePrices({ maxOutputTokens: 32_768 }, { prices: image })).toBeNull();
  expect(describeRoutePrices({ maxOutputTokens: 0 }, { prices: tokens(undefined) })).toBeNull();
});

test("a chat model that also makes images shows its token prices, its images' beside its output", () => {
  const image = tokens({ image_output_token: usdToMicro("30.00") });
  const media = { prices: parseMediaPrices({ image: { default: String(usdToMicro("0.039")) } })! };
  expect(describeRoutePrices({ maxOutputTokens: 32_768 }, { media, prices: image })).toBeNull();
  expect(describeOutputPrice(image)).toBe("$10.00; images $30.00");
  expect(describeOutputPrice(tokens(undefined))).toBe("$10.00");
});
