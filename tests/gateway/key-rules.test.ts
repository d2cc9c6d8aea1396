// A gateway key's rules: expiry, a model allowlist, requests and tokens per
// minute. Each refusal has its own status, code and message, before any
// provider call; successful answers carry OpenAI's x-ratelimit-* headers.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";
import { postCompletion } from "../support/completions.ts";
import { nextPeriodStart, periodStart } from "../../app/billing/limit-period.ts";
import { creditsToMicro } from "../../app/utils/money.ts";

const { prisma, harness } = setupGatewayHarness({ checkLedger: true });

beforeAll(async () => {
  await createCatalogEntry(prisma, { modelSlug: "allowed-model", upstreamModel: "up-allowed" });
  await createCatalogEntry(prisma, { modelSlug: "other-model", upstreamModel: "up-other" });
});
beforeEach(() => harness.fakes.openai.scripts.reset());

async function keyWith(rules: {
  expiresAt?: Date;
  allowedModels?: string[];
  rpmLimit?: number;
  tpmLimit?: number;
}) {
  const user = await createUser(prisma, { credits: 100 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  await prisma.apiKey.update({ where: { id: apiKey.id }, data: rules });
  const openai = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  return { apiKey, secret, openai, user };
}

const ask = (openai: OpenAI, model = "allowed-model") =>
  openai.chat.completions
    .create({ model, messages: [{ role: "user", content: "Hi" }] })
    .withResponse();

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the request to fail");
    },
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );

