import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { setupTestDatabase } from "#tests/support/database.ts";
import { createApiKey, createCatalogEntry, createUser } from "#tests/support/factories.ts";
import { testReservation, testSettlement } from "#tests/support/settlements.ts";
import { createPrismaClient, type Prisma } from "../db/prisma.server.ts";
import { checkLedger } from "./ledger-check.server.ts";
import { Ledger } from "./ledger.server.ts";

const db = setupTestDatabase();
let prisma: Prisma;
let ledger: Ledger;
const SCRIPT = join(import.meta.dirname, "..", "..", "scripts", "ledger-check.ts");

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  ledger = new Ledger(prisma, { idleMs: 0 });
});
afterAll(async () => {
  await ledger.close();
  await prisma.$disconnect();
});

/** `npm run ledger:check` on the test database: its exit code and output. */
async function runScript() {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT], {
      env: { PATH: process.env.PATH, DATABASE_URL: db.url, LOG_LEVEL: "warn" },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

test("accounts the ledger charged pass; a balance, a key's spend, a hold or a usage day changed behind its back does not", async () => {
  const { mapping } = await createCatalogEntry(prisma, { modelSlug: "check-model" });
  const user = await createUser(prisma, { credits: 10 });
  const { apiKey } = await createApiKey(prisma, user.id);
  const who = { userId: user.id, apiKeyId: apiKey.id };
  for (const requestId of ["check-1", "check-2"]) {
    expect((await ledger.reserve(testReservation(who, requestId))).ok).toBe(true);
    await ledger.settle(
      testSettlement({
        ...who,
        requestId,
        mappingId: mapping.id,
        modelSlug: "check-model",
        cost: 201_000n,
        timeToFirstTokenMs: 1,
      }),
    );
  }
  // The statement that wrote the usage rows added them to their day.
  expect(await prisma.usageDay.findMany({ where: { apiKeyId: apiKey.id } })).toEqual([
    {
      userId: user.id,
      day: new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`),
      apiKeyId: apiKey.id,
      modelSlug: "check-model",
      byok: false,
      requests: 2n,
      errors: 0n,
      cost: 402_000n,
      inputTokens: 20n,
      outputTokens: 100n,
      latencyMsSum: 10n,
      firstTokenMsSum: 2n,
      firstTokenCount: 2n,
    },
  ]);
  expect(await checkLedger(prisma)).toEqual([]);
  expect(await runScript()).toMatchObject({
    code: 0,
    stdout: expect.stringContaining("Ledger OK."),
  });

  await prisma.user.update({ where: { id: user.id }, data: { balance: { increment: 1n } } });
  await prisma.apiKey.update({ where: { id: apiKey.id }, data: { spent: { decrement: 5n } } });
  await prisma.creditHold.create({
    data: {
      id: "stray",
      instanceId: "nobody",
      userId: user.id,
      apiKeyId: apiKey.id,
      amount: 7n,
      expiresAt: new Date(),
    },
  });
  await prisma.usageDay.updateMany({
    where: { apiKeyId: apiKey.id },
    data: { requests: { increment: 1n } },
  });
  expect(await checkLedger(prisma)).toEqual([
    {
      account: "user",
      id: user.id,
      rule: "balance = credits - charges",
      stored: 9_598_001n,
      expected: 9_598_000n,
    },
    { account: "user", id: user.id, rule: "reserved = sum of holds", stored: 0n, expected: 7n },
    {
      account: "api key",
      id: apiKey.id,
      rule: "spent = sum of charges",
      stored: 401_995n,
      expected: 402_000n,
    },
    {
      account: "api key",
      id: apiKey.id,
      rule: "reserved = sum of holds",
      stored: 0n,
      expected: 7n,
    },
    {
      account: "api key",
      id: apiKey.id,
      rule: "usage days' requests = usage rows",
      stored: 3n,
      expected: 2n,
    },
  ]);
  const failed = await runScript();
  expect(failed.code).toBe(1);
  expect(failed.stdout).toContain(`user ${user.id}: balance = credits - charges does not hold`);
  expect(failed.stdout).toContain("5 discrepancies.");
});
