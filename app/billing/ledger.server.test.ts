import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { setupTestDatabase } from "#tests/support/database.ts";
import { createApiKey, createCatalogEntry, createUser } from "#tests/support/factories.ts";
import { createPrismaClient, type Prisma } from "../db/prisma.server.ts";
import { EMPTY_USAGE } from "../gateway/parts.ts";
import { costOfTokens, creditsToMicro, usdToMicro } from "../utils/money.ts";
import { Ledger, releaseExpiredHolds, type Settlement } from "./ledger.server.ts";
import { costOfUsage, type Prices } from "./prices.ts";

const db = setupTestDatabase();
let prisma: Prisma;
let ledger: Ledger;
let mappingId: number;
const PRICES: Prices = {
  input: usdToMicro("1.00"),
  cachedInput: usdToMicro("0.10"),
  cacheWrite: null,
  output: usdToMicro("4.00"),
};

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  ledger = new Ledger(prisma);
  mappingId = (await createCatalogEntry(prisma, { modelSlug: "billing-model" })).mapping.id;
});
afterAll(() => prisma.$disconnect());

async function account(credits: number, creditLimitCredits?: number) {
  const user = await createUser(prisma, { credits });
  const { apiKey } = await createApiKey(prisma, user.id, { creditLimitCredits });
  return { userId: user.id, apiKeyId: apiKey.id };
}

const hold = (
  who: { userId: string; apiKeyId: string },
  requestedTokens: number | undefined,
  inputCost = 1_000n,
) => ({
  ...who,
  requestId: randomUUID(),
  inputCost,
  outputPrice: PRICES.output,
  requestedTokens,
  modelMaxTokens: 16_384,
});

function settlement(
  who: { userId: string; apiKeyId: string },
  requestId: string,
  cost: bigint,
): Settlement {
  return {
    ...who,
    requestId,
    mappingId,
    modelSlug: "billing-model",
    providerSlug: "openai",
    upstreamModel: "billing-model",
    endpoint: "/v1/chat/completions",
    stream: true,
    status: "SUCCESS",
    finishReason: "stop",
    errorCode: null,
    usage: { ...EMPTY_USAGE, inputTokens: 10, outputTokens: 5 },
    usageSource: "REPORTED",
    cost,
    prices: PRICES,
    latencyMs: 12,
    timeToFirstTokenMs: 3,
  };
}

async function balances(who: { userId: string; apiKeyId: string }) {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: who.userId } });
  const key = await prisma.apiKey.findUniqueOrThrow({ where: { id: who.apiKeyId } });
  return {
    balance: user.balance,
    reserved: user.reserved,
    spent: key.spent,
    keyReserved: key.reserved,
  };
}

describe("reserve", () => {
  test("holds input cost plus the requested output's cost against user and key", async () => {
    const who = await account(10);
    const result = await ledger.reserve(hold(who, 1000));
    const amount = 1_000n + costOfTokens(1000, PRICES.output);
    expect(result).toEqual({ ok: true, grantedTokens: 1000, amount });
    expect(await balances(who)).toEqual({
      balance: creditsToMicro(10),
      reserved: amount,
      spent: 0n,
      keyReserved: amount,
    });
    expect(await prisma.creditHold.count({ where: { userId: who.userId } })).toBe(1);
  });

  test("refuses with the number of tokens the balance affords, changing nothing", async () => {
    const who = await account(1); // 1e6 µcr: (1e6 - 1000) * 1e6 / 4e8 = 2497.5 tokens
    const result = await ledger.reserve(hold(who, 2498));
    expect(result).toEqual({ ok: false, reason: "insufficient_credits", affordableTokens: 2497 });
    expect(await ledger.reserve(hold(who, 2497))).toMatchObject({ ok: true });
    expect((await balances(who)).reserved).toBe(1_000n + costOfTokens(2497, PRICES.output));
  });

  test("a key's credit limit refuses with key_limit even when the balance is ample", async () => {
    const who = await account(100, 1);
    expect(await ledger.reserve(hold(who, 5000))).toEqual({
      ok: false,
      reason: "key_limit",
      affordableTokens: 2497,
    });
    expect(await balances(who)).toMatchObject({ reserved: 0n, keyReserved: 0n });
  });

  test("without a requested cap, grants the most tokens affordable up to the model's maximum", async () => {
    const rich = await account(1000);
    expect(await ledger.reserve(hold(rich, undefined))).toMatchObject({
      ok: true,
      grantedTokens: 16_384,
    });
    const poor = await account(1);
    expect(await ledger.reserve(hold(poor, undefined))).toMatchObject({
      ok: true,
      grantedTokens: 2497,
    });
    const broke = await account(0);
    expect(await ledger.reserve(hold(broke, undefined))).toEqual({
      ok: false,
      reason: "insufficient_credits",
      affordableTokens: 0,
    });
  });
});

