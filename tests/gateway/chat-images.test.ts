// Images from a chat model (ADR 073): `modalities: ["image", "text"]` in OpenRouter's shape,
// through the official openai client, served by the fake Gemini's image model. The image comes
// as OpenRouter sends it (`message.images`, `delta.images`: data URLs), its tokens billed at
// the route's image price and the text at the text price; a model that makes no images
// answers 400 without asking a provider; a request that does not ask gets text only.
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { beforeAll, expect, test } from "vitest";
import { fakePng } from "#scripts/fake-providers/images.ts";
import { CHAT_IMAGE_TOKENS } from "#scripts/fake-providers/gemini.ts";
import { costOfTokens, creditsToMicro, usdToMicro } from "../../app/utils/money.ts";
import { createCatalogEntry } from "../support/factories.ts";
import { accountReads, sdkCustomer } from "../support/sdk-customer.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness({ checkLedger: true, resetFakes: true });

// Gemini 2.5 Flash Image's prices per 1M tokens.
const PRICES = { input: usdToMicro("0.30"), output: usdToMicro("2.50"), image: usdToMicro("30") };
const USAGE = { input: 20, output: 5 };

beforeAll(async () => {
  const { mapping } = await createCatalogEntry(prisma, {
    modelSlug: "picture-chat",
    providerSlug: "google",
    upstreamModel: "picture-chat-upstream",
    usd: { input: "0.30", cachedInput: "0.03", output: "2.50" },
  });
  await prisma.modelProviderMapping.update({
    where: { id: mapping.id },
    data: {
      mediaPrices: { image_output_token: String(PRICES.image), image: { default: "39000" } },
    },
  });
  await createCatalogEntry(prisma, { modelSlug: "words-only", providerSlug: "google" });
});

const customer = (credits = 100) => sdkCustomer(prisma, harness.baseUrl, credits);
const { balanceOf } = accountReads(prisma);

const PROMPT = "Draw a lighthouse";
// `modalities` with "image" is OpenRouter's; the openai SDK types only OpenAI's values.
const askForImage = (model = "picture-chat") => ({
  model,
  max_completion_tokens: 2_000,
  messages: [{ role: "user" as const, content: PROMPT }],
  modalities: ["image", "text"] as unknown as ["text"],
});

const rowOf = (apiKeyId: string) => prisma.conversation.findFirstOrThrow({ where: { apiKeyId } });
const sentConfig = (index = 0) =>
  (
    harness.fakes.google.scripts.received[index]!.body as {
      generationConfig: { responseModalities?: string[] };
    }
  ).generationConfig;

/** The charge for text and one image: each kind rounded up on its own. */
const chargeFor = (textOutput: number) =>
  costOfTokens(USAGE.input, PRICES.input) +
  costOfTokens(textOutput, PRICES.output) +
  costOfTokens(CHAT_IMAGE_TOKENS, PRICES.image);

test("streamed: the text, then the image as a delta's data URL; image tokens at the image price", async () => {
  const who = await customer();
  harness.fakes.google.scripts.enqueue("picture-chat-upstream", {
    chunks: ["Here", " it is."],
    usage: USAGE,
  });
  const stream = await who.client.chat.completions.create({
    ...askForImage(),
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  const images: string[] = [];
  let usage: ChatCompletionChunk["usage"] = null;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta as
      { content?: string; images?: { type: string; image_url: { url: string } }[] } | undefined;
    text += delta?.content ?? "";
    for (const image of delta?.images ?? []) {
      expect(image.type).toBe("image_url");
      images.push(image.image_url.url);
    }
    if (chunk.usage) usage = chunk.usage;
  }
  expect(text).toBe("Here it is.");
  expect(images).toEqual([`data:image/png;base64,${fakePng(PROMPT).toString("base64")}`]);
  expect(sentConfig().responseModalities).toEqual(["TEXT", "IMAGE"]);
  expect(usage).toMatchObject({
    prompt_tokens: USAGE.input,
    completion_tokens: USAGE.output + CHAT_IMAGE_TOKENS,
  });

  const row = await rowOf(who.apiKey.id);
  console.log("chat image row:", {
    outputTokens: row.outputTokens,
    unit: row.unit,
    units: row.units,
    unitPrice: String(row.unitPrice),
    cost: String(row.cost),
    usageSource: row.usageSource,
  });
  expect(row).toMatchObject({
    status: "SUCCESS",
    usageSource: "REPORTED",
    inputTokens: USAGE.input,
    outputTokens: USAGE.output + CHAT_IMAGE_TOKENS,
    unit: "image_output_token",
    units: CHAT_IMAGE_TOKENS,
    unitPrice: PRICES.image,
  });
  // US$: 20 × 0.30 + 5 × 2.50 + 1,290 × 30 per 1M tokens = 0.0000185 + 0.0387.
  expect(row.cost).toBe(chargeFor(USAGE.output));
  expect(row.cost).toBe(usdToMicro("0.0387185"));
  expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - row.cost);
});

