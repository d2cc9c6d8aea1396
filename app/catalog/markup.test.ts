import { expect, test } from "vitest";
import { markupOf, sellPrices } from "./markup.ts";

const COST = {
  input: 2_500_000_00n,
  cachedInput: 1_250_000_00n,
  cacheWrite: null,
  output: 10_000_000_00n,
};

test("a percentage and an amount per 1M, each price rounded up to a whole µcr", () => {
  expect(sellPrices(COST, { basisPoints: 1_000, perMillion: null })).toEqual({
    input: 275_000_000n,
    cachedInput: 137_500_000n,
    cacheWrite: null,
    output: 1_100_000_000n,
  });
  expect(sellPrices({ ...COST, input: 3n }, { basisPoints: 3_333, perMillion: 5n }).input).toBe(
    9n, // 3 × 1.3333 = 3.9999 -> 4, + 5
  );
  expect(sellPrices(COST, null)).toBe(COST);
});

test("the model's markup wins over its provider's; neither set is none", () => {
  const none = { basisPoints: null, perMillion: null };
  const provider = { basisPoints: 500, perMillion: null };
  const model = { basisPoints: null, perMillion: 100n };
  expect(markupOf(model, provider)).toBe(model);
  expect(markupOf(none, provider)).toBe(provider);
  expect(markupOf(none, none)).toBeNull();
});
