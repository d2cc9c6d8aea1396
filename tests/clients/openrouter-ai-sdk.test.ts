// The Vercel AI SDK (`ai`) with OpenRouter's provider (@openrouter/ai-sdk-provider),
// pointed at the gateway's `/api/v1` as at OpenRouter, with OpenRouter-style ids.
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import {
  APICallError,
  embed,
  generateImage,
  generateText,
  stepCountIs,
  streamText,
  tool,
} from "ai";
import { expect, test } from "vitest";
import { z } from "zod";
import { fakePng } from "#scripts/fake-providers/images.ts";
import { CHAT_IMAGE_TOKENS } from "#scripts/fake-providers/gemini.ts";
import { microToUsdNumber, usdToMicro } from "../../app/utils/money.ts";
import { createApiKey, createUser } from "../support/factories.ts";
import { openRouterCustomer, setupOpenRouterGateway } from "../support/openrouter-gateway.ts";

const { prisma, gw } = setupOpenRouterGateway();

// As OpenRouter's README sets it up, with the gateway's base URL.
const provider = (apiKey: string) => createOpenRouter({ apiKey, baseURL: gw.apiBase });

const USAGE = { input: 25, cached: 5, output: 4, reasoning: 0 };

/** The generation OpenRouter's API describes for an answer's id. */
async function generation(secret: string, id: string) {
  const response = await fetch(`${gw.apiBase}/generation?id=${id}`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

const costOf = async (requestId: string) =>
  (await prisma.conversation.findUniqueOrThrow({ where: { requestId } })).cost;

test("generateText: the text, the usage with its cost, and the response id finds the generation", async () => {
  const { secret } = await openRouterCustomer(prisma);
  gw.fakes.openai.scripts.enqueue("gpt-6.2-sol", { text: "Hello from Sol.", usage: USAGE });
  const result = await generateText({
    model: provider(secret)("openai/gpt-6.2-sol"),
    prompt: "Say hello",
  });
  expect(result.text).toBe("Hello from Sol.");
  expect(result.finishReason).toBe("stop");
  expect(result.usage).toMatchObject({ inputTokens: 30, outputTokens: 4 });
  expect(result.response.modelId).toBe("openai/gpt-6.2-sol");

  const found = await generation(secret, result.response.id);
  const cost = await costOf(found.request_id as string);
  expect(cost).toBeGreaterThan(0n);
  expect(result.providerMetadata?.openrouter).toMatchObject({
    provider: "OpenAI",
    usage: { cost: microToUsdNumber(cost), promptTokens: 30, completionTokens: 4 },
  });
  expect(found).toMatchObject({ model: "openai/gpt-6.2-sol", total_cost: microToUsdNumber(cost) });
});

test("streamText: the deltas, then the usage with its cost, and the generation by the stream's id", async () => {
  const { secret } = await openRouterCustomer(prisma);
  gw.fakes.anthropic.scripts.enqueue("claude-sonnet-5-5", {
    chunks: ["Stream", "ed", " by Claude"],
    usage: USAGE,
  });
  const result = streamText({
    model: provider(secret).chat("anthropic/claude-sonnet-5-5"),
    prompt: "Stream please",
  });
  const deltas: string[] = [];
  for await (const delta of result.textStream) deltas.push(delta);
  expect(deltas).toEqual(["Stream", "ed", " by Claude"]);
  const [metadata, response, usage] = await Promise.all([
    result.providerMetadata,
    result.response,
    result.usage,
  ]);
  expect(usage).toMatchObject({ inputTokens: 30, outputTokens: 4 });
  const found = await generation(secret, response.id);
  const cost = await costOf(found.request_id as string);
  expect(metadata?.openrouter).toMatchObject({ usage: { cost: microToUsdNumber(cost) } });
  expect(found).toMatchObject({ streamed: true, model: "anthropic/claude-sonnet-5-5" });
});

test("a tool: the model calls it, the SDK runs it, the model answers with its result (both billed)", async () => {
  const { secret, user } = await openRouterCustomer(prisma);
  gw.fakes.google.scripts.enqueue(
    "gemini-4-neon",
    { toolCalls: [{ id: "call_7", name: "get_weather", arguments: '{"city":"Paris"}' }] },
    { text: "It is sunny in Paris." },
  );
  for (const stream of [false, true]) {
    if (stream)
      gw.fakes.google.scripts.enqueue(
        "gemini-4-neon",
        { toolCalls: [{ id: "call_8", name: "get_weather", arguments: '{"city":"Paris"}' }] },
        { text: "It is sunny in Paris." },
      );
    const options = {
      model: provider(secret)("google/gemini-4-neon"),
      prompt: "Weather in Paris?",
      tools: {
        get_weather: tool({
          description: "The weather in a city",
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => `Sunny in ${city}`,
        }),
      },
      stopWhen: stepCountIs(2),
    };
    const result = stream ? streamText(options) : await generateText(options);
    expect(await result.text).toBe("It is sunny in Paris.");
    const steps = await result.steps;
    expect(steps).toHaveLength(2);
    expect(steps[0]!.toolCalls).toEqual([
      expect.objectContaining({ toolName: "get_weather", input: { city: "Paris" } }),
    ]);
    expect(steps[0]!.toolResults).toEqual([
      expect.objectContaining({ toolName: "get_weather", output: "Sunny in Paris" }),
    ]);
  }
  // The second call carried the tool's result back to the model.
  const second = gw.fakes.google.scripts.received.filter((request) =>
    JSON.stringify(request.body).includes("Sunny in Paris"),
  );
  expect(second).toHaveLength(2);
  expect(await prisma.conversation.count({ where: { userId: user.id, status: "SUCCESS" } })).toBe(
    4,
  );
});

test("images from a chat model: generateText and streamText give the image as a file, billed at the image price", async () => {
  const { secret } = await openRouterCustomer(prisma);
  const png = fakePng("Draw a lighthouse");
  const options = { openrouter: { modalities: ["image", "text"] } };
  gw.fakes.google.scripts.enqueue("gemini-2.5-flash-image", { text: "Here.", usage: USAGE });
  const whole = await generateText({
    model: provider(secret)("google/gemini-2.5-flash-image"),
    prompt: "Draw a lighthouse",
    providerOptions: options,
  });
  expect(whole.text).toBe("Here.");
  expect(whole.files.map((file) => [file.mediaType, Buffer.from(file.uint8Array)])).toEqual([
    ["image/png", png],
  ]);
  expect(whole.usage.outputTokens).toBe(USAGE.output + CHAT_IMAGE_TOKENS);

  gw.fakes.google.scripts.enqueue("gemini-2.5-flash-image", {
    chunks: ["Str", "eamed."],
    usage: USAGE,
  });
  const streamed = streamText({
    model: provider(secret)("google/gemini-2.5-flash-image"),
    prompt: "Draw a lighthouse",
    providerOptions: options,
  });
  expect(await streamed.text).toBe("Streamed.");
  const files = await streamed.files;
  expect(files.map((file) => Buffer.from(file.uint8Array))).toEqual([png]);

  const rows = await prisma.conversation.findMany({
    where: { modelSlug: "gemini-2.5-flash-image" },
    orderBy: { id: "asc" },
  });
  expect(rows.map((row) => [row.stream, row.unit, row.units])).toEqual([
    [false, "image_output_token", CHAT_IMAGE_TOKENS],
    [true, "image_output_token", CHAT_IMAGE_TOKENS],
  ]);
  expect(whole.providerMetadata?.openrouter).toMatchObject({
    usage: { cost: microToUsdNumber(rows[0]!.cost) },
  });
});

test("generateImage through OpenRouter's image model: a generation, and an edit of a reference image, each billed per image", async () => {
  const { secret, user } = await openRouterCustomer(prisma);
  const made = await generateImage({
    model: provider(secret).imageModel("openai/gpt-image-1"),
    prompt: "A lighthouse",
    size: "1024x1024",
    providerOptions: { openrouter: { quality: "low" } },
  });
  expect(made.images.map((image) => Buffer.from(image.uint8Array))).toEqual([
    fakePng("A lighthouse#0"),
  ]);
  const edited = await generateImage({
    model: provider(secret).imageModel("google/gemini-2.5-flash-image"),
    prompt: { text: "Paint it red", images: [fakePng("the original")] },
  });
  expect(edited.images).toHaveLength(1);
  expect(edited.images[0]!.mediaType).toBe("image/png");

  const rows = await prisma.conversation.findMany({
    where: { userId: user.id },
    orderBy: { id: "asc" },
  });
  expect(rows.map((row) => [row.endpoint, row.modelSlug, row.unit, row.units])).toEqual([
    ["/api/v1/images", "gpt-image-1", "image", 1],
    ["/api/v1/images", "gemini-2.5-flash-image", "image", 1],
  ]);
  // gpt-image-1 at 1024x1024 low: US$0.011; Gemini's: US$0.039.
  expect(rows.map((row) => row.cost)).toEqual([usdToMicro("0.011"), usdToMicro("0.039")]);
  // The Gemini edit sent the reference image inline before the prompt.
  const sent = gw.fakes.google.scripts.received.at(-1)!.body as {
    contents: { parts: { inlineData?: { data: string } }[] }[];
  };
  expect(sent.contents[0]!.parts[0]!.inlineData?.data).toBe(
    fakePng("the original").toString("base64"),
  );
});

test("embeddings, and the errors: a bad key is a 401, an empty account a 402", async () => {
  const { secret } = await openRouterCustomer(prisma);
  const embedded = await embed({
    model: provider(secret).textEmbeddingModel("openai/text-embedding-3-small"),
    value: "Hello",
  });
  expect(embedded.embedding.length).toBeGreaterThan(0);

  const unauthorized = await generateText({
    model: provider("gw-not-a-key")("openai/gpt-6.2-sol"),
    prompt: "x",
    maxRetries: 0,
  }).catch((error: unknown) => error);
  expect(APICallError.isInstance(unauthorized)).toBe(true);
  expect(unauthorized).toMatchObject({ statusCode: 401 });

  const broke = await createUser(prisma, { credits: 0 });
  const { secret: brokeSecret } = await createApiKey(prisma, broke.id);
  const payment = await generateText({
    model: provider(brokeSecret)("openai/gpt-6.2-sol"),
    prompt: "x",
    maxRetries: 0,
  }).catch((error: unknown) => error);
  expect(payment).toMatchObject({ statusCode: 402 });
  expect((payment as Error).message).toMatch(/credits/i);
});
