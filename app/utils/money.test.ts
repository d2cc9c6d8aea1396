import { describe, expect, test } from "vitest";
import {
  costOfTokens,
  creditsToMicro,
  formatCredits,
  formatUsd,
  MICRO_PER_USD,
  microToCredits,
  microToUsd,
  usdPerToken,
  usdToMicro,
} from "./money.ts";

describe("costOfTokens", () => {
  test("is exact when the product divides evenly", () => {
    // 1M tokens at $2.50 per 1M = $2.50
    expect(costOfTokens(1_000_000, usdToMicro("2.50"))).toBe(250_000_000n);
  });

  test("rounds any fraction of a micro-credit up", () => {
    expect(costOfTokens(1, 1n)).toBe(1n); // 1e-6 µcr -> 1 µcr
    expect(costOfTokens(3, 333_334n)).toBe(2n); // 1.000002 -> 2
    expect(costOfTokens(1_000_000, 7n)).toBe(7n); // exactly 7, not 8
  });

  test("is zero for zero tokens or a free price", () => {
    expect(costOfTokens(0, 999n)).toBe(0n);
    expect(costOfTokens(12345, 0n)).toBe(0n);
  });

  test("stays exact far beyond Number.MAX_SAFE_INTEGER", () => {
    const price = usdToMicro("75.00"); // 7.5e9 µcr per 1M
    const tokens = 10n ** 12n;
    expect(costOfTokens(tokens, price)).toBe(7_500_000_000_000_000n);
  });

  test("rejects negative inputs", () => {
    expect(() => costOfTokens(-1, 1n)).toThrow(RangeError);
    expect(() => costOfTokens(1, -1n)).toThrow(RangeError);
  });

  test("returns a bigint, never a float", () => {
    expect(typeof costOfTokens(7, 3n)).toBe("bigint");
  });
});

describe("usdToMicro", () => {
  test.each([
    ["0", 0n],
    ["1", MICRO_PER_USD],
    ["2.50", 250_000_000n],
    ["0.075", 7_500_000n],
    ["0.125", 12_500_000n],
    ["0.00000001", 1n],
    ["15.00", 1_500_000_000n],
  ])("%s dollars", (text, expected) => {
    expect(usdToMicro(text)).toBe(expected);
  });

  test.each(["", "1.", ".5", "-1", "1e3", "0.000000001", "1,00", "abc"])("rejects %j", (text) => {
    expect(() => usdToMicro(text)).toThrow(RangeError);
  });

  test("avoids the float error of 0.1 + 0.2", () => {
    expect(usdToMicro("0.1") + usdToMicro("0.2")).toBe(usdToMicro("0.3"));
  });
});

describe("formatting", () => {
  test("credits with grouping and rounding half up", () => {
    expect(formatCredits(creditsToMicro(1000))).toBe("1,000.00");
    expect(formatCredits(1_234_567_891n)).toBe("1,234.57");
    expect(formatCredits(5_000n, 4)).toBe("0.0050");
    expect(formatCredits(-1_500_000n)).toBe("-1.50");
  });

  test("dollars", () => {
    expect(formatUsd(creditsToMicro(1000))).toBe("$10.00");
    expect(formatUsd(123n, 6)).toBe("$0.000001");
    expect(formatUsd(-MICRO_PER_USD)).toBe("-$1.00");
  });
});

describe("microToUsd", () => {
  test.each([
    [250_000_000n, "2.50"],
    [7_500_000n, "0.075"],
    [150_000_000_000n, "1500.00"],
    [1n, "0.00000001"],
    [0n, "0.00"],
  ])("%s µcr is %s dollars, and back", (micro, text) => {
    expect(microToUsd(micro)).toBe(text);
    expect(usdToMicro(text)).toBe(micro);
  });
});

describe("microToCredits", () => {
  test.each([
    [1_234n, "0.001234"],
    [12_000_000n, "12.00"],
    [1n, "0.000001"],
    [-2_500_000n, "-2.50"],
  ])("%s µcr is %s credits", (micro, text) => {
    expect(microToCredits(micro)).toBe(text);
  });
});

describe("usdPerToken", () => {
  test.each([
    [usdToMicro("3.00"), "0.000003"],
    [usdToMicro("0.075"), "0.000000075"],
    [usdToMicro("15.00"), "0.000015"],
    [0n, "0"],
  ])("%s µcr per 1M tokens is $%s per token", (price, text) => {
    expect(usdPerToken(price)).toBe(text);
  });
});
