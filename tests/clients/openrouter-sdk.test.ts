// OpenRouter's own SDK (@openrouter/sdk), pointed at the gateway's `/api/v1` as
// at OpenRouter, with OpenRouter-style ids. The SDK validates every answer
// with OpenRouter's schemas, so each call passing is the wire being theirs.
import { OpenRouter } from "@openrouter/sdk";
import {
  NotFoundResponseError,
  PaymentRequiredResponseError,
  UnauthorizedResponseError,
} from "@openrouter/sdk/models/errors";
import { expect, test } from "vitest";
import { fakePng } from "#scripts/fake-providers/images.ts";
import { CHAT_IMAGE_TOKENS } from "#scripts/fake-providers/gemini.ts";
import { costOfTokens, microToCredits, microToUsd, usdToMicro } from "../../app/utils/money.ts";
import { createApiKey, createUser } from "../support/factories.ts";
import { openRouterCustomer, setupOpenRouterGateway } from "../support/openrouter-gateway.ts";

const { prisma, gw } = setupOpenRouterGateway();

// No retries: a 5xx must fail the test at once, not back off for an hour.
const sdk = (apiKey: string) =>
  new OpenRouter({ apiKey, serverURL: gw.apiBase, retryConfig: { strategy: "none" } });

const USAGE = { input: 30, cached: 6, output: 5, reasoning: 2 };

/** The exact charge of a request, as the usage row keeps it. */
const rowOf = (requestId: string) =>
  prisma.conversation.findUniqueOrThrow({ where: { requestId } });

test("chat JSON with an OpenRouter id: OpenRouter's result, cost as a number, and the body id finds the generation", async () => {
  const { secret } = await openRouterCustomer(prisma);
  gw.fakes.openai.scripts.enqueue("gpt-6.2-sol", { text: "Hello from Sol.", usage: USAGE });
  const client = sdk(secret);
  const result = await client.chat.send({
    chatRequest: {
      model: "openai/gpt-6.2-sol",
      messages: [{ role: "user", content: "Say hello" }],
    },
  });
  if (!("choices" in result)) throw new Error("expected a JSON result");
  expect(result.model).toBe("openai/gpt-6.2-sol");
  expect(result.systemFingerprint).toBeNull();
  expect(result.choices[0]!.message.content).toBe("Hello from Sol.");
  expect(result.choices[0]!.finishReason).toBe("stop");
  expect(result.usage).toMatchObject({ promptTokens: 36, completionTokens: 5, totalTokens: 41 });

  // The body id is the generation id.
  const generation = await client.generations.getGeneration({ id: result.id });
  const row = await prisma.conversation.findFirstOrThrow({
    where: { endpoint: "/api/v1/chat/completions", modelSlug: "gpt-6.2-sol" },
  });
  expect(row.cost).toBeGreaterThan(0n);
  expect(result.usage!.cost).toBe(Number(microToUsd(row.cost)));
  expect(generation.data).toMatchObject({
    id: result.id,
    model: "openai/gpt-6.2-sol",
    providerName: "OpenAI",
    tokensPrompt: 36,
    tokensCompletion: 5,
    nativeTokensPrompt: 36,
    nativeTokensCompletion: 5,
    nativeTokensCached: 6,
    nativeTokensReasoning: 2,
    totalCost: Number(microToUsd(row.cost)),
    usage: Number(microToUsd(row.cost)),
    isByok: false,
    streamed: false,
    cancelled: false,
    finishReason: "stop",
    apiType: "completions",
  });
  expect(generation.data.providerResponses).toEqual([
    expect.objectContaining({ providerName: "OpenAI", status: 200 }),
  ]);
  // The exact amount stays available beside the number.
  const raw = (await (
    await fetch(`${gw.apiBase}/generation?id=${result.id}`, {
      headers: { authorization: `Bearer ${secret}` },
    })
  ).json()) as { data: Record<string, unknown> };
  expect(raw.data.cost_credits).toBe(microToCredits(row.cost));
});

