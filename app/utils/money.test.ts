import { describe, expect, test } from "vitest";
import {
  costOfTokens,
  creditsToMicro,
  formatCredits,
  formatMoney,
  formatMoneyParts,
  formatPrice,
  formatUsd,
  MICRO_PER_CREDIT,
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

describe("formatMoney, the one format a person reads (ADR 049)", () => {
  test("totals: credits and dollars to two decimals, grouped", () => {
    expect(formatMoney(creditsToMicro(1000))).toBe("1,000.00 credits ($10.00)");
    expect(formatMoney(0n)).toBe("0.00 credits ($0.00)");
    expect(formatMoney(1_234_567_891n)).toBe("1,234.57 credits ($12.35)");
  });

  test("rounds half up at the last digit, from the BigInt", () => {
    expect(formatMoney(4_999n)).toBe("<0.01 credits (<$0.01)");
    expect(formatMoney(5_000n)).toBe("0.01 credits (<$0.01)");
    expect(formatMoney(1_994_999n)).toBe("1.99 credits ($0.02)");
    expect(formatMoney(1_995_000n)).toBe("2.00 credits ($0.02)");
    expect(formatMoney(499_999n)).toBe("0.50 credits (<$0.01)");
    expect(formatMoney(500_000n)).toBe("0.50 credits ($0.01)");
    expect(formatMoney(999_999_995_000n)).toBe("1,000,000.00 credits ($10,000.00)");
  });

  test("a non-zero amount never reads as zero", () => {
    expect(formatMoney(1n)).toBe("<0.01 credits (<$0.01)");
    expect(formatMoney(1n, { precision: "request" })).toBe("<0.0001 credits (<$0.000001)");
    expect(formatMoney(-1n)).toBe("-<0.01 credits (-<$0.01)");
  });

  test("one request's cost: four decimals of credits, six of dollars", () => {
    expect(formatMoney(16_000n, { precision: "request" })).toBe("0.0160 credits ($0.000160)");
    expect(formatMoney(131_200n, { precision: "request" })).toBe("0.1312 credits ($0.001312)");
    expect(formatMoney(49n, { precision: "request" })).toBe("<0.0001 credits (<$0.000001)");
    expect(formatMoney(50n, { precision: "request" })).toBe("0.0001 credits ($0.000001)");
    expect(formatMoney(creditsToMicro(12), { precision: "request" })).toBe(
      "12.0000 credits ($0.120000)",
    );
  });

  test("negative amounts put the sign before both halves; `sign` marks additions", () => {
    expect(formatMoney(-1_500_000n)).toBe("-1.50 credits (-$0.02)");
    expect(formatMoney(-MICRO_PER_USD)).toBe("-100.00 credits (-$1.00)");
    expect(formatMoney(creditsToMicro(1000), { sign: true })).toBe("+1,000.00 credits (+$10.00)");
    expect(formatMoney(-16_000n, { precision: "request", sign: true })).toBe(
      "-0.0160 credits (-$0.000160)",
    );
    expect(formatMoney(0n, { sign: true })).toBe("0.00 credits ($0.00)");
  });

  test("huge values stay exact (no float in between)", () => {
    const huge = 123_456_789_012_345_678_901_234_567n * MICRO_PER_CREDIT + 5_000n;
    expect(formatMoney(huge)).toBe(
      "123,456,789,012,345,678,901,234,567.01 credits ($1,234,567,890,123,456,789,012,345.67)",
    );
    expect(formatMoney(BigInt(Number.MAX_SAFE_INTEGER) + 2n, { precision: "request" })).toBe(
      "9,007,199,254.7410 credits ($90,071,992.547410)",
    );
  });

  test("parts for a card: the same text split in two", () => {
    expect(formatMoneyParts(creditsToMicro(50))).toEqual({
      credits: "50.00 credits",
      usd: "$0.50",
    });
  });
});

describe("formatPrice: dollars per 1M tokens, exactly", () => {
  test.each([
    [usdToMicro("2.50"), "$2.50"],
    [usdToMicro("0.075"), "$0.075"],
    [usdToMicro("0.0375"), "$0.0375"],
    [usdToMicro("1200"), "$1,200.00"],
    [0n, "$0.00"],
    [1n, "$0.00000001"],
  ])("%s µcr per 1M tokens is %s", (micro, text) => {
    expect(formatPrice(micro)).toBe(text);
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
