import { afterAll, beforeAll, expect, test } from "vitest";
import { setupTestDatabase } from "#tests/support/database.ts";
import { createApiKey, createCatalogEntry, createUser } from "#tests/support/factories.ts";
import { testReservation, testSettlement } from "#tests/support/settlements.ts";
import { checkLedger } from "../billing/ledger-check.server.ts";
import { Ledger } from "../billing/ledger.server.ts";
import { createPrismaClient, type Prisma } from "../db/prisma.server.ts";
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
  expect((await ledger.reserve(testReservation(who, requestId))).ok).toBe(true);
  await ledger.settle(
    testSettlement({
      ...who,
      requestId,
      mappingId,
      modelSlug: "retention-model",
      cost: 1_000n * BigInt(n),
    }),
  );
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
