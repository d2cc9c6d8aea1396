// 200 requests at once from one user through several keys, on a balance that
// covers about 20 of them: exactly those that fit are served, the balance never
// dips below zero, and balance = top-ups - charges afterwards.
import OpenAI from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { costOfTokens, creditsToMicro, usdToMicro } from "../../app/utils/money.ts";
import { inputTokensUpperBound } from "../../app/billing/input-estimate.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { ledgerTotals, expectLedgerClean } from "../support/ledger-totals.ts";
import { startGatewayHarness, type GatewayHarness } from "../support/gateway-harness.ts";

const db = setupTestDatabase();
let prisma: Prisma;
let harness: GatewayHarness;

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  harness = await startGatewayHarness(db.url);
  await createCatalogEntry(prisma, {
    modelSlug: "busy",
    usd: { input: "1.00", cachedInput: "0.10", output: "10.00" },
  });
});
afterAll(async () => {
  await harness.close();
  // Whatever the tests did, every account still agrees with its history.
  await expectLedgerClean(prisma);
  await prisma.$disconnect();
});

test("200 concurrent requests on a balance for 20", async () => {
  const messages = [{ role: "user" as const, content: "Tell me something" }];
  const maxTokens = 5000;
  // The hold per request: the input's upper bound at the input price + 5000 output tokens at $10/1M.
  const hold =
    costOfTokens(inputTokensUpperBound({ model: "busy", messages }), usdToMicro("1.00")) +
    costOfTokens(maxTokens, usdToMicro("10.00"));
  const user = await createUser(prisma, { credits: 100 });
  const fits = Number(creditsToMicro(100) / hold);
  expect(fits).toBeGreaterThanOrEqual(15);
  expect(fits).toBeLessThanOrEqual(25);

  const keys = await Promise.all([0, 1, 2, 3, 4].map(() => createApiKey(prisma, user.id)));
  const clients = keys.map(
    ({ secret }) => new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 }),
  );
  // Slow first bytes: every reservation is made before the first settlement frees anything.
  harness.fakes.openai.scripts.defaultScript = {
    text: "ok",
    firstByteDelayMs: 1500,
    usage: { input: 5, output: 1 },
  };

  let lowest = creditsToMicro(100);
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await db.pool.query<{ spendable: string; balance: string }>(
        "SELECT balance - reserved AS spendable, balance FROM users WHERE id = $1",
        [user.id],
      );
      for (const value of [BigInt(rows[0]!.spendable), BigInt(rows[0]!.balance)])
        if (value < lowest) lowest = value;
    }
  })();

  const statuses = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      clients[i % clients.length]!.chat.completions.create({
        model: "busy",
        messages,
        max_completion_tokens: maxTokens,
      })
        .then(() => 200)
        .catch((error: { status?: number }) => error.status ?? 0),
    ),
  );
  sampling = false;
  await sampler;

  expect(statuses.filter((status) => status === 200)).toHaveLength(fits);
  expect(statuses.filter((status) => status === 402)).toHaveLength(200 - fits);
  expect(harness.fakes.openai.scripts.received).toHaveLength(fits);
  expect(lowest).toBeGreaterThanOrEqual(0n);

  const after = await ledgerTotals(prisma, user.id);
  expect(after.chargeCount).toBe(fits);
  expect(after.reserved).toBe(0n);
  expect(after.balance).toBe(after.topUps - after.charges);
  expect({ spent: after.keySpent, reserved: after.keyReserved }).toEqual({
    spent: after.charges,
    reserved: 0n,
  });
});
