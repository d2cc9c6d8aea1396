// POST /v1/embeddings through the official openai client, served by the fake
// OpenAI and Gemini embeddings APIs: the vectors the provider made, billed per
// input token like any other request.
import OpenAI from "openai";
import { beforeAll, describe, expect, test } from "vitest";
import { fakeVector } from "#scripts/fake-providers/embeddings.ts";
import { countTextTokens } from "../../app/billing/estimate-usage.server.ts";
import {
  costOfTokens,
  creditsToMicro,
  microToCredits,
  microToUsd,
  usdToMicro,
} from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness({
  upstreamTimeouts: { openai: { answerMs: 300 } },
  checkLedger: true,
  resetFakes: true,
});
const PRICE = usdToMicro("0.13");
const TEXTS = ["The cat sat on the mat.", "Quarterly revenue grew by nine percent."];

beforeAll(async () => {
  for (const provider of ["openai", "google", "anthropic"] as const)
    await createCatalogEntry(prisma, {
      modelSlug: `embed-${provider}`,
      providerSlug: provider,
      upstreamModel: `embed-up-${provider}`,
      usd: { input: "0.13", cachedInput: "0.13", output: "0" },
    });
});

async function customer(credits = 100) {
  const user = await createUser(prisma, { credits });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  return { user, apiKey, secret, client };
}

describe.each([
  // OpenAI reports its count (a token per 4 characters in the fake); Gemini reports none.
  ["openai", 1536, "REPORTED"],
  ["google", 3072, "ESTIMATED"],
] as const)("served by %s", (provider, defaultSize, usageSource) => {
  test("an array of texts: the provider's vectors in order, the tokens billed", async () => {
    const who = await customer();
    const answer = await who.client.embeddings.create({ model: `embed-${provider}`, input: TEXTS });
    expect(answer.object).toBe("list");
    expect(answer.model).toBe(`embed-${provider}`);
    expect(answer.data.map((item) => item.index)).toEqual([0, 1]);
    // The SDK asked for base64 and decoded it: float32 values, exactly the provider's.
    expect(answer.data[0]!.embedding).toEqual(fakeVector(TEXTS[0]!, defaultSize));
    expect(answer.data[1]!.embedding).toEqual(fakeVector(TEXTS[1]!, defaultSize));

    const tokens =
      provider === "openai"
        ? TEXTS.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0)
        : await countTextTokens(TEXTS);
    const cost = costOfTokens(tokens, PRICE);
    expect(answer.usage).toMatchObject({
      prompt_tokens: tokens,
      total_tokens: tokens,
      cost: microToUsd(cost),
      cost_credits: microToCredits(cost),
    });
    const [row, ...more] = await prisma.conversation.findMany({ where: { userId: who.user.id } });
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      endpoint: "/v1/embeddings",
      status: "SUCCESS",
      usageSource,
      providerSlug: provider,
      upstreamModel: `embed-up-${provider}`,
      inputTokens: tokens,
      outputTokens: 0,
      cost,
    });
    const user = await prisma.user.findUniqueOrThrow({ where: { id: who.user.id } });
    expect({ balance: user.balance, reserved: user.reserved }).toEqual({
      balance: creditsToMicro(100) - cost,
      reserved: 0n,
    });
  });

  test("dimensions and encoding_format: float are passed on", async () => {
    const who = await customer();
    const answer = await who.client.embeddings.create({
      model: `embed-${provider}`,
      input: "one text",
      dimensions: 8,
      encoding_format: "float",
    });
    expect(answer.data).toEqual([
      { object: "embedding", index: 0, embedding: fakeVector("one text", 8) },
    ]);
  });
});

test("encoding_format base64: float32 little-endian bytes, as OpenAI sends", async () => {
  const who = await customer();
  const response = await fetch(`${harness.baseUrl}/v1/embeddings`, {
    method: "POST",
    headers: { authorization: `Bearer ${who.secret}`, "content-type": "application/json" },
    body: JSON.stringify({
      model: "embed-google",
      input: "raw",
      dimensions: 4,
      encoding_format: "base64",
    }),
  });
  const body = (await response.json()) as { data: { embedding: string }[] };
  const bytes = Buffer.from(body.data[0]!.embedding, "base64");
  const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 4));
  expect(decoded).toEqual(fakeVector("raw", 4));
  expect(response.headers.get("x-generation-id")).toMatch(/^req_/);
});

describe("refusals before any provider call", () => {
  const embed = (client: OpenAI, model: string, input: unknown) =>
    client.embeddings.create({ model, input: input as string }).then(
      () => 200,
      (error: { status?: number; error?: { message?: string } }) =>
        `${error.status} ${error.error?.message ?? ""}`,
    );

  test.each([
    ["no credits", "embed-openai", "Hi", /^402 Insufficient credits/],
    [
      "a chat-only provider",
      "embed-anthropic",
      "Hi",
      /^400 'embed-anthropic' is not an embeddings/,
    ],
    ["an unknown model", "nope", "Hi", /^404 The model 'nope'/],
    ["an empty string", "embed-openai", "", /^400 input/],
    ["an empty array", "embed-openai", [], /^400 input/],
    ["token ids", "embed-openai", [[1, 2, 3]], /^400 input/],
    ["a number", "embed-openai", 5, /^400 input/],
  ])("%s", async (what, model, input, expected) => {
    const who = await customer(what === "no credits" ? 0 : 100);
    expect(await embed(who.client, model, input)).toMatch(expected);
    for (const fake of Object.values(harness.fakes)) expect(fake.scripts.received).toEqual([]);
    expect(await prisma.conversation.count({ where: { userId: who.user.id } })).toBe(0);
  });

  test("a wrong key is 401", async () => {
    const client = new OpenAI({ apiKey: "gw-no", baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
    expect(await embed(client, "embed-openai", "Hi")).toMatch(/^401/);
  });
});

test("a provider failure is answered, recorded and not charged", async () => {
  const who = await customer();
  harness.fakes.openai.scripts.enqueue("embed-up-openai", { status: 400 });
  const status = await who.client.embeddings.create({ model: "embed-openai", input: "Hi" }).then(
    () => 200,
    (error: { status?: number }) => error.status,
  );
  expect(status).toBe(400);
  const [row] = await prisma.conversation.findMany({ where: { userId: who.user.id } });
  expect(row).toMatchObject({ status: "ERROR", cost: 0n, errorCode: "upstream_rejected_request" });
  const user = await prisma.user.findUniqueOrThrow({ where: { id: who.user.id } });
  expect({ balance: user.balance, reserved: user.reserved }).toEqual({
    balance: creditsToMicro(100),
    reserved: 0n,
  });
});

test("a provider that keeps silent is cut at its answer limit: 504, recorded, not charged", async () => {
  const who = await customer();
  harness.fakes.openai.scripts.enqueue("embed-up-openai", { firstByteDelayMs: 60_000 });
  const started = performance.now();
  const failure = await who.client.embeddings
    .create({ model: "embed-openai", input: "Hi" }, { signal: AbortSignal.timeout(8_000) })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  expect(failure).toMatchObject({ status: 504, code: "upstream_timeout" });
  expect(performance.now() - started).toBeLessThan(5_000);
  const [row] = await prisma.conversation.findMany({ where: { userId: who.user.id } });
  expect(row).toMatchObject({ status: "ERROR", cost: 0n, errorCode: "upstream_timeout" });
  const user = await prisma.user.findUniqueOrThrow({ where: { id: who.user.id } });
  expect({ balance: user.balance, reserved: user.reserved }).toEqual({
    balance: creditsToMicro(100),
    reserved: 0n,
  });
});
