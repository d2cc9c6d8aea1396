import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { setupTestDatabase } from "#tests/support/database.ts";
import { createApiKey, createCatalogEntry, createUser } from "#tests/support/factories.ts";
import { ledgerTotals } from "#tests/support/ledger-totals.ts";
import { createPrismaClient, type Prisma } from "../db/prisma.server.ts";
import { EMPTY_USAGE } from "../llm/parts.ts";
import { costOfTokens, creditsToMicro, usdToMicro } from "../utils/money.ts";
import { releaseExpiredHolds } from "./instances.server.ts";
import { Ledger } from "./ledger.server.ts";
import type { Settlement } from "./settlement.ts";
import { periodStart } from "./limit-period.ts";
import { costOfUsage, type Prices } from "./prices.ts";

const db = setupTestDatabase();
let prisma: Prisma;
/** Gives holds back as soon as nobody uses them, so that every test can see `reserved` at rest. */
let ledger: Ledger;
let mappingId: number;
const PRICES: Prices = {
  input: usdToMicro("1.00"),
  cachedInput: usdToMicro("0.10"),
  cacheWrite: null,
  output: usdToMicro("4.00"),
};
const ledgers: Ledger[] = [];
const newLedger = (client: Prisma, idleMs: number) => {
  const created = new Ledger(client, { idleMs });
  ledgers.push(created);
  return created;
};

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  ledger = newLedger(prisma, 0);
  mappingId = (await createCatalogEntry(prisma, { modelSlug: "billing-model" })).mapping.id;
});
afterAll(async () => {
  await Promise.all(ledgers.map((each) => each.close()));
  await prisma.$disconnect();
});

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
  const holds = await prisma.creditHold.aggregate({
    where: { apiKeyId: who.apiKeyId },
    _sum: { amount: true },
  });
  return {
    balance: user.balance,
    reserved: user.reserved,
    spent: key.spent,
    keyReserved: key.reserved,
    /** What the hold rows add up to: `reserved` must always equal it. */
    held: holds._sum.amount ?? 0n,
  };
}

