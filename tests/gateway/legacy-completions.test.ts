// OpenAI's legacy Completions API (POST /v1/completions: a prompt in, text out) in front of
// every provider, through the chat pipeline: the official openai SDK's
// client.completions.create talks to the gateway, the gateway to the three fakes. Same key
// check, hold, fallbacks and settlement as chat completions (ADR 039).
import OpenAI from "openai";
import { beforeAll, describe, expect, test } from "vitest";
import { costOfUsage } from "../../app/billing/prices.ts";
import { creditsToMicro, microToCredits, microToUsd } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";
import {
  CHUNKS,
  EXPECTED,
  FAKE_USAGE,
  PRICES,
  PROVIDERS,
  USD,
  type ProviderSlug,
} from "../support/three-providers.ts";

const { prisma, harness } = setupGatewayHarness({ checkLedger: true, resetFakes: true });

const COST = costOfUsage(EXPECTED, PRICES);
const EXPECTED_USAGE = {
  prompt_tokens: 48,
  completion_tokens: 4,
  total_tokens: 52,
  prompt_tokens_details: { cached_tokens: 8 },
  completion_tokens_details: { reasoning_tokens: 0 },
  cost: microToUsd(COST),
  cost_credits: microToCredits(COST),
};

beforeAll(async () => {
  for (const provider of PROVIDERS) {
    await createCatalogEntry(prisma, {
      modelSlug: `legacy-${provider}`,
      providerSlug: provider,
      upstreamModel: `legacy-up-${provider}`,
      usd: USD,
    });
  }
  // One model, two providers: "openai" first, "openai-backup" second.
  await createCatalogEntry(prisma, {
    modelSlug: "legacy-dual",
    upstreamModel: "legacy-primary",
    usd: USD,
    priority: 0,
  });
  await createCatalogEntry(prisma, {
    modelSlug: "legacy-dual",
    providerSlug: "openai-backup",
    upstreamModel: "legacy-backup",
    usd: USD,
    priority: 1,
  });
});

async function customer(credits = 100) {
  const user = await createUser(prisma, { credits });
  const { secret } = await createApiKey(prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  return { user, secret, client };
}

async function expectCharged(userId: string, stream: boolean, provider: string) {
  const rows = await prisma.conversation.findMany({ where: { userId } });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    status: "SUCCESS",
    usageSource: "REPORTED",
    endpoint: "/v1/completions",
    providerSlug: provider,
    stream,
    inputTokens: 40,
    cachedInputTokens: 8,
    outputTokens: 4,
    cost: COST,
  });
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  expect({ balance: user.balance, reserved: user.reserved }).toEqual({
    balance: creditsToMicro(100) - COST,
    reserved: 0n,
  });
}

/** The prompt reached the provider as the one user message, in the provider's own format. */
function expectPromptSent(provider: ProviderSlug, prompt: string) {
  const body = JSON.stringify(harness.fakes[provider].scripts.received.at(-1)!.body);
  expect(body).toContain(prompt);
  expect(body).toContain('"user"');
}

describe.each(PROVIDERS)("served by %s", (provider) => {
  const fake = () => harness.fakes[provider];
  const model = `legacy-${provider}`;

  test("completions.create: a text_completion with the text, usage with cost, the exact charge", async () => {
    const who = await customer();
    fake().scripts.enqueue(`legacy-up-${provider}`, { chunks: CHUNKS, usage: FAKE_USAGE });
    const completion = await who.client.completions.create({
      model,
      prompt: "Say four words",
      max_tokens: 50,
      temperature: 0.2,
    });
    expect(completion).toEqual({
      id: expect.stringMatching(/^cmpl-/),
      object: "text_completion",
      created: expect.any(Number),
      model,
      choices: [{ text: CHUNKS.join(""), index: 0, logprobs: null, finish_reason: "stop" }],
      usage: EXPECTED_USAGE,
    });
    expectPromptSent(provider, "Say four words");
    await expectCharged(who.user.id, false, provider);
  });

  test("a stream: text in pieces, the finish reason, then the usage chunk, then [DONE]", async () => {
    const who = await customer();
    fake().scripts.enqueue(`legacy-up-${provider}`, {
      chunks: CHUNKS,
      chunkDelayMs: 20,
      usage: FAKE_USAGE,
    });
    const stream = await who.client.completions.create({
      model,
      prompt: ["Say four words"],
      max_tokens: 50,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Completion[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const pieces = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.text));
    expect(pieces.join("")).toBe(CHUNKS.join(""));
    expect(pieces.filter(Boolean)).toEqual(CHUNKS);
    for (const chunk of chunks)
      expect(chunk).toMatchObject({
        id: chunks[0]!.id,
        object: "text_completion",
        model,
      });
    expect(chunks.at(-2)!.choices).toEqual([
      { text: "", index: 0, logprobs: null, finish_reason: "stop" },
    ]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: EXPECTED_USAGE });
    expectPromptSent(provider, "Say four words");
    await expectCharged(who.user.id, true, provider);
  });
});

