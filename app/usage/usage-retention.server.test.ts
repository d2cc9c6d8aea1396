import { afterAll, beforeAll, expect, test } from "vitest";
import { setupTestDatabase } from "#tests/support/database.ts";
import { createApiKey, createCatalogEntry, createUser } from "#tests/support/factories.ts";
import { checkLedger } from "../billing/ledger-check.server.ts";
import { Ledger } from "../billing/ledger.server.ts";
import { createPrismaClient, type Prisma } from "../db/prisma.server.ts";
import { EMPTY_USAGE } from "../llm/parts.ts";
import { rebuildUsageDays } from "./usage-days.server.ts";
import { purgeUsageRows } from "./usage-retention.server.ts";

const db = setupTestDatabase();
let prisma: Prisma;
let ledger: Ledger;

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  ledger = new Ledger(prisma, { idleMs: 0 });
});
afterAll(async () => {
  await ledger.close();
  await prisma.$disconnect();
});

/** Reserves and settles a request as the gateway does: its usage row and its day are written. */
async function charge(who: { userId: string; apiKeyId: string }, mappingId: number, n: number) {
  const requestId = `retention-${who.apiKeyId}-${n}`;
  const held = await ledger.reserve({
    ...who,
    requestId,
    inputCost: 1_000n,
    outputPrice: 4_000_000n,
    requestedTokens: 100,
    modelMaxTokens: 1_000,
  });
  expect(held.ok).toBe(true);
  await ledger.settle({
    ...who,
    requestId,
    mappingId,
    modelSlug: "retention-model",
    providerSlug: "openai",
    upstreamModel: "retention-model",
    endpoint: "/v1/chat/completions",
    stream: false,
    status: "SUCCESS",
    finishReason: "stop",
    errorCode: null,
    usage: { ...EMPTY_USAGE, inputTokens: 10, outputTokens: 50 },
    usageSource: "REPORTED",
    cost: 1_000n * BigInt(n),
    prices: { input: 1n, cachedInput: 1n, cacheWrite: null, output: 4_000_000n },
    latencyMs: 5,
    timeToFirstTokenMs: null,
  });
}

test("usage rows past the retention go in batches; balances, totals and the ledger check stay exact", async () => {
  const { mapping } = await createCatalogEntry(prisma, { modelSlug: "retention-model" });
  const user = await createUser(prisma, { credits: 10 });
  const { apiKey } = await createApiKey(prisma, user.id);
  const who = { userId: user.id, apiKeyId: apiKey.id };
  for (let n = 1; n <= 8; n++) await charge(who, mapping.id, n);
  // Five of them ran 100 days ago, one 89 days ago (kept by a 90-day retention), two today.
  const ago = (days: number) => new Date(Date.now() - days * 86_400_000);
  await prisma.conversation.updateMany({
    where: { requestId: { in: [1, 2, 3, 4, 5].map((n) => `retention-${apiKey.id}-${n}`) } },
    data: { createdAt: ago(100) },
  });
  await prisma.conversation.update({
    where: { requestId: `retention-${apiKey.id}-6` },
    data: { createdAt: ago(89) },
  });
  await rebuildUsageDays(prisma, [user.id]);
  expect(await checkLedger(prisma)).toEqual([]);
  const totals = () =>
    prisma.usageDay.aggregate({ where: { userId: user.id }, _sum: { cost: true, requests: true } });
  const before = await totals();
  expect(before._sum).toEqual({ cost: 36_000n, requests: 8n });

  expect(await purgeUsageRows(prisma, 90, 2)).toBe(5);
  const kept = await prisma.conversation.findMany({
    where: { userId: user.id },
    orderBy: { cost: "asc" },
  });
  expect(kept.map((row) => row.cost)).toEqual([6_000n, 7_000n, 8_000n]);
  // What was charged is still there, day by day, and the balance still adds up.
  expect(await totals()).toEqual(before);
  expect(await prisma.usageDay.count({ where: { userId: user.id } })).toBe(3);
  expect(await checkLedger(prisma)).toEqual([]);
  expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).balance).toBe(
    10_000_000n - 36_000n,
  );
  // Nothing more to remove.
  expect(await purgeUsageRows(prisma, 90)).toBe(0);
});