describe("reserve", () => {
  test("holds the request's most against user and key, with room for the next ones, in one hold row", async () => {
    const who = await account(10); // 1e7 µcr
    const result = await ledger.reserve(hold(who, 1000));
    const amount = 1_000n + costOfTokens(1000, PRICES.output); // 401,000
    expect(result).toEqual({ ok: true, grantedTokens: 1000, amount });
    // Room to spare: 8 more such requests, as the balance allows it.
    expect(await balances(who)).toEqual({
      balance: creditsToMicro(10),
      reserved: amount * 9n,
      spent: 0n,
      keyReserved: amount * 9n,
      held: amount * 9n,
    });
    expect(await prisma.creditHold.count({ where: { apiKeyId: who.apiKeyId } })).toBe(1);
  });

  test("the next requests of the key take their share of the hold in memory", async () => {
    const quick = newLedger(prisma, 60_000);
    const who = await account(10);
    const before = { ...quick.stats };
    const first = hold(who, 1000);
    await quick.reserve(first);
    const next = await Promise.all([1, 2, 3].map(() => quick.reserve(hold(who, 1000))));
    expect(next.every((reservation) => reservation.ok)).toBe(true);
    expect(quick.stats.transactions - before.transactions).toBe(1);
    expect(quick.stats.reservedInMemory - before.reservedInMemory).toBe(3);
    await quick.settle(settlement(who, first.requestId, 500n));
    expect((await balances(who)).balance).toBe(creditsToMicro(10) - 500n);
  });

  test("near the end of a balance the spare room shrinks to whole requests in half of what is left", async () => {
    const who = await account(4); // 4e6 µcr
    const amount = 1_000n + costOfTokens(1000, PRICES.output); // 401,000
    expect(await ledger.reserve(hold(who, 1000))).toMatchObject({ ok: true, amount });
    // 3.599e6 left, half of it is 1.7995e6: room for 4 more requests.
    expect((await balances(who)).reserved).toBe(amount * 5n);
    const poorer = await account(1);
    expect(await ledger.reserve(hold(poorer, 1000))).toMatchObject({ ok: true, amount });
    expect((await balances(poorer)).reserved).toBe(amount);
  });

  test("a busy key's hold gives back the room it did not use, for the account's other keys", async () => {
    const busy = newLedger(prisma, 1_000);
    const who = await account(4); // 4e6 µcr
    const other = await createApiKey(prisma, who.userId);
    const otherKey = { userId: who.userId, apiKeyId: other.apiKey.id };
    const amount = 1_000n + costOfTokens(1000, PRICES.output); // 401,000
    const first = hold(who, 1000);
    expect(await busy.reserve(first)).toMatchObject({ ok: true, amount });
    expect((await balances(who)).keyReserved).toBe(amount * 5n); // 4 requests to spare
    // 1,995,000 left: not enough for 7,000 tokens (2,801,000) on the other key.
    expect(await busy.reserve(hold(otherKey, 7000))).toMatchObject({ ok: false });

    // The first request is still running; a whole tidy interval later its key keeps room for
    // its peak and one request more.
    await expect
      .poll(async () => (await balances(who)).keyReserved, { timeout: 5_000, interval: 100 })
      .toBe(amount * 2n);
    const before = busy.stats.reservedInMemory;
    const second = hold(who, 1000);
    expect(await busy.reserve(second)).toMatchObject({ ok: true, amount });
    expect(busy.stats.reservedInMemory).toBe(before + 1);
    expect(await busy.reserve(hold(otherKey, 7000))).toMatchObject({ ok: true });

    await busy.settle(settlement(who, first.requestId, 300n));
    await busy.settle(settlement(who, second.requestId, 200n));
    const totals = await ledgerTotals(prisma, who.userId);
    expect(totals.balance).toBe(creditsToMicro(4) - 500n);
    expect(totals.reserved).toBe(totals.keyReserved);
  });

  test("refuses with the number of tokens the balance affords, holding nothing more", async () => {
    const who = await account(1); // 1e6 µcr: (1e6 - 1000) * 1e6 / 4e8 = 2497.5 tokens
    const result = await ledger.reserve(hold(who, 2498));
    expect(result).toEqual({ ok: false, reason: "insufficient_credits", affordableTokens: 2497 });
    expect((await balances(who)).reserved).toBe(0n);
    const amount = 1_000n + costOfTokens(2497, PRICES.output);
    expect(await ledger.reserve(hold(who, 2497))).toMatchObject({ ok: true, amount });
    expect((await balances(who)).reserved).toBe(amount);
  });

  test("a key's credit limit refuses with key_limit even when the balance is ample", async () => {
    const who = await account(100, 1);
    expect(await ledger.reserve(hold(who, 5000))).toEqual({
      ok: false,
      reason: "key_limit",
      affordableTokens: 2497,
    });
    expect(await balances(who)).toMatchObject({ reserved: 0n, keyReserved: 0n, held: 0n });
  });

  test("a monthly limit refuses with key_period_limit, and a new month starts it again", async () => {
    const who = await account(100);
    // 2 credits (2e6 µcr) a month; 4000 output tokens hold 1,601,000 µcr.
    await prisma.apiKey.update({
      where: { id: who.apiKeyId },
      data: { periodLimit: creditsToMicro(2), limitPeriod: "month" },
    });
    const first = hold(who, 4000);
    expect(await ledger.reserve(first)).toMatchObject({ ok: true });
    await ledger.settle(settlement(who, first.requestId, 1_500_000n));
    expect(await ledger.reserve(hold(who, 2000))).toEqual({
      ok: false,
      reason: "key_period_limit",
      affordableTokens: 1247, // (500,000 - 1000 µcr) / 400 µcr per token
      period: "month",
    });
    const key = await prisma.apiKey.findUniqueOrThrow({ where: { id: who.apiKeyId } });
    expect(key).toMatchObject({ periodSpent: 1_500_000n, spent: 1_500_000n });
    expect(key.periodStart?.toISOString()).toBe(periodStart("month").toISOString());

    // As if the spend had been counted last month: this month's starts at zero.
    const lastMonth = new Date(periodStart("month").getTime() - 86_400_000);
    await prisma.apiKey.update({
      where: { id: who.apiKeyId },
      data: { periodStart: periodStart("month", lastMonth) },
    });
    const next = hold(who, 4000);
    expect(await ledger.reserve(next)).toMatchObject({ ok: true });
    await ledger.settle(settlement(who, next.requestId, creditsToMicro(1)));
    expect(await prisma.apiKey.findUniqueOrThrow({ where: { id: who.apiKeyId } })).toMatchObject({
      periodSpent: creditsToMicro(1),
      spent: 2_500_000n,
      periodStart: periodStart("month"),
    });
    expect(await balances(who)).toMatchObject({ reserved: 0n, keyReserved: 0n, held: 0n });
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
  test("charges the cost, adds key spend, writes the conversation with its prices, and gives the hold back", async () => {
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
      held: 0n,
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
    expect(await prisma.creditHold.count({ where: { apiKeyId: who.apiKeyId } })).toBe(0);
  });

  test("a kept hold shrinks by each cost and goes back whole after its idle time", async () => {
    const keeping = newLedger(prisma, 60_000);
    const who = await account(10);
    const h = hold(who, 1000);
    await keeping.reserve(h);
    const held = (await balances(who)).reserved;
    await keeping.settle(settlement(who, h.requestId, 700n));
    expect(await balances(who)).toEqual({
      balance: creditsToMicro(10) - 700n,
      reserved: held - 700n,
      spent: 700n,
      keyReserved: held - 700n,
      held: held - 700n,
    });
    await keeping.close();
    expect(await balances(who)).toMatchObject({ reserved: 0n, keyReserved: 0n, held: 0n });
  });

  test("a hold the sweeper released is not released again; its requests are still charged", async () => {
    const keeping = newLedger(prisma, 60_000);
    const who = await account(10);
    const [a, b] = [hold(who, 100), hold(who, 100)];
    await keeping.reserve(a);
    await keeping.reserve(b);
    await prisma.creditHold.updateMany({
      where: { apiKeyId: who.apiKeyId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await releaseExpiredHolds(prisma)).toBeGreaterThanOrEqual(1);
    expect((await balances(who)).reserved).toBe(0n);
    await keeping.settle(settlement(who, a.requestId, 777n));
    await keeping.settle(settlement(who, b.requestId, 223n));
    // A new request gets a new hold.
    expect(await keeping.reserve(hold(who, 100))).toMatchObject({ ok: true });
    const after = await balances(who);
    expect(after).toMatchObject({ balance: creditsToMicro(10) - 1000n, spent: 1000n });
    expect(after.reserved).toBe(after.held);
    expect(after.keyReserved).toBe(after.held);
  });

  test("the sweeper releases only expired holds", async () => {
    const keeping = newLedger(prisma, 60_000);
    const fresh = await account(10);
    const stale = await account(10);
    await keeping.reserve(hold(fresh, 100));
    await keeping.reserve(hold(stale, 200));
    await prisma.creditHold.updateMany({
      where: { apiKeyId: stale.apiKeyId },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    await releaseExpiredHolds(prisma);
    expect(await balances(stale)).toMatchObject({ reserved: 0n, held: 0n });
    const kept = await balances(fresh);
    expect(kept.reserved).toBeGreaterThan(0n);
    expect(kept.reserved).toBe(kept.held);
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
      held: 0n,
    });
    expect(await prisma.conversation.count({ where: { requestId: h.requestId } })).toBe(1);
  });
});

/** 120 requests through `instances` on a balance for 19 of them, each charging its whole hold. */
async function crowd(instances: Ledger[], keyCount: number) {
  const user = await createUser(prisma, { credits: 10 }); // 1e7 µcr
  const keys = await Promise.all(
    Array.from({ length: keyCount }, () => createApiKey(prisma, user.id)),
  );
  const requestedTokens = 1248; // 1000 + ceil(1248 * 4e8 / 1e6) = 500,200 µcr: 19.99 fit
  const perRequest = 1_000n + costOfTokens(requestedTokens, PRICES.output);
  let lowest = creditsToMicro(10);
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const row = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
      for (const value of [row.balance - row.reserved, row.balance])
        if (value < lowest) lowest = value;
    }
  })();
  const outcomes = await Promise.all(
    Array.from({ length: 120 }, async (_, i) => {
      const who = { userId: user.id, apiKeyId: keys[i % keyCount]!.apiKey.id };
      const h = hold(who, requestedTokens);
      const instance = instances[i % instances.length]!;
      const result = await instance.reserve(h);
      if (result.ok) await instance.settle(settlement(who, h.requestId, result.amount));
      return result.ok;
    }),
  );
  sampling = false;
  await sampler;
  await Promise.all(instances.map((instance) => instance.close()));
  return { user, outcomes, perRequest, lowest };
}

describe("concurrency", () => {
  test.each([
    ["one instance, four keys", 1, 4],
    ["two instances, two keys", 2, 2],
  ])(
    "%s: on a balance for 19, exactly 19 of 120 succeed and nothing is overspent",
    async (_, instanceCount, keyCount) => {
      const clients = Array.from({ length: instanceCount }, () => createPrismaClient(db.url));
      try {
        const instances = clients.map((client) => new Ledger(client, { idleMs: 60_000 }));
        const { user, outcomes, perRequest, lowest } = await crowd(instances, keyCount);
        expect(outcomes.filter(Boolean)).toHaveLength(19);
        expect(lowest).toBeGreaterThanOrEqual(0n);
        const after = await ledgerTotals(prisma, user.id);
        expect(after.reserved).toBe(0n);
        expect(after.balance).toBe(after.topUps - after.charges);
        expect(after.balance).toBe(creditsToMicro(10) - perRequest * 19n);
        expect({ spent: after.keySpent, reserved: after.keyReserved }).toEqual({
          spent: after.charges,
          reserved: 0n,
        });
        expect(await prisma.creditHold.count({ where: { userId: user.id } })).toBe(0);
      } finally {
        await Promise.all(clients.map((client) => client.$disconnect()));
      }
    },
  );
});

describe("keys that changed after lookup", () => {
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

  test("a forgotten key's hold goes back, and its next request asks the database", async () => {
    const keeping = newLedger(prisma, 60_000);
    const who = await account(10);
    const h = hold(who, 10);
    await keeping.reserve(h);
    await prisma.apiKey.update({ where: { id: who.apiKeyId }, data: { enabled: false } });
    keeping.forgetKey(who.apiKeyId);
    expect(await keeping.reserve(hold(who, 10))).toMatchObject({ reason: "key_inactive" });
    await keeping.settle(settlement(who, h.requestId, 5n));
    expect(await balances(who)).toMatchObject({ reserved: 0n, held: 0n, spent: 5n });
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
    expect(await balances(broke)).toMatchObject({ reserved: 0n, keyReserved: 0n, held: 0n });
    const held = await balances(rich);
    expect(held.reserved).toBe(held.held);
    expect(held.reserved).toBeGreaterThanOrEqual(2_000n + costOfTokens(300, PRICES.output));
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
    const after = await balances(who);
    expect(after.reserved).toBe(after.held);
    expect(after.reserved).toBeLessThanOrEqual(creditsToMicro(1));
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
});
