import { Writable } from "node:stream";
import { pino } from "pino";
import { expect, test } from "vitest";
import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import { EMPTY_USAGE } from "../llm/parts.ts";
import { believedUsage, costAtMostHeld, settlementOf } from "./charge.server.ts";
import { REFUSED_USAGE } from "./reported-usage.ts";

// µcr per 1M tokens: an input token costs 2 µcr, an output token 10.
const prices = {
  input: 2_000_000n,
  cachedInput: 1_000_000n,
  cacheWrite: null,
  output: 10_000_000n,
};
const route: RouteOption = {
  modelSlug: "gpt-test",
  openRouterId: "openai/gpt-test",
  mappingId: 7,
  providerSlug: "openai",
  providerName: "OpenAI",
  upstreamModel: "gpt-test-2026",
  prices,
  costPrices: prices,
};

test("a charge is the usage at the route's prices, capped at the hold when it is more", () => {
  const usage = { ...EMPTY_USAGE, inputTokens: 100, outputTokens: 10 };
  expect(costAtMostHeld(usage, prices, 1_000n)).toEqual({
    cost: 300n,
    fullCost: 300n,
    capped: false,
  });
  expect(costAtMostHeld(usage, prices, 300n).capped).toBe(false);
  expect(costAtMostHeld(usage, prices, 250n)).toEqual({ cost: 250n, fullCost: 300n, capped: true });
});

test("reported usage beyond what the request could use is not believed, and the log says so once asked", () => {
  const lines: string[] = [];
  const log = pino(
    { level: "warn" },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        done();
      },
    }),
  );
  const who = { requestId: "req_1", provider: "openai" };
  const bounds = { inputTokens: 10, outputTokens: 5 };
  const fine = { ...EMPTY_USAGE, inputTokens: 10, outputTokens: 5 };
  expect(believedUsage(log, who, fine, bounds)).toBe(fine);
  expect(believedUsage(log, who, undefined, bounds)).toBeUndefined();
  const tooMuch = { ...EMPTY_USAGE, inputTokens: 10, outputTokens: 6 };
  expect(believedUsage(log, who, tooMuch, bounds)).toBeUndefined();
  expect(believedUsage(log, who, tooMuch, bounds, true)).toBeUndefined();
  expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([REFUSED_USAGE]);
});

test("a settlement names who pays, the route that served and the charge", () => {
  const settlement = settlementOf(
    {
      requestId: "req_2",
      key: { id: "key_1", userId: "user_1" },
      endpoint: "/v1/embeddings",
      stream: false,
      started: performance.now(),
      heldAmount: 500n,
    },
    { ...route, ownKey: undefined },
    { usage: EMPTY_USAGE, cost: 0n, usageSource: "ESTIMATED" },
    { status: "ERROR", finishReason: null, errorCode: "upstream_error", timeToFirstTokenMs: null },
  );
  expect(settlement).toMatchObject({
    requestId: "req_2",
    userId: "user_1",
    apiKeyId: "key_1",
    mappingId: 7,
    modelSlug: "gpt-test",
    providerSlug: "openai",
    upstreamModel: "gpt-test-2026",
    endpoint: "/v1/embeddings",
    stream: false,
    status: "ERROR",
    errorCode: "upstream_error",
    usageSource: "ESTIMATED",
    cost: 0n,
    prices,
    byok: false,
  });
  expect(settlement.latencyMs).toBeGreaterThanOrEqual(0);
});
