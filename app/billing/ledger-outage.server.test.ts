// The ledger across a PostgreSQL restart (a cluster of this file's own): what
// was held, charged and released while the database was away must add up once
// it is back. Issue #21, finding 5: after a restart, `reserved` stayed above
// what the instances' holds really kept, and accounts were refused with 402.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "#tests/support/factories.ts";
import { expectLedgerClean, ledgerTotals } from "#tests/support/ledger-totals.ts";
import {
  startRestartablePostgres,
  type RestartablePostgres,
} from "#tests/support/restartable-postgres.ts";
import { createPrismaClient, type Prisma } from "../db/prisma.server.ts";
import { EMPTY_USAGE } from "../llm/parts.ts";
import { createLogger } from "../observability/logger.server.ts";
import { usdToMicro } from "../utils/money.ts";
import { recordProgress } from "./instance-statements.server.ts";
import { settleOrphans } from "./instances.server.ts";
import { Ledger, type HoldRequest } from "./ledger.server.ts";
import { conversationRow, type Settlement } from "./settlement.ts";
import type { Prices } from "./prices.ts";
import { settleOrRetry } from "./settle-or-retry.server.ts";

let postgres: RestartablePostgres;
let prisma: Prisma;
let mappingId: number;
const ledgers: Ledger[] = [];
const log = createLogger("silent");
const PRICES: Prices = {
  input: usdToMicro("1.00"),
  cachedInput: usdToMicro("0.10"),
  cacheWrite: null,
  output: usdToMicro("4.00"),
};

beforeAll(async () => {
  postgres = await startRestartablePostgres();
  prisma = createPrismaClient(postgres.url);
  mappingId = (await createCatalogEntry(prisma, { modelSlug: "outage-model" })).mapping.id;
});
afterAll(async () => {
  await postgres.start();
  await Promise.all(ledgers.map((ledger) => ledger.close()));
  await prisma.$disconnect();
  await postgres.destroy();
});

const newLedger = (idleMs: number) => {
  const ledger = new Ledger(prisma, { idleMs });
  ledgers.push(ledger);
  return ledger;
};

/** An account with one key and `credits` to spend. */
async function account(credits: number) {
  const user = await createUser(prisma, { credits });
  const { apiKey } = await createApiKey(prisma, user.id);
  return { userId: user.id, apiKeyId: apiKey.id };
}

/** A request for 2,000 output tokens whose input may cost 0.2 credits: it holds exactly 1 credit. */
const ONE_CREDIT = 1_000_000n;
const request = (who: { userId: string; apiKeyId: string }): HoldRequest => ({
  ...who,
  requestId: randomUUID(),
  inputCost: 200_000n,
  outputPrice: PRICES.output,
  requestedTokens: 2_000,
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
    modelSlug: "outage-model",
    providerSlug: "openai",
    upstreamModel: "outage-model",
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

/** Waits until `check` holds, or the deadline passes (the caller then asserts). */
async function waitFor(check: () => Promise<boolean> | boolean, deadlineMs = 20_000) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("a settlement retried after the outage is charged out of its request's hold: nothing is spent twice", async () => {
  const who = await account(1);
  const ledger = newLedger(60_000); // the hold stays between requests, as under load
  const first = request(who);
  expect(await ledger.reserve(first)).toEqual({
    ok: true,
    grantedTokens: 2_000,
    amount: ONE_CREDIT,
  });

  // The stream ends while PostgreSQL is down: its charge waits for it.
  await postgres.stop();
  expect(await settleOrRetry(ledger, log, settlement(who, first.requestId, 600_000n))).toBe(
    "database_unavailable",
  );
  await postgres.start();
  await waitFor(
    async () => (await prisma.conversation.count({ where: { userId: who.userId } })) > 0,
  );

  // The charge came out of the hold: what is held is what is left, not the whole credit again.
  const totals = await ledgerTotals(prisma, who.userId);
  expect(totals.balance).toBe(400_000n);
  expect(totals.reserved).toBe(400_000n);
  // So the next request of the same size is refused: the account has 0.4 credits, not 1.
  const second = await ledger.reserve(request(who));
  expect(second).toMatchObject({ ok: false, reason: "insufficient_credits" });

  await ledger.close();
  expect(await ledgerTotals(prisma, who.userId)).toMatchObject({
    balance: 400_000n,
    reserved: 0n,
  });
  await expectLedgerClean(prisma);
}, 60_000);

test("a hold given back while the database is down goes back once it is up", async () => {
  const who = await account(10);
  const ledger = newLedger(1_000);
  const only = request(who);
  expect((await ledger.reserve(only)).ok).toBe(true);
  await ledger.settle(settlement(who, only.requestId, 300_000n));
  expect((await ledgerTotals(prisma, who.userId)).reserved).toBeGreaterThan(0n);

  // Idle for its second while PostgreSQL is down: the instance lets go of it then.
  await postgres.stop();
  await waitFor(() => ledger.openHolds().count === 0);
  expect(ledger.openHolds().count).toBe(0);
  await postgres.start();

  // Within seconds, not when the row expires a minute later.
  await waitFor(async () => (await ledgerTotals(prisma, who.userId)).reserved === 0n, 8_000);
  expect(await ledgerTotals(prisma, who.userId)).toMatchObject({
    balance: 10_000_000n - 300_000n,
    reserved: 0n,
  });
  expect(await prisma.creditHold.count({ where: { userId: who.userId } })).toBe(0);
  await expectLedgerClean(prisma);
}, 60_000);

test("an instance whose lock is free at one sweep only (its listener reconnecting after a restart) is left alone", async () => {
  const who = await account(10);
  // An instance with a running request that recorded its progress, and nobody holding its
  // lock: as any instance looks to the others between a restart and its listener's return.
  const ledger = newLedger(60_000);
  const running = request(who);
  expect((await ledger.reserve(running)).ok).toBe(true);
  await recordProgress(prisma, ledger.instance, [
    {
      requestId: running.requestId,
      holdId: ledger.holdIdOf(running.requestId),
      conversation: conversationRow({
        ...settlement(who, running.requestId, 100_000n),
        status: "INTERRUPTED",
      }),
    },
  ]);
  const held = (await ledgerTotals(prisma, who.userId)).reserved;

  // Another instance's sweeper finds the lock free: once is not enough to call it dead.
  const suspects = new Map<string, number>();
  const now = Date.now();
  expect(await settleOrphans(prisma, suspects, now)).toMatchObject({ charged: 0, released: 0 });
  expect(await prisma.conversation.count({ where: { userId: who.userId } })).toBe(0);
  expect((await ledgerTotals(prisma, who.userId)).reserved).toBe(held);

  // Still free a sweep later, seconds on: it is dead, and settled.
  expect(await settleOrphans(prisma, suspects, now + 3_000)).toMatchObject({
    charged: 1,
    released: 1,
  });
  expect(await ledgerTotals(prisma, who.userId)).toMatchObject({
    balance: 10_000_000n - 100_000n,
    reserved: 0n,
  });
  await expectLedgerClean(prisma);
}, 60_000);