test("a stream: chunks OpenRouter's schema accepts, the usage with its cost last, and the chunks' id finds the generation", async () => {
  const { secret } = await openRouterCustomer(prisma);
  gw.fakes.anthropic.scripts.enqueue("claude-sonnet-5-5", {
    chunks: ["Stream", "ed ", "answer"],
    usage: USAGE,
  });
  const client = sdk(secret);
  const stream = await client.chat.send({
    chatRequest: {
      model: "anthropic/claude-sonnet-5-5",
      messages: [{ role: "user", content: "Stream please" }],
      stream: true,
    },
  });
  if ("choices" in stream) throw new Error("expected a stream");
  let text = "";
  const ids = new Set<string>();
  let usage: { cost?: number | null; promptTokens: number } | undefined;
  for await (const chunk of stream) {
    ids.add(chunk.id);
    expect(chunk.model).toBe("anthropic/claude-sonnet-5-5");
    text += chunk.choices[0]?.delta.content ?? "";
    if (chunk.usage) usage = chunk.usage;
  }
  expect(text).toBe("Streamed answer");
  expect(ids.size).toBe(1);
  const [id] = [...ids];
  const generation = await client.generations.getGeneration({ id: id! });
  const row = await rowOf(generation.data.requestId!);
  expect(usage?.cost).toBe(Number(microToUsd(row.cost)));
  expect(generation.data).toMatchObject({
    id,
    model: "anthropic/claude-sonnet-5-5",
    providerName: "Anthropic",
    streamed: true,
    totalCost: Number(microToUsd(row.cost)),
  });
});

test("images from a chat model (modalities image and text): the SDK reads message.images, and the image tokens are billed at their price", async () => {
  const { secret } = await openRouterCustomer(prisma);
  gw.fakes.google.scripts.enqueue("gemini-2.5-flash-image", {
    text: "A lighthouse.",
    usage: { input: 12, output: 4 },
  });
  const result = await sdk(secret).chat.send({
    chatRequest: {
      model: "google/gemini-2.5-flash-image",
      messages: [{ role: "user", content: "Draw a lighthouse" }],
      modalities: ["image", "text"],
    },
  });
  if (!("choices" in result)) throw new Error("expected a JSON result");
  const message = result.choices[0]!.message;
  expect(message.content).toBe("A lighthouse.");
  expect(message.images).toEqual([
    {
      imageUrl: { url: `data:image/png;base64,${fakePng("Draw a lighthouse").toString("base64")}` },
    },
  ]);
  expect(result.usage).toMatchObject({ completionTokens: 4 + CHAT_IMAGE_TOKENS });
  const row = await prisma.conversation.findFirstOrThrow({
    where: { modelSlug: "gemini-2.5-flash-image" },
    orderBy: { id: "desc" },
  });
  expect(row).toMatchObject({ unit: "image_output_token", units: CHAT_IMAGE_TOKENS });
  // The catalog's prices: US$0.30 in, US$2.50 text out, US$30 image out, per 1M tokens.
  expect(row.cost).toBe(
    costOfTokens(12, usdToMicro("0.30")) +
      costOfTokens(4, usdToMicro("2.50")) +
      costOfTokens(CHAT_IMAGE_TOKENS, usdToMicro("30")),
  );
  expect(result.usage!.cost).toBe(Number(microToUsd(row.cost)));
});

test("images.generate: OpenRouter's image API, its response schema, the cost per image", async () => {
  const { secret } = await openRouterCustomer(prisma);
  const result = await sdk(secret).images.generate({
    imageGenerationRequest: {
      model: "openai/gpt-image-1",
      prompt: "A lighthouse",
      n: 2,
      aspectRatio: "2:3",
      quality: "high",
    },
  });
  if (!("data" in result)) throw new Error("expected a JSON result");
  expect(
    result.data.map((image) => [image.mediaType, Buffer.from(image.b64Json, "base64")]),
  ).toEqual([
    ["image/png", fakePng("A lighthouse#0")],
    ["image/png", fakePng("A lighthouse#1")],
  ]);
  // 2:3 is made at 1024x1536: US$0.25 an image at high quality.
  const sent = gw.fakes.openai.scripts.received.at(-1)!.body as { size: string; quality: string };
  expect(sent).toMatchObject({ size: "1024x1536", quality: "high" });
  const row = await prisma.conversation.findFirstOrThrow({
    where: { endpoint: "/api/v1/images" },
    orderBy: { id: "desc" },
  });
  expect(row).toMatchObject({ unit: "image", units: 2 });
  expect(row.cost).toBe(2n * usdToMicro("0.25"));
  expect(result.usage?.cost).toBe(Number(microToUsd(row.cost)));

  // What the models cannot do is OpenRouter's typed 400, naming it.
  await expect(
    sdk(secret).images.generate({
      imageGenerationRequest: { model: "openai/gpt-image-1", prompt: "A lighthouse", seed: 7 },
    }),
  ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/seed/) });
});