describe("settle", () => {
  test("releases the hold, charges the cost, adds key spend and writes the conversation with its prices", async () => {
    const who = await account(10);
    const h = hold(who, 1000);
    await ledger.reserve(h);
    const cost = costOfUsage({ ...EMPTY_USAGE, inputTokens: 10, outputTokens: 5 }, PRICES);
    await ledger.settle(settlement(who, h.requestId, cost));
    expect(await balances(who)).toEqual({
      balance: creditsToMicro(10) - cost,
      reserved: 0n,
      spent: cost,
      keyReserved: 0n,
    });
    const row = await prisma.conversation.findUniqueOrThrow({ where: { requestId: h.requestId } });
    expect(row).toMatchObject({
      cost,
      inputTokens: 10,
      outputTokens: 5,
      inputPrice: PRICES.input,
      outputPrice: PRICES.output,
      status: "SUCCESS",
    });
    expect(await prisma.creditHold.count({ where: { requestId: h.requestId } })).toBe(0);
  });

  test("still charges when the sweeper already released the hold", async () => {
    const who = await account(10);
    const h = hold(who, 100);
    await ledger.reserve(h);
    await prisma.creditHold.updateMany({
      where: { requestId: h.requestId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await releaseExpiredHolds(prisma)).toBeGreaterThanOrEqual(1);
    expect((await balances(who)).reserved).toBe(0n);
    await ledger.settle(settlement(who, h.requestId, 777n));
    expect(await balances(who)).toEqual({
      balance: creditsToMicro(10) - 777n,
      reserved: 0n,
      spent: 777n,
      keyReserved: 0n,
    });
  });

  test("the sweeper releases only expired holds", async () => {
    const who = await account(10);
    const fresh = hold(who, 100);
    const stale = hold(who, 200);
    await ledger.reserve(fresh);
    await ledger.reserve(stale);
    await prisma.creditHold.updateMany({
      where: { requestId: stale.requestId },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    await releaseExpiredHolds(prisma);
    const remaining = await prisma.creditHold.findMany({ where: { userId: who.userId } });
    expect(remaining.map((h) => h.requestId)).toEqual([fresh.requestId]);
    expect((await balances(who)).reserved).toBe(remaining[0]!.amount);
  });
});

describe("concurrency", () => {
  test("200 requests at once on a balance for 20: exactly 20 succeed and nothing is overspent", async () => {
    const user = await createUser(prisma, { credits: 10 }); // 1e7 µcr
    const keys = await Promise.all([0, 1, 2, 3].map(() => createApiKey(prisma, user.id)));
    const requestedTokens = 1248; // hold = 1000 + ceil(1248 * 4e8 / 1e6) = 500,200 µcr: 19.99 fit
    const perRequest = 1_000n + costOfTokens(requestedTokens, PRICES.output);
    const expectedWinners = Number(creditsToMicro(10) / perRequest);
    expect(expectedWinners).toBe(19);

    let lowest = creditsToMicro(10);
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await db.pool.query(
          "SELECT balance - reserved AS spendable, balance FROM users WHERE id = $1",
          [user.id],
        );
        lowest = [BigInt(rows[0].spendable), BigInt(rows[0].balance), lowest].reduce((a, b) =>
          a < b ? a : b,
        );
      }
    })();

    const outcomes = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const who = { userId: user.id, apiKeyId: keys[i % 4]!.apiKey.id };
        const h = hold(who, requestedTokens);
        const result = await ledger.reserve(h);
        if (result.ok) await ledger.settle(settlement(who, h.requestId, result.amount)); // charge the whole hold
        return result.ok;
      }),
    );
    sampling = false;
    await sampler;

    expect(outcomes.filter(Boolean)).toHaveLength(expectedWinners);
    expect(lowest).toBeGreaterThanOrEqual(0n);
    const after = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    const topUps = await prisma.onrampTransaction.aggregate({
      where: { userId: user.id },
      _sum: { amount: true },
    });
    const charges = await prisma.conversation.aggregate({
      where: { userId: user.id },
      _sum: { cost: true },
    });
    expect(after.reserved).toBe(0n);
    expect(after.balance).toBe(topUps._sum.amount! - charges._sum.cost!);
    expect(after.balance).toBe(creditsToMicro(10) - perRequest * BigInt(expectedWinners));
    const keySpend = await prisma.apiKey.aggregate({
      where: { userId: user.id },
      _sum: { spent: true, reserved: true },
    });
    expect(keySpend._sum).toEqual({ spent: charges._sum.cost, reserved: 0n });
  });
});

describe("reserve against keys that changed after lookup", () => {
  test("a disabled or deleted key cannot reserve, even before caches hear of it", async () => {
    const who = await account(10);
    await prisma.apiKey.update({ where: { id: who.apiKeyId }, data: { enabled: false } });
    expect(await ledger.reserve(hold(who, 10))).toMatchObject({
      ok: false,
      reason: "key_inactive",
    });
    await prisma.apiKey.update({
      where: { id: who.apiKeyId },
      data: { enabled: true, deletedAt: new Date() },
    });
    expect(await ledger.reserve(hold(who, 10))).toMatchObject({
      ok: false,
      reason: "key_inactive",
    });
    expect(await balances(who)).toMatchObject({ reserved: 0n, keyReserved: 0n });
  });
});