test("JSON: message.images beside the text, billed alike", async () => {
  const who = await customer();
  harness.fakes.google.scripts.enqueue("picture-chat-upstream", {
    text: "A lighthouse.",
    usage: USAGE,
  });
  const answer = await who.client.chat.completions.create(askForImage());
  const message = answer.choices[0]!.message as (typeof answer.choices)[0]["message"] & {
    images?: { type: string; image_url: { url: string } }[];
  };
  expect(message.content).toBe("A lighthouse.");
  expect(message.images).toEqual([
    {
      type: "image_url",
      image_url: { url: `data:image/png;base64,${fakePng(PROMPT).toString("base64")}` },
    },
  ]);
  const row = await rowOf(who.apiKey.id);
  expect(row).toMatchObject({ units: CHAT_IMAGE_TOKENS, usageSource: "REPORTED" });
  expect(row.cost).toBe(chargeFor(USAGE.output));
});

test("not asked for images: Gemini is told TEXT only and the answer has none", async () => {
  const who = await customer();
  harness.fakes.google.scripts.enqueue("picture-chat-upstream", { text: "Words.", usage: USAGE });
  const { modalities: _, ...plain } = askForImage();
  const answer = await who.client.chat.completions.create(plain);
  expect(sentConfig().responseModalities).toEqual(["TEXT"]);
  expect(answer.choices[0]!.message).not.toHaveProperty("images");
  const row = await rowOf(who.apiKey.id);
  expect(row).toMatchObject({ unit: null, units: null, outputTokens: USAGE.output });
  expect(row.cost).toBe(
    costOfTokens(USAGE.input, PRICES.input) + costOfTokens(USAGE.output, PRICES.output),
  );
});

test("the hold is sized at the image price: a balance that covers 2,000 text tokens but not 2,000 image tokens is refused", async () => {
  // 2,000 tokens: US$0.005 (0.5 credits) of text, US$0.06 (6 credits) of image.
  const who = await customer(2);
  await expect(who.client.chat.completions.create(askForImage())).rejects.toMatchObject({
    status: 402,
  });
  expect(harness.fakes.google.scripts.received).toHaveLength(0);
  expect(await balanceOf(who.user.id)).toBe(creditsToMicro(2));
});

test.each([
  [
    "a model that makes no images",
    askForImage("words-only"),
    "images_not_supported",
    /'words-only' does not answer with images/,
  ],
  [
    "audio answers",
    { ...askForImage(), modalities: ["audio", "text"] as unknown as ["text"] },
    undefined,
    /modalities.*audio answers are not served/,
  ],
  [
    "not a list",
    { ...askForImage(), modalities: "image" as unknown as ["text"] },
    undefined,
    /modalities/,
  ],
])("%s: 400 naming it, no provider asked, nothing charged", async (_, body, code, message) => {
  const who = await customer();
  const failure = await who.client.chat.completions.create(body).then(
    () => undefined,
    (error: unknown) => error as { status: number; code?: string; message: string },
  );
  expect(failure).toMatchObject({ status: 400, ...(code ? { code } : {}) });
  expect(failure!.message).toMatch(message);
  expect(harness.fakes.google.scripts.received).toHaveLength(0);
  expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100));
});

test("the Models listing says the model answers with images", async () => {
  const response = await fetch(`${harness.baseUrl}/api/v1/models`);
  const { data } = (await response.json()) as {
    data: { id: string; architecture: { output_modalities: string[] } }[];
  };
  const entry = data.find((model) => model.id.endsWith("/picture-chat"));
  expect(entry?.architecture.output_modalities).toEqual(["image", "text"]);
  const words = data.find((model) => model.id.endsWith("/words-only"));
  expect(words?.architecture.output_modalities).toEqual(["text"]);
});
