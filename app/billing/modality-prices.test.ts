import { describe, expect, test } from "vitest";
import { sellPrices } from "../catalog/markup.ts";
import { mappingCostPrices, parseModalityPrices, type Prices } from "../catalog/prices.ts";
import { EMPTY_USAGE, type Usage } from "../llm/parts.ts";
import { costOfUsage, feePrices, maxInputPrice, maxOutputPrice } from "./prices.ts";
import { usageProblems } from "./reported-usage.ts";

// Tokens of a modality priced apart from text (ADR 073): Gemini's image tokens at US$30 per
// 1M beside its text at US$2.50, audio in or out at its own price.

const IMAGE_MODEL: Prices = {
  input: 300_000n,
  cachedInput: 30_000n,
  cacheWrite: null,
  output: 2_500_000n,
  modality: { image_output_token: 30_000_000n },
};
const usage = (fields: Partial<Usage>): Usage => ({ ...EMPTY_USAGE, ...fields });

describe("costOfUsage with a modality", () => {
  test("image tokens are taken out of the output and charged at their price, each rounded up", () => {
    const used = usage({
      inputTokens: 12,
      outputTokens: 1_300,
      modalityTokens: { modality: "image_output_token", tokens: 1_290 },
    });
    // 12 × 0.3 = 3.6 → 4; 10 × 2.5 = 25; 1,290 × 30 = 38,700.
    expect(costOfUsage(used, IMAGE_MODEL)).toBe(4n + 25n + 38_700n);
  });

  test("audio input tokens come out of the input side", () => {
    const prices = { ...IMAGE_MODEL, modality: { audio_input_token: 6_000_000n } };
    const used = usage({
      inputTokens: 1_010,
      outputTokens: 20,
      modalityTokens: { modality: "audio_input_token", tokens: 1_000 },
    });
    expect(costOfUsage(used, prices)).toBe(3n + 6_000n + 50n);
  });

  test("a modality the route does not price is charged as text", () => {
    const used = usage({
      outputTokens: 1_000,
      modalityTokens: { modality: "audio_output_token", tokens: 1_000 },
    });
    expect(costOfUsage(used, IMAGE_MODEL)).toBe(2_500n);
  });

  test("without modality tokens nothing changes", () => {
    expect(costOfUsage(usage({ inputTokens: 10, outputTokens: 10 }), IMAGE_MODEL)).toBe(3n + 25n);
  });
});

describe("modality prices on a route", () => {
  test("parsed from media_prices: amounts only, other keys ignored", () => {
    expect(
      parseModalityPrices({ image: { default: "39000" }, image_output_token: "30000000" }),
    ).toEqual({ image_output_token: 30_000_000n });
    expect(parseModalityPrices({ audio_input_token: "six" })).toBeUndefined();
    expect(parseModalityPrices({ minute: "6000" })).toBeUndefined();
    expect(parseModalityPrices(null)).toBeUndefined();
  });

  test("the mapping's cost prices carry them; markup and BYOK fees change them like the others", () => {
    const cost = mappingCostPrices({
      inputPrice: 1_000_000n,
      cachedInputPrice: 100_000n,
      cacheWritePrice: null,
      outputPrice: 2_000_000n,
      mediaPrices: { audio_output_token: "10000000" },
    });
    expect(cost.modality).toEqual({ audio_output_token: 10_000_000n });
    const sold = sellPrices(cost, { basisPoints: 1_000, perMillion: 5n });
    expect(sold.modality).toEqual({ audio_output_token: 11_000_005n });
    expect(feePrices(cost, 500).modality).toEqual({ audio_output_token: 500_000n });
  });

  test("a hold is sized by the dearest way a token may be billed", () => {
    expect(maxOutputPrice(IMAGE_MODEL)).toBe(30_000_000n);
    expect(maxOutputPrice({ ...IMAGE_MODEL, modality: undefined })).toBe(2_500_000n);
    expect(maxInputPrice({ ...IMAGE_MODEL, modality: { audio_input_token: 6_000_000n } })).toBe(
      6_000_000n,
    );
  });
});

describe("usageProblems with modality tokens", () => {
  const bounds = { inputTokens: 100, outputTokens: 2_000 };
  test("a part of the side they belong to", () => {
    const image = (tokens: number) =>
      usage({ outputTokens: 1_300, modalityTokens: { modality: "image_output_token", tokens } });
    expect(usageProblems(image(1_290), bounds)).toEqual([]);
    expect(usageProblems(image(1_301), bounds)).toEqual([
      "1301 image_output_tokens, not a part of the 1300 they belong to",
    ]);
    expect(usageProblems(image(-1), bounds)).toHaveLength(1);
    expect(usageProblems(image(Number.NaN), bounds)).toHaveLength(1);
    const audio = usage({
      inputTokens: 50,
      modalityTokens: { modality: "audio_input_token", tokens: 60 },
    });
    expect(usageProblems(audio, bounds)).toHaveLength(1);
  });
});
