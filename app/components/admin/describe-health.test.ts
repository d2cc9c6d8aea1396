import { expect, test } from "vitest";
import { describeHealth } from "./describe-health.ts";

test("a provider's recent health reads as one sentence; what is unknown is left out", () => {
  expect(describeHealth(null, 15)).toBe("No requests in the last 15 min.");
  expect(
    describeHealth({ requests: 0, errors: 0, latencyP50Ms: null, firstTokenP50Ms: null }, 15),
  ).toBe("No requests in the last 15 min.");
  expect(
    describeHealth({ requests: 120, errors: 3, latencyP50Ms: 850, firstTokenP50Ms: 310 }, 15),
  ).toBe("Last 15 min: 120 requests, 3% errors, median 850 ms (first token 310 ms).");
  expect(
    describeHealth({ requests: 4, errors: 4, latencyP50Ms: null, firstTokenP50Ms: null }, 15),
  ).toBe("Last 15 min: 4 requests, 100% errors.");
});
