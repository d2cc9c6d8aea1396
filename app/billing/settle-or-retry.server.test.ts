import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, expect, test } from "vitest";
import { setupTestDatabase } from "#tests/support/database.ts";
import { createApiKey, createCatalogEntry, createUser } from "#tests/support/factories.ts";
import { expectLedgerClean } from "#tests/support/ledger-totals.ts";
import { testSettlement } from "#tests/support/settlements.ts";
import { createPrismaClient, type Prisma } from "../db/prisma.server.ts";
import { EMPTY_USAGE } from "../llm/parts.ts";
import { usdToMicro } from "../utils/money.ts";
import { Ledger } from "./ledger.server.ts";
import { settleOrRetry } from "./settle-or-retry.server.ts";

const db = setupTestDatabase();
let prisma: Prisma;
let ledger: Ledger;
let mappingId: number;
const messages: string[] = [];
const log = pino(
  { level: "warn" },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean))
        messages.push((JSON.parse(line) as { msg: string }).msg);
      done();
    },
  }),
);

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  ledger = new Ledger(prisma, { idleMs: 0 });
  mappingId = (await createCatalogEntry(prisma, { modelSlug: "refused-model" })).mapping.id;
});
afterAll(async () => {
  await ledger.close();
  await expectLedgerClean(prisma);
  await prisma.$disconnect();
});

test("a settlement refused for what it stores is booked again without it: charged once, its hold given back", async () => {
  const user = await createUser(prisma, { credits: 10 });
  const { apiKey } = await createApiKey(prisma, user.id);
  const who = { userId: user.id, apiKeyId: apiKey.id };
  const requestId = randomUUID();
  const reserved = await ledger.reserve({
    ...who,
    requestId,
    inputCost: 1_000n,
    outputPrice: usdToMicro("4.00"),
    requestedTokens: 100,
    modelMaxTokens: 16_384,
  });
  expect(reserved.ok).toBe(true);
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const settlement = testSettlement({
    ...who,
    requestId,
    mappingId,
    modelSlug: "refused-model",
    usage: { ...EMPTY_USAGE, inputTokens: 10, outputTokens: 5 },
    cost: 2_000n,
    prices: { input: 1n, cachedInput: 1n, cacheWrite: null, output: 1n },
    // Stored content that cannot be written: a circular value has no JSON (a stand-in for
    // anything a future bug puts there that the statement refuses).
    content: { prompt: circular, response: "ok" },
  });
  expect(await settleOrRetry(ledger, log, settlement)).toBe("settled");
  expect(messages).toContain("settlement refused: booked again without its stored content");
  const row = await prisma.conversation.findUniqueOrThrow({ where: { requestId } });
  expect(row).toMatchObject({ cost: 2_000n, prompt: null, response: null });
  const after = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
  expect(after.reserved).toBe(0n);
});
