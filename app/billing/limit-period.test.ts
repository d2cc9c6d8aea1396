import { describe, expect, test } from "vitest";
import { nextPeriodStart, periodStart, spentThisPeriod } from "./limit-period.ts";

const at = (iso: string) => new Date(iso);

describe("limit periods (UTC)", () => {
  test("a day starts at midnight UTC; a month on its first day", () => {
    const now = at("2026-12-31T23:59:59.999Z");
    expect(periodStart("day", now).toISOString()).toBe("2026-12-31T00:00:00.000Z");
    expect(nextPeriodStart("day", now).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(periodStart("month", now).toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(nextPeriodStart("month", now).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(nextPeriodStart("month", at("2027-02-28T12:00:00Z")).toISOString()).toBe(
      "2027-03-01T00:00:00.000Z",
    );
  });

  test("what was counted in an earlier period is not spent in this one", () => {
    const now = at("2026-11-28T15:00:00Z");
    const key = {
      limitPeriod: "month",
      periodStart: at("2026-11-01T00:00:00Z"),
      periodSpent: 500n,
    };
    expect(spentThisPeriod(key, now)).toBe(500n);
    expect(spentThisPeriod(key, at("2026-12-01T00:00:00Z"))).toBe(0n);
    expect(spentThisPeriod({ ...key, limitPeriod: "day" }, now)).toBe(0n);
    expect(spentThisPeriod({ ...key, limitPeriod: null }, now)).toBe(0n);
  });
});