describe("group commit", () => {
  test("requests that arrive together share one transaction and each gets its own outcome", async () => {
    const rich = await account(10);
    const broke = await account(0);
    const before = { ...ledger.stats };
    const outcomes = await Promise.all([
      ledger.reserve(hold(rich, 100)),
      ledger.reserve(hold(broke, 100)),
      ledger.reserve(hold(rich, 200)),
      ledger.reserve(hold(broke, undefined)),
    ]);
    expect(ledger.stats.transactions - before.transactions).toBe(1);
    expect(ledger.stats.operations - before.operations).toBe(4);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, false]);
    expect((await balances(rich)).reserved).toBe(2_000n + costOfTokens(300, PRICES.output));
    expect(await balances(broke)).toMatchObject({ reserved: 0n, keyReserved: 0n });
  });

  test("in one batch, later requests see what earlier ones took; grants without a cap shrink to fit", async () => {
    const who = await account(1); // 1e6 µcr: 2497 output tokens after the input
    const [first, second, third] = await Promise.all([
      ledger.reserve(hold(who, 1000)),
      ledger.reserve(hold(who, undefined)),
      ledger.reserve(hold(who, 1)),
    ]);
    const firstAmount = 1_000n + costOfTokens(1000, PRICES.output);
    expect(first).toEqual({ ok: true, grantedTokens: 1000, amount: firstAmount });
    // What is left after the first and the second's own input cost, at $4 per 1M tokens.
    const left = creditsToMicro(1) - firstAmount - 1_000n;
    const affordable = Number((left * 1_000_000n) / PRICES.output);
    expect(second).toEqual({
      ok: true,
      grantedTokens: affordable,
      amount: 1_000n + costOfTokens(affordable, PRICES.output),
    });
    expect(third).toMatchObject({ ok: false, reason: "insufficient_credits" });
    const holds = await prisma.creditHold.findMany({ where: { userId: who.userId } });
    const held = holds.reduce((sum, h) => sum + h.amount, 0n);
    expect(holds).toHaveLength(2);
    expect(await balances(who)).toMatchObject({ reserved: held, keyReserved: held });
    expect(held).toBeLessThanOrEqual(creditsToMicro(1));
  });

  test("an operation that fails its batch fails alone: the others are written", async () => {
    const who = await account(10);
    const h = hold(who, 100);
    await ledger.reserve(h);
    const ghost = { userId: randomUUID(), apiKeyId: who.apiKeyId }; // no such user
    const [bad, good, reserved] = await Promise.allSettled([
      ledger.settle(settlement(ghost, randomUUID(), 5n)),
      ledger.settle(settlement(who, h.requestId, 7n)),
      ledger.reserve(hold(who, 10)),
    ]);
    expect(bad.status).toBe("rejected");
    expect(good.status).toBe("fulfilled");
    expect(reserved).toMatchObject({ status: "fulfilled", value: { ok: true } });
    expect((await balances(who)).balance).toBe(creditsToMicro(10) - 7n);
  });

  test("settling a request twice charges it once", async () => {
    const who = await account(10);
    const h = hold(who, 100);
    await ledger.reserve(h);
    await Promise.all([
      ledger.settle(settlement(who, h.requestId, 50n)),
      ledger.settle(settlement(who, h.requestId, 50n)),
    ]);
    await ledger.settle(settlement(who, h.requestId, 50n));
    expect(await balances(who)).toEqual({
      balance: creditsToMicro(10) - 50n,
      reserved: 0n,
      spent: 50n,
      keyReserved: 0n,
    });
    expect(await prisma.conversation.count({ where: { requestId: h.requestId } })).toBe(1);
  });

  test("two instances on one account never hold more than its balance together", async () => {
    const other = createPrismaClient(db.url);
    const instances = [ledger, new Ledger(other)];
    try {
      const user = await createUser(prisma, { credits: 10 });
      const keys = await Promise.all([0, 1].map(() => createApiKey(prisma, user.id)));
      const requestedTokens = 1248; // 500,200 µcr a request: 19 fit in 1e7
      const outcomes = await Promise.all(
        Array.from({ length: 120 }, async (_, i) => {
          const who = { userId: user.id, apiKeyId: keys[i % 2]!.apiKey.id };
          const h = hold(who, requestedTokens);
          const instance = instances[i % 2]!;
          const result = await instance.reserve(h);
          if (result.ok) await instance.settle(settlement(who, h.requestId, result.amount));
          return result.ok;
        }),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(19);
      const after = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
      const charges = await prisma.conversation.aggregate({
        where: { userId: user.id },
        _sum: { cost: true },
      });
      expect(after).toMatchObject({
        reserved: 0n,
        balance: creditsToMicro(10) - charges._sum.cost!,
      });
      expect(after.balance).toBeGreaterThanOrEqual(0n);
    } finally {
      await other.$disconnect();
    }
  });
});
