// OpenRouter's lookups by API key: a generation by its id (x-generation-id),
// the calling key, and the account's credits. The owner sees them; nobody else.
import OpenAI from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { microToCredits, microToUsd, creditsToMicro } from "../../app/utils/money.ts";
import { nextPeriodStart } from "../../app/billing/limit-period.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startGatewayHarness, type GatewayHarness } from "../support/gateway-harness.ts";
import { expectLedgerClean } from "../support/ledger-totals.ts";

const db = setupTestDatabase();
let prisma: Prisma;
let harness: GatewayHarness;

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  harness = await startGatewayHarness(db.url);
  await createCatalogEntry(prisma, {
    modelSlug: "looked-up",
    usd: { input: "2.00", cachedInput: "0.20", output: "8.00" },
  });
});
afterAll(async () => {
  await harness.close();
  await expectLedgerClean(prisma);
  await prisma.$disconnect();
});

const get = async (path: string, secret: string) => {
  const response = await fetch(harness.baseUrl + path, {
    headers: { authorization: `Bearer ${secret}` },
  });
  type Body = { data: Record<string, unknown>; error: { message: string } };
  return { status: response.status, body: (await response.json()) as Body };
};

async function customer() {
  const user = await createUser(prisma, { credits: 100 });
  const { apiKey, secret } = await createApiKey(prisma, user.id, {
    name: "laptop",
    creditLimitCredits: 50,
  });
  return { user, apiKey, secret };
}

test("x-generation-id names the request; /api/v1/generation describes it to its owner only", async () => {
  const owner = await customer();
  const client = new OpenAI({ apiKey: owner.secret, baseURL: `${harness.baseUrl}/v1` });
  harness.fakes.openai.scripts.enqueue("looked-up", {
    chunks: ["Hi", " there"],
    usage: { input: 10, cached: 2, output: 2, reasoning: 1 },
  });
  const { data, response } = await client.chat.completions
    .create({ model: "looked-up", messages: [{ role: "user", content: "Hi" }], stream: true })
    .withResponse();
  for await (const _chunk of data); // read to the end
  const id = response.headers.get("x-generation-id")!;
  expect(id).toBe(response.headers.get("x-request-id"));

  const row = await prisma.conversation.findUniqueOrThrow({ where: { requestId: id } });
  const { status, body } = await get(`/api/v1/generation?id=${id}`, owner.secret);
  expect(status).toBe(200);
  expect(body.data).toEqual({
    id,
    model: "looked-up",
    provider_name: "openai",
    upstream_model: "looked-up",
    endpoint: "/v1/chat/completions",
    created_at: row.createdAt.toISOString(),
    tokens_prompt: 12,
    tokens_completion: 2,
    native_tokens_cached: 2,
    native_tokens_cache_write: 0,
    native_tokens_reasoning: 1,
    usage_source: "REPORTED",
    total_cost: microToUsd(row.cost),
    is_byok: false,
    cost_credits: microToCredits(row.cost),
    latency: row.latencyMs,
    time_to_first_token: row.timeToFirstTokenMs,
    finish_reason: "stop",
    status: "SUCCESS",
    streamed: true,
    cancelled: false,
  });
  expect(row.cost).toBeGreaterThan(0n);

  // Another account's key, an unknown id, no id, no key.
  const stranger = await customer();
  expect((await get(`/api/v1/generation?id=${id}`, stranger.secret)).status).toBe(404);
  expect((await get(`/api/v1/generation?id=req_nope`, owner.secret)).status).toBe(404);
  const missing = await get(`/api/v1/generation`, owner.secret);
  expect(missing.status).toBe(400);
  expect(missing.body.error.message).toMatch(/^id/);
  expect((await get(`/api/v1/generation?id=${id}`, "gw-wrong")).status).toBe(401);
});

test("/api/v1/key and /api/v1/credits: the key's limit and spend, the account's totals", async () => {
  const who = await customer();
  const client = new OpenAI({ apiKey: who.secret, baseURL: `${harness.baseUrl}/v1` });
  await client.chat.completions.create({
    model: "looked-up",
    messages: [{ role: "user", content: "Hi" }],
  });
  const key = await prisma.apiKey.findUniqueOrThrow({ where: { id: who.apiKey.id } });
  expect(key.spent).toBeGreaterThan(0n);
  const limit = creditsToMicro(50);

  const info = await get("/api/v1/key", who.secret);
  expect(info.status).toBe(200);
  expect(info.body.data).toEqual({
    label: "laptop",
    prefix: key.prefix,
    limit: microToUsd(limit),
    usage: microToUsd(key.spent),
    limit_remaining: microToUsd(limit - key.spent),
    limit_reset: null,
    is_free_tier: false,
    rate_limit: null,
    credits: {
      limit: "50.00",
      spent: microToCredits(key.spent),
      held: "0.00",
      remaining: microToCredits(limit - key.spent),
      period: null,
    },
  });
  // A monthly limit: OpenRouter's limit_reset, and this month's spend.
  await prisma.apiKey.update({
    where: { id: key.id },
    data: { periodLimit: creditsToMicro(20), limitPeriod: "month" },
  });
  await client.chat.completions.create({
    model: "looked-up",
    messages: [{ role: "user", content: "Hi" }],
  });
  const after = await prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
  const monthly = await get("/api/v1/key", who.secret);
  expect(monthly.body.data).toMatchObject({
    limit_reset: "monthly",
    credits: {
      period: {
        name: "month",
        limit: "20.00",
        spent: microToCredits(after.spent - key.spent),
        remaining: microToCredits(creditsToMicro(20) - (after.spent - key.spent)),
        resets_at: nextPeriodStart("month").toISOString(),
      },
    },
  });

  const credits = await get("/api/v1/credits", who.secret);
  expect(credits.status).toBe(200);
  expect(credits.body.data).toEqual({
    total_credits: "1.00", // 100 credits are US$1
    total_usage: microToUsd(after.spent),
    credits: {
      total: "100.00",
      used: microToCredits(after.spent),
      balance: microToCredits(creditsToMicro(100) - after.spent),
    },
  });
  expect((await get("/api/v1/credits", "gw-wrong")).status).toBe(401);
});
