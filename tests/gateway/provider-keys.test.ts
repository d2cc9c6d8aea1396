// A provider's upstream keys: requests take them in turn; a key the provider
// rate-limits cools down and one it refuses is set aside, on every instance,
// and the client sees no error while another key serves.
import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { keyPrefix } from "../../app/providers/env-providers.server.ts";
import { SecretBox } from "../../app/security/secret-box.server.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startGatewayHarness, type GatewayHarness } from "../support/gateway-harness.ts";
import { setupTestPrisma } from "../support/test-prisma.ts";

const KEY_A = "sk-upstream-aaaaaaaaaaaaaaaa";
const KEY_B = "sk-upstream-bbbbbbbbbbbbbbbb";
const { db, prisma } = setupTestPrisma({ checkLedger: true });
/** Two gateways on one database, as two instances. */
let one: GatewayHarness;
let two: GatewayHarness;
let keyIds: { a: number; b: number };

beforeAll(async () => {
  const box = new SecretBox({ current: randomBytes(32) });
  one = await startGatewayHarness(db.url, { box });
  two = await startGatewayHarness(db.url, { box });
  // A provider of its own (rows, not fixed adapters), served by the first harness's fake OpenAI.
  const { provider } = await createCatalogEntry(prisma, {
    modelSlug: "ring-model",
    providerSlug: "ringed",
    upstreamModel: "ring-up",
  });
  await prisma.provider.update({
    where: { id: provider.id },
    data: { kind: "openai", baseUrl: one.fakes.openai.baseUrl },
  });
  const seal = (apiKey: string) => ({
    providerId: provider.id,
    secret: box.seal(apiKey),
    prefix: keyPrefix(apiKey),
  });
  const a = await prisma.providerKey.create({ data: seal(KEY_A) });
  const b = await prisma.providerKey.create({ data: seal(KEY_B) });
  keyIds = { a: a.id, b: b.id };
});
afterAll(async () => {
  await Promise.all([one.close(), two.close()]);
});
beforeEach(async () => {
  one.fakes.openai.scripts.reset();
  await prisma.providerKey.updateMany({
    data: { coolingUntil: null, invalidAt: null, lastError: null },
  });
});

async function client(harness: GatewayHarness) {
  const user = await createUser(prisma, { credits: 10 });
  const { secret } = await createApiKey(prisma, user.id);
  return new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
}

const ask = (openai: OpenAI) =>
  openai.chat.completions.create({
    model: "ring-model",
    messages: [{ role: "user", content: "Hi" }],
  });

/** The upstream keys the fake saw, in order, since `from`. */
const keysSeen = (from = 0) =>
  one.fakes.openai.scripts.received
    .slice(from)
    .map((request) => String(request.headers.authorization).slice("Bearer ".length));

test("requests take the keys in turn", async () => {
  const openai = await client(one);
  await expect
    .poll(async () => {
      const from = one.fakes.openai.scripts.received.length;
      for (let i = 0; i < 4; i++) await ask(openai);
      return new Set(keysSeen(from));
    })
    .toEqual(new Set([KEY_A, KEY_B]));
});

test("a rate-limited key cools down on every instance; the client sees no error", async () => {
  one.fakes.openai.scripts.keyStatuses.set(KEY_A, 429);
  const openai = await client(one);
  for (let i = 0; i < 6; i++) expect((await ask(openai)).choices[0]!.message.content).toBeTruthy();
  // Key A was tried at most once: then it rested, and key B took every request.
  expect(keysSeen().filter((key) => key === KEY_A).length).toBeLessThanOrEqual(1);
  const cooled = await prisma.providerKey.findUniqueOrThrow({ where: { id: keyIds.a } });
  expect(cooled.coolingUntil!.getTime()).toBeGreaterThan(Date.now());
  expect(cooled.lastError).toMatch(/429/);

  // The other instance learns it from the database: it does not try key A at all.
  const other = await client(two);
  await expect
    .poll(async () => {
      const from = one.fakes.openai.scripts.received.length;
      for (let i = 0; i < 4; i++) await ask(other);
      return keysSeen(from);
    })
    .toEqual([KEY_B, KEY_B, KEY_B, KEY_B]);
});

test("a refused key (401) is set aside as invalid until an admin enables it again", async () => {
  one.fakes.openai.scripts.keyStatuses.set(KEY_B, 401);
  const openai = await client(one);
  for (let i = 0; i < 4; i++) expect((await ask(openai)).choices[0]!.message.content).toBeTruthy();
  await expect
    .poll(
      async () =>
        (await prisma.providerKey.findUniqueOrThrow({ where: { id: keyIds.b } })).invalidAt,
    )
    .not.toBeNull();
  const from = one.fakes.openai.scripts.received.length;
  const other = await client(two);
  for (let i = 0; i < 3; i++) await ask(other);
  expect(keysSeen(from)).toEqual([KEY_A, KEY_A, KEY_A]);
});

test("every key refused: 502, nothing charged; every key rate-limited: 429 with Retry-After", async () => {
  one.fakes.openai.scripts.keyStatuses.set(KEY_A, 401);
  one.fakes.openai.scripts.keyStatuses.set(KEY_B, 401);
  const refused = await ask(await client(one)).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(OpenAI.APIError);
  expect(refused).toMatchObject({ status: 502 });
  expect(
    await prisma.conversation.findMany({ where: { cost: { gt: 0 }, status: "ERROR" } }),
  ).toEqual([]);

  await prisma.providerKey.updateMany({ data: { invalidAt: null } });
  one.fakes.openai.scripts.keyStatuses.set(KEY_A, 429);
  one.fakes.openai.scripts.keyStatuses.set(KEY_B, 429);
  let limited: unknown;
  await expect
    .poll(async () => {
      limited = await ask(await client(one)).catch((error: unknown) => error);
      return (limited as { status?: number }).status;
    })
    .toBe(429);
  expect(
    Number((limited as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after")),
  ).toBeGreaterThan(0);
});
