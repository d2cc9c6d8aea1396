// The factories go through the generated Prisma client and the pg adapter, so
// this also proves the client works against the migrated schema (BigInt money included).
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { hashApiKey } from "../../app/accounts/api-keys/api-key-secret.server.ts";
import { setupTestDatabase } from "./database.ts";
import { createApiKey, createCatalogEntry, createUser, TEST_PASSWORD } from "./factories.ts";

const db = setupTestDatabase();
let prisma: Prisma;
beforeAll(() => {
  prisma = createPrismaClient(db.url);
});
afterAll(() => prisma.$disconnect());

test("createUser stores a bcrypt hash and a balance in µcr", async () => {
  const user = await createUser(prisma, { credits: 1000 });
  expect(user.balance).toBe(1_000_000_000n);
  expect(user.reserved).toBe(0n);
  expect(await bcrypt.compare(TEST_PASSWORD, user.passwordHash!)).toBe(true);
  const other = await createUser(prisma);
  expect(other.email).not.toBe(user.email);
  expect(other.balance).toBe(0n);
});

test("createApiKey stores only the hash and a display prefix of the secret", async () => {
  const user = await createUser(prisma);
  const { apiKey, secret } = await createApiKey(prisma, user.id, { creditLimitCredits: 50 });
  expect(secret).toMatch(/^gw-[\w-]{40}$/);
  expect(apiKey.secretHash).toBe(hashApiKey(secret));
  expect(secret.startsWith(apiKey.prefix)).toBe(true);
  expect(apiKey.prefix.length).toBeLessThan(12);
  expect(apiKey.creditLimit).toBe(50_000_000n);
  const found = await prisma.apiKey.findUnique({ where: { secretHash: hashApiKey(secret) } });
  expect(found?.id).toBe(apiKey.id);
});

test("createCatalogEntry makes a priced model reachable by slug", async () => {
  const { mapping } = await createCatalogEntry(prisma, {
    modelSlug: "test-gpt",
    usd: { input: "2.50", cachedInput: "1.25", output: "10.00" },
  });
  const second = await createCatalogEntry(prisma, {
    modelSlug: "test-gpt",
    providerSlug: "anthropic",
    priority: 1,
  });
  const mappings = await prisma.modelProviderMapping.findMany({
    where: { model: { slug: "test-gpt" }, enabled: true },
    orderBy: { priority: "asc" },
    include: { provider: true },
  });
  expect(mappings.map((m) => [m.id, m.provider.slug])).toEqual([
    [mapping.id, "openai"],
    [second.mapping.id, "anthropic"],
  ]);
  expect(mappings[0]).toMatchObject({
    inputPrice: 250_000_000n,
    cachedInputPrice: 125_000_000n,
    outputPrice: 1_000_000_000n,
  });
});