test("a stream the provider breaks after its first byte ends with OpenRouter's error chunk, billed for what came", async () => {
  const { secret, user } = await openRouterCustomer(prisma);
  gw.fakes.openai.scripts.enqueue("gpt-6.2-sol", {
    chunks: ["Partial", " answer", " lost"],
    errorEventAfterChunks: 2,
    // Apart, so the first chunk reaches the client before the error: no retry after the first byte.
    chunkDelayMs: 30,
  });
  const stream = await sdk(secret).chat.send({
    chatRequest: {
      model: "openai/gpt-6.2-sol",
      messages: [{ role: "user", content: "Break" }],
      stream: true,
    },
  });
  if ("choices" in stream) throw new Error("expected a stream");
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const last = chunks.at(-1)!;
  // The fake reports itself overloaded (503): the status is the code, as OpenRouter sends it.
  expect(last.error).toMatchObject({ code: 503, metadata: { errorType: "provider_unavailable" } });
  expect(last.choices[0]!.finishReason).toBe("error");
  expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toMatch(/^Partial/);
  const row = await prisma.conversation.findFirstOrThrow({ where: { userId: user.id } });
  expect(row.status).toBe("ERROR");
});

test("tools: a Gemini model's call comes back as OpenRouter's tool call, streamed and not", async () => {
  const { secret } = await openRouterCustomer(prisma);
  const call = { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' };
  gw.fakes.google.scripts.enqueue("gemini-4-neon", { toolCalls: [call] }, { toolCalls: [call] });
  const client = sdk(secret);
  const chatRequest = {
    model: "google/gemini-4-neon",
    messages: [{ role: "user" as const, content: "Weather in Paris?" }],
    tools: [
      {
        type: "function" as const,
        function: {
          name: "get_weather",
          description: "The weather in a city",
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      },
    ],
  };
  const result = await client.chat.send({ chatRequest });
  if (!("choices" in result)) throw new Error("expected a JSON result");
  expect(result.choices[0]!.finishReason).toBe("tool_calls");
  const [toolCall] = result.choices[0]!.message.toolCalls!;
  expect(toolCall!.function).toEqual({ name: "get_weather", arguments: '{"city":"Paris"}' });

  const stream = await client.chat.send({ chatRequest: { ...chatRequest, stream: true } });
  if ("choices" in stream) throw new Error("expected a stream");
  let name = "";
  let args = "";
  let finish: unknown;
  for await (const chunk of stream) {
    for (const delta of chunk.choices[0]?.delta.toolCalls ?? []) {
      name += delta.function?.name ?? "";
      args += delta.function?.arguments ?? "";
    }
    finish = chunk.choices[0]?.finishReason ?? finish;
  }
  expect({ name, args: JSON.parse(args) as unknown, finish }).toEqual({
    name: "get_weather",
    args: { city: "Paris" },
    finish: "tool_calls",
  });
});

test("models and their endpoints, in OpenRouter's shape", async () => {
  const { secret } = await openRouterCustomer(prisma);
  const client = sdk(secret);
  const page = await client.models.list();
  const models = page.result.data;
  expect(page.result.totalCount).toBe(models.length);
  const sol = models.find((model) => model.id === "openai/gpt-6.2-sol");
  expect(sol).toMatchObject({
    canonicalSlug: "openai/gpt-6.2-sol",
    name: "GPT-6.2 Sol",
    contextLength: 1_050_000,
    architecture: { inputModalities: ["text", "image"], outputModalities: ["text"] },
    pricing: { prompt: "0.000002", completion: "0.00001", inputCacheRead: "0.0000001" },
    topProvider: { contextLength: 1_050_000, maxCompletionTokens: 128_000, isModerated: false },
  });
  expect(sol!.supportedParameters).toEqual(expect.arrayContaining(["tools", "max_tokens"]));
  for (const id of ["anthropic/claude-sonnet-5-5", "google/gemini-4-neon"])
    expect(models.map((model) => model.id)).toContain(id);

  const endpoints = await client.endpoints.list({ author: "openai", slug: "gpt-6.2-sol" });
  expect(endpoints.data).toMatchObject({
    id: "openai/gpt-6.2-sol",
    name: "GPT-6.2 Sol",
    endpoints: [
      {
        providerName: "OpenAI",
        modelId: "openai/gpt-6.2-sol",
        contextLength: 1_050_000,
        maxCompletionTokens: 128_000,
        pricing: { prompt: "0.000002", completion: "0.00001" },
      },
    ],
  });
});

test("credits and the key: numbers in US dollars, exact credits beside them", async () => {
  const user = await createUser(prisma, { credits: 250 });
  const { secret } = await createApiKey(prisma, user.id, {
    name: "sdk key",
    creditLimitCredits: 40,
  });
  gw.fakes.openai.scripts.enqueue("gpt-6.2-sol", { text: "Spent.", usage: USAGE });
  const client = sdk(secret);
  await client.chat.send({
    chatRequest: { model: "openai/gpt-6.2-sol", messages: [{ role: "user", content: "Spend" }] },
  });
  const spent = (
    await prisma.conversation.aggregate({
      where: { userId: user.id },
      _sum: { cost: true },
    })
  )._sum.cost!;
  const credits = await client.credits.getCredits();
  expect(credits.data).toEqual({ totalCredits: 2.5, totalUsage: Number(microToUsd(spent)) });

  const key = await client.apiKeys.getCurrentKeyMetadata();
  expect(key.data).toMatchObject({
    label: "sdk key",
    limit: 0.4,
    usage: Number(microToUsd(spent)),
    usageDaily: Number(microToUsd(spent)),
    usageWeekly: Number(microToUsd(spent)),
    usageMonthly: Number(microToUsd(spent)),
    byokUsage: 0,
    limitRemaining: Number(microToUsd(40_000_000n - spent)),
    isFreeTier: false,
    rateLimit: { requests: expect.any(Number), interval: expect.any(String) },
  });
});

test("typed errors: a bad key is a 401, an empty account a 402, an unknown model a 404 naming the closest id", async () => {
  const bad = sdk("gw-not-a-key");
  const unauthorized = await bad.credits.getCredits().catch((error: unknown) => error);
  expect(unauthorized).toBeInstanceOf(UnauthorizedResponseError);
  expect((unauthorized as UnauthorizedResponseError).error.code).toBe(401);
  const chatUnauthorized = await bad.chat
    .send({
      chatRequest: { model: "openai/gpt-6.2-sol", messages: [{ role: "user", content: "x" }] },
    })
    .catch((error: unknown) => error);
  expect(chatUnauthorized).toBeInstanceOf(UnauthorizedResponseError);

  const broke = await createUser(prisma, { credits: 0 });
  const { secret: brokeSecret } = await createApiKey(prisma, broke.id);
  const payment = await sdk(brokeSecret)
    .chat.send({
      chatRequest: { model: "openai/gpt-6.2-sol", messages: [{ role: "user", content: "x" }] },
    })
    .catch((error: unknown) => error);
  expect(payment).toBeInstanceOf(PaymentRequiredResponseError);
  expect((payment as PaymentRequiredResponseError).error.code).toBe(402);

  const { secret } = await openRouterCustomer(prisma);
  const missing = await sdk(secret)
    .chat.send({
      chatRequest: { model: "openai/gpt-6.2-soll", messages: [{ role: "user", content: "x" }] },
    })
    .catch((error: unknown) => error);
  expect(missing).toBeInstanceOf(NotFoundResponseError);
  const { message } = (missing as NotFoundResponseError).error;
  expect(message).toMatch(/did you mean 'openai\/gpt-6\.2-sol'/i);
  expect(message).toContain("/api/v1/models");
});

test("embeddings and the Responses API answer in OpenRouter's types too", async () => {
  const { secret } = await openRouterCustomer(prisma);
  const client = sdk(secret);
  const embeddings = await client.embeddings.generate({
    requestBody: { model: "openai/text-embedding-3-small", input: ["one", "two"] },
  });
  if (typeof embeddings === "string") throw new Error("expected JSON");
  expect(embeddings.data).toHaveLength(2);
  expect(embeddings.model).toBe("openai/text-embedding-3-small");
  expect(embeddings.usage?.cost).toBeGreaterThan(0);

  gw.fakes.openai.scripts.enqueue("gpt-6.2-sol", { text: "Responded.", usage: USAGE });
  const response = await client.responses.send({
    responsesRequest: { model: "openai/gpt-6.2-sol", input: "Respond" },
  });
  if (!("output" in response)) throw new Error("expected a JSON response");
  expect(response.model).toBe("openai/gpt-6.2-sol");
  expect(response.outputText ?? JSON.stringify(response.output)).toContain("Responded.");
  const generation = await client.generations.getGeneration({ id: response.id });
  expect(generation.data.id).toBe(response.id);
  expect(response.usage?.cost).toBe(generation.data.totalCost);

  gw.fakes.google.scripts.enqueue("gemini-4-neon", { chunks: ["Stre", "amed."], usage: USAGE });
  const events = await client.responses.send({
    responsesRequest: { model: "google/gemini-4-neon", input: "Stream", stream: true },
  });
  if ("output" in events) throw new Error("expected a stream");
  const types: string[] = [];
  let completed: { usage?: { cost?: number | null } | null; outputText?: string } | undefined;
  for await (const event of events) {
    types.push(event.type);
    if (event.type === "response.completed") completed = event.response;
  }
  expect(types[0]).toBe("response.created");
  expect(types).toContain("response.output_text.delta");
  expect(types.at(-1)).toBe("response.completed");
  expect(completed?.usage?.cost).toBeGreaterThan(0);
});
