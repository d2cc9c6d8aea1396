// OpenRouter's lookups by API key: a generation by its id (x-generation-id, or
// the answer's body id), the calling key, and the account's credits, in
// OpenRouter's shapes (numbers of US dollars) with our exact credits beside
// them. The owner sees them; nobody else.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { beforeAll, expect, test } from "vitest";
import { microToCredits, microToUsdNumber, creditsToMicro } from "../../app/utils/money.ts";
import { nextPeriodStart } from "../../app/billing/limit-period.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness({ checkLedger: true });

beforeAll(async () => {
  await createCatalogEntry(prisma, {
    modelSlug: "looked-up",
    usd: { input: "2.00", cachedInput: "0.20", output: "8.00" },
  });
});

const get = async (path: string, secret: string) => {
  const response = await fetch(harness.baseUrl + path, {
    headers: { authorization: `Bearer ${secret}` },
  });
  type Body = { data: Record<string, unknown>; error: { message: string; code: unknown } };
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
  expect(body.data).toMatchObject({
    id,
    request_id: id,
    model: "openai/looked-up",
    provider_name: "OpenAI",
    upstream_model: "looked-up",
    endpoint: "/v1/chat/completions",
    api_type: "completions",
    created_at: row.createdAt.toISOString(),
    tokens_prompt: 12,
    tokens_completion: 2,
    native_tokens_prompt: 12,
    native_tokens_completion: 2,
    native_tokens_cached: 2,
    native_tokens_cache_write: 0,
    native_tokens_reasoning: 1,
    usage_source: "REPORTED",
    total_cost: microToUsdNumber(row.cost),
    usage: microToUsdNumber(row.cost),
    is_byok: false,
    cost_credits: microToCredits(row.cost),
    latency: row.latencyMs,
    time_to_first_token: row.timeToFirstTokenMs,
    finish_reason: "stop",
    status: "SUCCESS",
    streamed: true,
    cancelled: false,
    provider_responses: [
      { provider_name: "OpenAI", status: 200, is_byok: false, model_permaslug: "looked-up" },
    ],
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
  expect(info.body.data).toMatchObject({
    label: "laptop",
    prefix: key.prefix,
    limit: microToUsdNumber(limit),
    usage: microToUsdNumber(key.spent),
    usage_daily: microToUsdNumber(key.spent),
    usage_weekly: microToUsdNumber(key.spent),
    usage_monthly: microToUsdNumber(key.spent),
    byok_usage: 0,
    limit_remaining: microToUsdNumber(limit - key.spent),
    limit_reset: null,
    is_free_tier: false,
    rate_limit: { requests: -1, interval: "1m" },
    creator_user_id: who.user.id,
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
  // The monthly limit binds first: it is OpenRouter's one limit, with its reset.
  expect(monthly.body.data).toMatchObject({
    limit: 0.2,
    limit_remaining: microToUsdNumber(creditsToMicro(20) - (after.spent - key.spent)),
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
    total_credits: 1, // 100 credits are US$1
    total_usage: microToUsdNumber(after.spent),
    credits: {
      total: "100.00",
      used: microToCredits(after.spent),
      balance: microToCredits(creditsToMicro(100) - after.spent),
    },
  });
  expect((await get("/api/v1/credits", "gw-wrong")).status).toBe(401);
});

test("every answer's body id is its generation id: chat, messages and responses, on /v1 and /api/v1", async () => {
  const owner = await customer();
  const openai = new OpenAI({ apiKey: owner.secret, baseURL: `${harness.baseUrl}/v1` });
  const openRouter = new OpenAI({ apiKey: owner.secret, baseURL: `${harness.baseUrl}/api/v1` });
  const anthropic = new Anthropic({ apiKey: owner.secret, baseURL: harness.baseUrl });
  const messages = [{ role: "user" as const, content: "Hi" }];
  const ids = [
    (await openai.chat.completions.create({ model: "looked-up", messages })).id,
    (await openRouter.chat.completions.create({ model: "openai/looked-up", messages })).id,
    (await anthropic.messages.create({ model: "looked-up", max_tokens: 50, messages })).id,
    (await openai.responses.create({ model: "looked-up", input: "Hi" })).id,
  ];
  expect(ids.map((id) => id.replace(/[0-9a-f]{28}$/, "…"))).toEqual([
    "chatcmpl-…",
    "chatcmpl-…",
    "msg_…",
    "resp_…",
  ]);
  const found = await Promise.all(
    ids.map((id) => get(`/api/v1/generation?id=${id}`, owner.secret)),
  );
  expect(found.map(({ status, body }) => [status, body.data?.id])).toEqual(
    ids.map((id) => [200, id]),
  );
  const requestIds = found.map(({ body }) => body.data.request_id as string);
  expect(new Set(requestIds).size).toBe(4);
  const rows = await prisma.conversation.findMany({ where: { requestId: { in: requestIds } } });
  expect(rows.map((row) => row.endpoint).sort()).toEqual([
    "/api/v1/chat/completions",
    "/v1/chat/completions",
    "/v1/messages",
    "/v1/responses",
  ]);
  // OpenRouter's error shape: the status as an integer code.
  const unknown = await get(`/api/v1/generation?id=chatcmpl-nope`, owner.secret);
  expect(unknown.status).toBe(404);
  expect(unknown.body.error).toMatchObject({
    code: 404,
    message: "No generation with id 'chatcmpl-nope'",
  });
});
