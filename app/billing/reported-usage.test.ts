import { describe, expect, test } from "vitest";
import { EMPTY_USAGE } from "../llm/parts.ts";
import { optionalTokenCount, tokenCount } from "../providers/token-count.ts";
import { usageProblems } from "./reported-usage.ts";

const bounds = { inputTokens: 1_000, outputTokens: 100 };
const usage = (counts: Partial<typeof EMPTY_USAGE>) => ({ ...EMPTY_USAGE, ...counts });

describe("usageProblems", () => {
  test("a plausible report passes, at its bounds too", () => {
    expect(usageProblems(usage({ inputTokens: 10, outputTokens: 5 }), bounds)).toEqual([]);
    const full = usage({ inputTokens: 600, cachedInputTokens: 300, cacheWriteTokens: 100 });
    expect(usageProblems({ ...full, outputTokens: 100, reasoningTokens: 100 }, bounds)).toEqual([]);
  });

  test.each([
    ["a fraction", 2.5],
    ["a negative count", -3],
    ["NaN (a string or null the adapter refused)", Number.NaN],
    ["infinity", Number.POSITIVE_INFINITY],
    ["beyond exact integers (1e20)", 1e20],
  ])("refuses %s, naming the count", (_, value) => {
    expect(usageProblems(usage({ outputTokens: value }), bounds)).toEqual([
      "outputTokens is not a whole number ≥ 0",
    ]);
  });

  test("refuses more than the request could produce", () => {
    expect(usageProblems(usage({ outputTokens: 2_000_000_000 }), bounds)).toEqual([
      "2000000000 output tokens, more than the 100 allowed",
    ]);
    // Input has room for what providers add of their own (a tool-use system prompt).
    expect(usageProblems(usage({ inputTokens: 900, cachedInputTokens: 2_000 }), bounds)).toEqual(
      [],
    );
    expect(usageProblems(usage({ inputTokens: 900, cachedInputTokens: 32_200 }), bounds)).toEqual([
      "33100 input tokens, more than the request's 33000 at most",
    ]);
    expect(usageProblems(usage({ outputTokens: 5, reasoningTokens: 6 }), bounds)).toEqual([
      "6 reasoning tokens, more than the output's 5",
    ]);
  });
});

describe("token counts as adapters read them", () => {
  test("whole numbers ≥ 0 pass; anything else is NaN; an optional count may be missing", () => {
    expect([0, 7, 1e6].map(tokenCount)).toEqual([0, 7, 1e6]);
    expect([2.5, -3, "eight", null, undefined, "8", {}].map(tokenCount)).toEqual(
      Array(7).fill(Number.NaN),
    );
    expect([undefined, null, 4, 2.5].map(optionalTokenCount)).toEqual([0, 0, 4, Number.NaN]);
  });
});
