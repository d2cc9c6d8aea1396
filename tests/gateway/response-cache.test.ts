// The exact response cache (ADR 066) in front of each provider: a key's answer
// is kept once whole and replayed to an identical request without a provider
// call, charged the cache price (50 % here; free by default, see
// response-cache-instances.test.ts), with a usage row that says CACHE.
import OpenAI from "openai";
import { beforeAll, describe, expect, test } from "vitest";
import { costOfUsage } from "../../app/billing/prices.ts";
import { ResponseCache } from "../../app/gateway/services/response-cache.server.ts";
import { createLogger } from "../../app/observability/logger.server.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";
import {
  CHUNKS,
  EXPECTED,
  FAKE_USAGE,
  PRICES,
  PROVIDERS,
  USD,
} from "../support/three-providers.ts";

const { prisma, harness } = setupGatewayHarness({
  checkLedger: true,
  resetFakes: true,
  responseCache: { pricePercent: 50 },
});

beforeAll(async () => {
  for (const provider of PROVIDERS)
    await createCatalogEntry(prisma, {
      modelSlug: `cache-${provider}`,
      providerSlug: provider,
      upstreamModel: `cache-up-${provider}`,
      usd: USD,
    });
});

/** A customer whose key keeps answers for `cacheTtlSeconds` (null: the key does not cache). */
async function customer(cacheTtlSeconds: number | null = 300) {
  const user = await createUser(prisma, { credits: 100 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  await prisma.apiKey.update({ where: { id: apiKey.id }, data: { cacheTtlSeconds } });
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  return { user, apiKey, secret, client };
}

const QUESTION = {
  messages: [{ role: "user" as const, content: "What comes after alpha?" }],
  temperature: 0,
  max_completion_tokens: 50,
};

const balanceOf = async (userId: string) =>
  (await prisma.user.findUniqueOrThrow({ where: { id: userId } })).balance;

const rowsOf = (apiKeyId: string) =>
  prisma.conversation.findMany({ where: { apiKeyId }, orderBy: { id: "asc" } });

describe.each(PROVIDERS)("served by %s", (provider) => {
  test("the second identical request is answered from the cache, streamed, at half the price, without a provider call", async () => {
    const { user, apiKey, client } = await customer();
    const fake = harness.fakes[provider];
    fake.scripts.enqueue(`cache-up-${provider}`, { chunks: CHUNKS, usage: FAKE_USAGE });
    const model = `cache-${provider}`;

    const first = await client.chat.completions.create({ model, ...QUESTION }).withResponse();
    expect(first.response.headers.get("x-openrouter-cache-status")).toBe("MISS");
    expect(first.response.headers.get("x-openrouter-cache-ttl")).toBe("300");
    expect(first.data.choices[0]!.message.content).toBe(CHUNKS.join(""));
    const afterMiss = await balanceOf(user.id);

    const second = await client.chat.completions
      .create({ model, ...QUESTION, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(second.response.headers.get("x-openrouter-cache-status")).toBe("HIT");
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of second.data) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(CHUNKS.join(""));
    expect(usage?.prompt_tokens).toBe(EXPECTED.inputTokens + EXPECTED.cachedInputTokens);
    expect(usage?.completion_tokens).toBe(EXPECTED.outputTokens);
    expect(fake.scripts.received).toHaveLength(1);

    const full = costOfUsage(EXPECTED, PRICES);
    const [miss, hit] = await rowsOf(apiKey.id);
    expect(miss).toMatchObject({ usageSource: "REPORTED", cost: full, stream: false });
    expect(hit).toMatchObject({
      usageSource: "CACHE",
      cost: full / 2n,
      stream: true,
      status: "SUCCESS",
      providerSlug: provider,
      inputTokens: EXPECTED.inputTokens,
      outputTokens: EXPECTED.outputTokens,
    });
    expect(await balanceOf(user.id)).toBe(afterMiss - full / 2n);
  });
});

test("a request the key does not cache can ask for it with a header, and its TTL; expired, it is asked again", async () => {
  const { client } = await customer(null);
  const model = "cache-openai";
  const question = { model, ...QUESTION, messages: [{ role: "user" as const, content: "TTL?" }] };
  const plain = await client.chat.completions.create(question).withResponse();
  expect(plain.response.headers.get("x-openrouter-cache-status")).toBeNull();
  const headers = { "X-OpenRouter-Cache": "true", "X-OpenRouter-Cache-TTL": "1" };
  const statuses: (string | null)[] = [];
  for (let i = 0; i < 2; i++) {
    const { response } = await client.chat.completions.create(question, { headers }).withResponse();
    statuses.push(response.headers.get("x-openrouter-cache-status"));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const { response } = await client.chat.completions.create(question, { headers }).withResponse();
  statuses.push(response.headers.get("x-openrouter-cache-status"));
  expect(statuses).toEqual(["MISS", "HIT", "MISS"]);
  // The plain request, the first miss and the expired one reached the provider.
  expect(harness.fakes.openai.scripts.received).toHaveLength(3);
});

test("X-OpenRouter-Cache: false skips the key's cache", async () => {
  const { client } = await customer();
  const question = { model: "cache-openai", ...QUESTION };
  await client.chat.completions.create(question);
  const { response } = await client.chat.completions
    .create(question, { headers: { "X-OpenRouter-Cache": "false" } })
    .withResponse();
  expect(response.headers.get("x-openrouter-cache-status")).toBeNull();
  expect(harness.fakes.openai.scripts.received).toHaveLength(2);
});

test("an answer cut short is never kept: the next identical request asks the provider", async () => {
  const { apiKey, client } = await customer();
  const question = { model: "cache-openai", ...QUESTION, stream: true as const };
  harness.fakes.openai.scripts.enqueue("cache-up-openai", { chunks: CHUNKS, cutAfterChunks: 2 });
  await expect(async () => {
    for await (const _ of await client.chat.completions.create(question));
  }).rejects.toThrow();
  const { data, response } = await client.chat.completions.create(question).withResponse();
  for await (const _ of data); // read to its end: the stream settles before its last event
  expect(response.headers.get("x-openrouter-cache-status")).toBe("MISS");
  expect(harness.fakes.openai.scripts.received).toHaveLength(2);
  expect((await rowsOf(apiKey.id)).map((row) => row.usageSource)).toEqual([
    "ESTIMATED",
    "REPORTED",
  ]);
});

test.each([
  ["X-OpenRouter-Cache", "maybe", 'must be "true" or "false"'],
  ["X-OpenRouter-Cache-TTL", "0", "from 1 to 86400"],
  ["X-OpenRouter-Cache-TTL", "86401", "from 1 to 86400"],
  ["X-OpenRouter-Cache-TTL", "1.5", "from 1 to 86400"],
  ["X-Gateway-Cache", "yes please", 'must be "true" or "false"'],
])("%s: %s is a 400 naming the header", async (name, value, problem) => {
  const { secret } = await customer();
  const response = await fetch(`${harness.baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${secret}`,
      "content-type": "application/json",
      [name.replace(/-TTL$/, "")]: "true",
      [name]: value,
    },
    body: JSON.stringify({ model: "cache-openai", ...QUESTION }),
  });
  expect(response.status).toBe(400);
  const { error } = (await response.json()) as { error: { message: string; code: string } };
  expect(error.code).toBe("invalid_cache_header");
  expect(error.message).toContain(name.toLowerCase());
  expect(error.message).toContain(problem);
  expect(harness.fakes.openai.scripts.received).toHaveLength(0);
});

test("the sweep removes expired answers, then the oldest until the cache fits its size", async () => {
  const cache = new ResponseCache(prisma, createLogger("silent"), { maxMegabytes: 1 });
  await prisma.responseCacheEntry.deleteMany();
  const { user } = await customer();
  const mapping = await prisma.modelProviderMapping.findFirstOrThrow();
  const parts = [{ type: "text-delta" as const, text: "x".repeat(300_000) }];
  const keep = (hash: string, ttlSeconds: number) =>
    cache.keep({ accountId: user.id, hash, ttlSeconds }, parts, mapping.id);
  await keep("expired", 1);
  await prisma.responseCacheEntry.update({
    where: { accountId_requestHash: { accountId: user.id, requestHash: "expired" } },
    data: { expiresAt: new Date(Date.now() - 1_000) },
  });
  for (const hash of ["oldest", "older", "newer", "newest"]) await keep(hash, 300);
  const kept = () =>
    prisma.responseCacheEntry
      .findMany({ where: { accountId: user.id }, select: { requestHash: true } })
      .then((rows) => rows.map((row) => row.requestHash).sort());

  expect(await kept()).toHaveLength(5);
  // 1 MB holds three answers of ~300 KB: the expired one and the oldest go.
  expect(await cache.sweep()).toBe(2);
  expect(await kept()).toEqual(["newer", "newest", "older"]);
});

test("a key's cache turned on while it is in use applies from its next requests", async () => {
  const { apiKey, client } = await customer(null);
  const question = { model: "cache-openai", ...QUESTION };
  const status = async () =>
    (await client.chat.completions.create(question).withResponse()).response.headers.get(
      "x-openrouter-cache-status",
    );
  expect(await status()).toBeNull();
  await prisma.apiKey.update({ where: { id: apiKey.id }, data: { cacheTtlSeconds: 60 } });
  // The change reaches the gateway's key cache through PostgreSQL's notification.
  await expect.poll(status).toBe("MISS");
  expect(await status()).toBe("HIT");
});
