import { describe, expect, test } from "vitest";
import { CatalogFormatError, perTokenToPerMillion, readPriceCatalog } from "./price-catalog.ts";

describe("OpenRouter's /api/v1/models", () => {
  test("per-token prices become exact prices per 1M tokens; routers without a price are left out", () => {
    const catalog = readPriceCatalog({
      data: [
        {
          id: "openai/gpt-4o",
          name: "OpenAI: GPT-4o",
          context_length: 128000,
          pricing: { prompt: "0.0000025", completion: "0.00001", input_cache_read: "0.00000125" },
        },
        { id: "openrouter/auto", pricing: { prompt: "-1", completion: "-1" } },
      ],
    });
    expect(catalog).toEqual([
      {
        openRouterId: "openai/gpt-4o",
        name: "OpenAI: GPT-4o",
        input: "2.5",
        cachedInput: "1.25",
        cacheWrite: null,
        output: "10",
        contextLength: 128000,
      },
    ]);
  });
});

test("models.dev's api.json: providers' models with their cost per 1M tokens", () => {
  const catalog = readPriceCatalog({
    anthropic: {
      id: "anthropic",
      models: {
        "claude-haiku-4-5": {
          id: "claude-haiku-4-5",
          name: "Claude Haiku 4.5",
          cost: { input: 1, output: 5, cache_read: 0.1, cache_write: 1.25 },
          limit: { context: 200000, output: 64000 },
        },
        "no-price": { id: "no-price" },
      },
    },
  });
  expect(catalog).toEqual([
    {
      openRouterId: "anthropic/claude-haiku-4-5",
      name: "Claude Haiku 4.5",
      input: "1",
      cachedInput: "0.1",
      cacheWrite: "1.25",
      output: "5",
      contextLength: 200000,
    },
  ]);
});

test.each([
  ["0.0000025", "2.5"],
  ["0.00001", "10"],
  ["0.000000075", "0.075"],
  ["0", "0"],
  ["1.5", "1500000"],
])("%s a token is %s per 1M", (perToken, perMillion) =>
  expect(perTokenToPerMillion(perToken)).toBe(perMillion),
);

test("anything else is a CatalogFormatError saying where", () => {
  expect(() => readPriceCatalog({ data: [{ id: "x" }] })).toThrow(CatalogFormatError);
  expect(() => readPriceCatalog({ data: [{ id: "x" }] })).toThrow(/data.0.pricing/);
  expect(() => readPriceCatalog([1, 2])).toThrow(/models.dev/);
});