test("the raw stream is OpenAI's: data lines of text_completion chunks, ending with [DONE]", async () => {
  const who = await customer();
  harness.fakes.openai.scripts.enqueue("legacy-up-openai", { chunks: ["Hi", " there"] });
  const response = await fetch(`${harness.baseUrl}/v1/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${who.secret}` },
    body: JSON.stringify({ model: "legacy-openai", prompt: "Hello", stream: true, max_tokens: 9 }),
  });
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const events = (await response.text()).split("\n\n").filter(Boolean);
  expect(events.at(-1)).toBe("data: [DONE]");
  const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice("data: ".length)));
  expect(chunks.map((chunk) => chunk.choices[0].text)).toEqual(["Hi", " there", ""]);
  // Without include_usage, no chunk carries usage (as at OpenAI).
  expect(chunks.every((chunk) => !("usage" in chunk))).toBe(true);
});

test("cut at max_tokens: finish_reason length", async () => {
  const who = await customer();
  harness.fakes.anthropic.scripts.enqueue("legacy-up-anthropic", {
    chunks: CHUNKS,
    finishReason: "length",
  });
  const completion = await who.client.completions.create({
    model: "legacy-anthropic",
    prompt: "Count",
    max_tokens: 4,
  });
  expect(completion.choices[0]!.finish_reason).toBe("length");
});

test("a provider failing before the first byte: the next provider answers, billed once", async () => {
  const who = await customer();
  harness.fakes.openai.scripts.enqueue("legacy-primary", { status: 500 }, { status: 500 });
  harness.fakes["openai-backup"].scripts.enqueue("legacy-backup", {
    chunks: CHUNKS,
    usage: FAKE_USAGE,
  });
  const completion = await who.client.completions.create({
    model: "legacy-dual",
    prompt: "Say four words",
    max_tokens: 50,
  });
  expect(completion.choices[0]!.text).toBe(CHUNKS.join(""));
  expect(harness.fakes.openai.scripts.received).toHaveLength(2);
  await expectCharged(who.user.id, false, "openai-backup");
});

test("not enough credits: 402 before any provider is called, nothing charged", async () => {
  const who = await customer(0);
  await expect(
    who.client.completions.create({ model: "legacy-openai", prompt: "Hi", max_tokens: 50 }),
  ).rejects.toMatchObject({ status: 402 });
  expect(harness.fakes.openai.scripts.received).toHaveLength(0);
  expect(await prisma.conversation.count({ where: { userId: who.user.id } })).toBe(0);
});

test("a missing or unknown key is a 401, an unknown model a 404", async () => {
  const anonymous = await fetch(`${harness.baseUrl}/v1/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "legacy-openai", prompt: "Hi" }),
  });
  expect(anonymous.status).toBe(401);
  const who = await customer();
  await expect(
    who.client.completions.create({ model: "no-such-model", prompt: "Hi", max_tokens: 5 }),
  ).rejects.toMatchObject({ status: 404 });
});

describe("what a chat model cannot honour is a 400 naming the field", () => {
  test.each([
    [{ model: "legacy-openai" }, "prompt", /is required/],
    [{ model: "legacy-openai", prompt: [] }, "prompt", /must not be empty/],
    [{ model: "legacy-openai", prompt: "" }, "prompt", /must not be empty/],
    [{ model: "legacy-openai", prompt: [1, 2, 3] }, "prompt", /token-id prompts/],
    [{ model: "legacy-openai", prompt: [[1, 2]] }, "prompt", /token-id prompts/],
    [{ model: "legacy-openai", prompt: ["a", "b"] }, "prompt", /several prompts/],
    [{ model: "legacy-openai", prompt: "Hi", echo: true }, "echo", /not supported/],
    [{ model: "legacy-openai", prompt: "Hi", suffix: "end" }, "suffix", /not supported/],
    [{ model: "legacy-openai", prompt: "Hi", logprobs: 2 }, "logprobs", /not supported/],
    [{ model: "legacy-openai", prompt: "Hi", best_of: 3 }, "best_of", /best_of = 1/],
    [{ model: "legacy-openai", prompt: "Hi", n: 2 }, "n", /n = 1/],
    [{ model: "legacy-openai", prompt: "Hi", temperature: 3 }, "temperature", /./],
    [{ model: "legacy-openai", prompt: "Hi", max_tokens: 0 }, "max_tokens", /at least 1/],
    [
      { model: "legacy-openai", prompt: "Hi", max_tokens: 1_000_000 },
      "max_tokens",
      /at most 16384/,
    ],
    [{ prompt: "Hi" }, "model", /is required/],
  ])("%j", async (body, param, message) => {
    const who = await customer();
    const response = await fetch(`${harness.baseUrl}/v1/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${who.secret}` },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { error: { message: string; param: string } };
    expect(response.status, JSON.stringify(answer)).toBe(400);
    expect(answer.error.param).toBe(param);
    expect(answer.error.message).toMatch(message);
    expect(harness.fakes.openai.scripts.received).toHaveLength(0);
  });
});