describe("expiry", () => {
  test("an expired key is a 401 saying when it expired; a key expiring later works", async () => {
    const expired = await keyWith({ expiresAt: new Date(Date.now() - 1000) });
    const error = await failure(ask(expired.openai));
    expect(error).toMatchObject({ status: 401, code: "api_key_expired" });
    expect(error.message).toMatch(/The API key expired on \d{4}-\d\d-\d\dT/);
    const later = await keyWith({ expiresAt: new Date(Date.now() + 60_000) });
    expect((await ask(later.openai)).response.status).toBe(200);
    expect(harness.fakes.openai.scripts.received).toHaveLength(1);
  });

  // Issue #21, finding 13d: a stream that started before its key's expiry ran on after it.
  test("a stream running when its key expires ends then, like a revoked key's, billed for what it produced", async () => {
    const key = await keyWith({ expiresAt: new Date(Date.now() + 1_500) });
    // Forty chunks, 200 ms apart: eight seconds if nothing stops them.
    const chunks = Array.from({ length: 40 }, (_, i) => `w${i} `);
    harness.fakes.openai.scripts.enqueue("up-allowed", { chunks, chunkDelayMs: 200 });
    const response = await postCompletion(harness.baseUrl, key.secret, {
      model: "allowed-model",
      stream: true,
      max_completion_tokens: 100,
    });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('"content":"w0 "');
    expect(body).not.toContain('"content":"w39 "');
    expect(body).toMatch(
      /data: \{"error":\{"message":"The API key expired while this request ran","type":"authentication_error","code":"api_key_expired"/,
    );
    expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
    await expect
      .poll(() => prisma.conversation.findMany({ where: { apiKeyId: key.apiKey.id } }))
      .toHaveLength(1);
    const [row] = await prisma.conversation.findMany({ where: { apiKeyId: key.apiKey.id } });
    expect(row).toMatchObject({ status: "ERROR", errorCode: "api_key_expired" });
    expect(row!.outputTokens).toBeGreaterThan(0);
    expect(row!.cost).toBeGreaterThan(0n);
  });
});

describe("a limit lowered while a stream runs", () => {
  test("below what the key spent, it ends the key's running stream, billed for what it produced", async () => {
    const key = await keyWith({});
    const chunks = Array.from({ length: 40 }, (_, i) => `w${i} `);
    harness.fakes.openai.scripts.enqueue("up-allowed", { chunks, chunkDelayMs: 200 });
    const response = await postCompletion(harness.baseUrl, key.secret, {
      model: "allowed-model",
      stream: true,
      max_completion_tokens: 100,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read(); // it runs
    // An owner lowers the key's credit limit to nothing: the change notifies every instance.
    await prisma.apiKey.update({ where: { id: key.apiKey.id }, data: { creditLimit: 0n } });
    let body = "";
    for (let next = await reader.read(); !next.done; next = await reader.read())
      body += new TextDecoder().decode(next.value);
    expect(body).not.toContain('"content":"w39 "');
    expect(body).toContain('"code":"key_credit_limit_reached"');
    await expect
      .poll(() => prisma.conversation.findMany({ where: { apiKeyId: key.apiKey.id } }))
      .toHaveLength(1);
    const [row] = await prisma.conversation.findMany({ where: { apiKeyId: key.apiKey.id } });
    expect(row).toMatchObject({ status: "ERROR", errorCode: "key_credit_limit_reached" });
    expect(row!.cost).toBeGreaterThan(0n);
  });
});

describe("the model allowlist", () => {
  test("another model is a 403 naming it, in chat, fallbacks and embeddings; an allowed one works", async () => {
    const key = await keyWith({ allowedModels: ["allowed-model"] });
    expect((await ask(key.openai)).response.status).toBe(200);
    const refused = await failure(ask(key.openai, "other-model"));
    expect(refused).toMatchObject({ status: 403, code: "model_not_allowed", param: "model" });
    expect(refused.message).toMatch(/may not use the model 'other-model'/);
    const fallback = await failure(
      key.openai.chat.completions.create({
        model: "allowed-model",
        messages: [{ role: "user", content: "Hi" }],
        // @ts-expect-error OpenRouter's field, which the SDK does not know
        models: ["other-model"],
      }),
    );
    expect(fallback).toMatchObject({ status: 403, param: "models" });
    const embeddings = await failure(
      key.openai.embeddings.create({ model: "other-model", input: "x" }),
    );
    expect(embeddings).toMatchObject({ status: 403, code: "model_not_allowed" });
    expect(harness.fakes.openai.scripts.received).toHaveLength(1);
  });
});

describe("requests per minute", () => {
  test("the limit's requests pass with the headers; the next is a 429 with Retry-After, in each API's shape", async () => {
    const key = await keyWith({ rpmLimit: 3 });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await ask(key.openai);
      expect(response.headers.get("x-ratelimit-limit-requests")).toBe("3");
      expect(response.headers.get("x-ratelimit-reset-requests")).toMatch(/^\d+s$/);
      remaining.push(response.headers.get("x-ratelimit-remaining-requests")!);
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const limited = await failure(ask(key.openai));
    expect(limited).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    expect(limited.message).toMatch(/3 requests per minute/);
    const retryAfter = Number(limited.headers?.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers?.get("x-ratelimit-remaining-requests")).toBe("0");

    const anthropic = new Anthropic({
      apiKey: key.secret,
      baseURL: harness.baseUrl,
      maxRetries: 0,
    });
    const claudeShaped = await anthropic.messages
      .create({
        model: "allowed-model",
        max_tokens: 10,
        messages: [{ role: "user", content: "Hi" }],
      })
      .catch((error: unknown) => error);
    expect(claudeShaped).toBeInstanceOf(Anthropic.RateLimitError);
    expect((claudeShaped as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({
      type: "error",
      error: { type: "rate_limit_error" },
    });
    expect(harness.fakes.openai.scripts.received).toHaveLength(3);
    // Nothing was reserved or charged for the refused requests.
    expect(await prisma.conversation.count({ where: { apiKeyId: key.apiKey.id } })).toBe(3);
  });
});

describe("tokens per minute", () => {
  test("requests pass until the window's tokens are spent; then 429 naming tokens", async () => {
    const key = await keyWith({ tpmLimit: 100 });
    // Each answer uses the fake's default usage: ~10 tokens of prompt and answer together.
    let passed = 0;
    let limited: InstanceType<typeof OpenAI.APIError> | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const answer = await ask(key.openai).catch((error: unknown) => error);
      if (answer instanceof OpenAI.APIError) limited = answer;
      else {
        passed += 1;
        expect(
          (answer as Awaited<ReturnType<typeof ask>>).response.headers.get(
            "x-ratelimit-limit-tokens",
          ),
        ).toBe("100");
      }
    }
    const rows = await prisma.conversation.findMany({ where: { apiKeyId: key.apiKey.id } });
    const tokens = rows.reduce((sum, row) => sum + row.inputTokens + row.outputTokens, 0);
    expect(limited).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    expect(limited!.message).toMatch(/100 tokens per minute/);
    // It stops once the tokens are spent: at most one request's tokens beyond the limit.
    expect(passed).toBeGreaterThan(1);
    expect(tokens).toBeGreaterThanOrEqual(100);
    expect(tokens - tokens / passed).toBeLessThan(100);
  });
});

describe("a daily or monthly credit limit", () => {
  test("a spent period is a 403 saying when it starts again; the next period starts from zero", async () => {
    const key = await keyWith({});
    const today = periodStart("day");
    await prisma.apiKey.update({
      where: { id: key.apiKey.id },
      data: {
        periodLimit: creditsToMicro(1),
        limitPeriod: "day",
        periodSpent: creditsToMicro(1),
        periodStart: today,
      },
    });
    const refused = await failure(ask(key.openai));
    expect(refused).toMatchObject({ status: 403, code: "key_period_limit_reached" });
    expect(refused.message).toContain("reached its daily credit limit");
    expect(refused.message).toContain(`starts again at ${nextPeriodStart("day").toISOString()}`);
    expect(harness.fakes.openai.scripts.received).toHaveLength(0);

    // The same spend counted yesterday: today's budget is whole again.
    await prisma.apiKey.update({
      where: { id: key.apiKey.id },
      data: { periodStart: new Date(today.getTime() - 86_400_000) },
    });
    expect((await ask(key.openai)).response.status).toBe(200);
    const row = await prisma.apiKey.findUniqueOrThrow({ where: { id: key.apiKey.id } });
    expect(row.periodStart).toEqual(today);
    expect(row.periodSpent).toBeGreaterThan(0n);
    expect(row.periodSpent).toBeLessThan(creditsToMicro(1));
    expect(row.periodSpent).toBe(row.spent);
  });
});

describe("a rule changed on a cached key", () => {
  test("applies within a second (the key's change notification)", async () => {
    const key = await keyWith({});
    expect((await ask(key.openai, "other-model")).response.status).toBe(200);
    await prisma.apiKey.update({
      where: { id: key.apiKey.id },
      data: { allowedModels: ["allowed-model"] },
    });
    const changed = performance.now();
    await expect
      .poll(async () => {
        const answer = await ask(key.openai, "other-model").catch((error: unknown) => error);
        return (answer as { status?: number }).status;
      })
      .toBe(403);
    expect(performance.now() - changed).toBeLessThan(1_000);
  });
});
