// POST /v1/images/generations (ADR 072) through the official openai client, served by the
// fake OpenAI (GPT image models) and the fake Gemini (an image model answering
// generateContent with image parts): the provider's images, b64_json or by URL, billed per
// image at the price of the size and quality made; every malformed request a 4xx that
// asks no provider; and many requests at once near an empty balance never overspend it.
import OpenAI, { toFile } from "openai";
import { beforeAll, describe, expect, test } from "vitest";
import { fakePng } from "#scripts/fake-providers/images.ts";
import { creditsToMicro, microToCredits, usdToMicro } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { accountReads, sdkCustomer } from "../support/sdk-customer.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness({ checkLedger: true, resetFakes: true });

const OPENAI_PRICES = {
  "1024x1024/low": "0.011",
  "1024x1024/medium": "0.042",
  "1024x1024/high": "0.167",
  "1024x1536/high": "0.25",
};
const micro = (prices: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(prices).map(([variant, usd]) => [variant, String(usdToMicro(usd))]),
  );

beforeAll(async () => {
  for (const [slug, provider, prices] of [
    ["image-openai", "openai", OPENAI_PRICES],
    ["image-google", "google", { default: "0.039" }],
  ] as const) {
    const { mapping } = await createCatalogEntry(prisma, {
      modelSlug: slug,
      providerSlug: provider,
      upstreamModel: `${slug}-upstream`,
      usd: { input: "0", cachedInput: "0", output: "0" },
      maxOutputTokens: 0,
    });
    await prisma.modelProviderMapping.update({
      where: { id: mapping.id },
      data: { mediaPrices: { image: micro(prices) } },
    });
  }
  await createCatalogEntry(prisma, { modelSlug: "chat-model" });
});

const customer = (credits = 100) => sdkCustomer(prisma, harness.baseUrl, credits);
const { balanceOf, rowsOf } = accountReads(prisma);

test("OpenAI: two images as b64_json, the provider's bytes, billed two × the size and quality's price", async () => {
  const who = await customer();
  const answer = await who.client.images
    .generate({
      model: "image-openai",
      prompt: "A lighthouse",
      n: 2,
      size: "1024x1536",
      quality: "high",
    })
    .withResponse();
  const { data } = answer;
  expect(data.data).toHaveLength(2);
  data.data!.forEach((image, index) =>
    expect(Buffer.from(image.b64_json!, "base64")).toEqual(fakePng(`A lighthouse#${index}`)),
  );
  expect(data).toMatchObject({ size: "1024x1536", quality: "high", output_format: "png" });
  const [row] = await rowsOf(who.apiKey.id);
  const unitPrice = usdToMicro("0.25");
  console.log("OpenAI images row:", {
    unit: row!.unit,
    units: row!.units,
    unitPrice: String(row!.unitPrice),
    cost: String(row!.cost),
  });
  expect(row).toMatchObject({
    status: "SUCCESS",
    endpoint: "/v1/images/generations",
    unit: "image",
    units: 2,
    unitPrice,
    cost: 2n * unitPrice,
    providerCost: 2n * unitPrice,
    usageSource: "REPORTED",
    inputTokens: 0,
    outputTokens: 0,
  });
  expect(answer.response.headers.get("x-gateway-cost-credits")).toBe(
    microToCredits(2n * unitPrice),
  );
  expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - 2n * unitPrice);
  expect(harness.fakes.openai.scripts.received[0]!.body).toMatchObject({
    model: "image-openai-upstream",
    prompt: "A lighthouse",
    n: 2,
    size: "1024x1536",
    quality: "high",
  });
});

test('"auto": held at the dearest variant, charged at what the provider says it made', async () => {
  const who = await customer();
  const held: bigint[] = [];
  // The hold is visible on the key while the provider works.
  let release!: () => void;
  harness.fakes.openai.scripts.enqueue("image-openai-upstream", {
    heldUntil: new Promise<void>((resolve) => (release = resolve)),
  });
  const asked = who.client.images.generate({ model: "image-openai", prompt: "A fox" });
  await expect
    .poll(
      async () =>
        (await prisma.apiKey.findUniqueOrThrow({ where: { id: who.apiKey.id } })).reserved,
    )
    .toBeGreaterThan(0n);
  held.push(
    (await prisma.creditHold.findFirstOrThrow({ where: { apiKeyId: who.apiKey.id } })).amount,
  );
  release();
  const answer = await asked;
  expect(answer).toMatchObject({ size: "1024x1024", quality: "medium" });
  const [row] = await rowsOf(who.apiKey.id);
  expect(held[0]).toBeGreaterThanOrEqual(usdToMicro("0.25"));
  expect(row).toMatchObject({
    units: 1,
    unitPrice: usdToMicro("0.042"),
    cost: usdToMicro("0.042"),
  });
});

test("by URL: the gateway serves the image for an hour, then answers 404", async () => {
  const who = await customer();
  const answer = await who.client.images.generate({
    model: "image-openai",
    prompt: "A harbour",
    size: "1024x1024",
    quality: "low",
    response_format: "url",
  });
  const url = answer.data![0]!.url!;
  expect(url).toMatch(new RegExp(`^${harness.baseUrl}/v1/images/files/[0-9a-f-]{36}$`));
  const fetched = await fetch(url);
  expect(fetched.status).toBe(200);
  expect(fetched.headers.get("content-type")).toBe("image/png");
  expect(Buffer.from(await fetched.arrayBuffer())).toEqual(fakePng("A harbour#0"));
  const id = url.split("/").pop()!;
  const kept = await prisma.generatedImage.findUniqueOrThrow({ where: { id } });
  expect(kept.accountId).toBe(who.user.id);
  await prisma.generatedImage.update({
    where: { id },
    data: { expiresAt: new Date(Date.now() - 1000) },
  });
  const expired = await fetch(url);
  expect(expired.status).toBe(404);
  expect((await expired.json()).error.code).toBe("image_not_found");
  expect((await fetch(`${harness.baseUrl}/v1/images/files/not-an-id`)).status).toBe(404);
});

test("Gemini: n images are n generateContent calls, each billed at the model's price per image", async () => {
  const who = await customer();
  const answer = await who.client.images.generate({
    model: "image-google",
    prompt: "A meadow",
    n: 2,
    size: "1536x1024",
  });
  expect(answer.data).toHaveLength(2);
  for (const image of answer.data!)
    expect(Buffer.from(image.b64_json!, "base64")).toEqual(fakePng("A meadow"));
  const calls = harness.fakes.google.scripts.received;
  expect(calls).toHaveLength(2);
  expect(calls[0]!.body).toMatchObject({
    generationConfig: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "3:2" } },
  });
  const [row] = await rowsOf(who.apiKey.id);
  expect(row).toMatchObject({
    providerSlug: "google",
    units: 2,
    unitPrice: usdToMicro("0.039"),
    cost: 2n * usdToMicro("0.039"),
  });
});

test("a provider that answers fewer images than asked is billed for those; a failed one for none", async () => {
  const who = await customer();
  harness.fakes.openai.scripts.enqueue("image-openai-upstream", { imagesAnswered: 1 });
  const fewer = await who.client.images.generate({
    model: "image-openai",
    prompt: "Three birds",
    n: 3,
    size: "1024x1024",
    quality: "low",
  });
  expect(fewer.data).toHaveLength(1);
  harness.fakes.openai.scripts.enqueue("image-openai-upstream", { status: 400 });
  const before = await balanceOf(who.user.id);
  await expect(
    who.client.images.generate({
      model: "image-openai",
      prompt: "No",
      size: "1024x1024",
      quality: "low",
    }),
  ).rejects.toMatchObject({ status: 400 });
  expect(await balanceOf(who.user.id)).toBe(before);
  const rows = await rowsOf(who.apiKey.id);
  expect(rows.map((row) => [row.status, row.units, row.cost])).toEqual([
    ["SUCCESS", 1, usdToMicro("0.011")],
    ["ERROR", 0, 0n],
  ]);
});

describe("malformed requests", () => {
  const CASES: [string, unknown, number, RegExp][] = [
    ["no prompt", { model: "image-openai" }, 400, /prompt/],
    ["an empty prompt", { model: "image-openai", prompt: "" }, 400, /prompt/],
    ["a prompt of a number", { model: "image-openai", prompt: 5 }, 400, /prompt/],
    [
      "a prompt over 32,000 characters",
      { model: "image-openai", prompt: "a".repeat(32_001) },
      400,
      /prompt/,
    ],
    ["no model", { prompt: "A cat" }, 400, /model/],
    ["an unknown model", { model: "image-nope", prompt: "A cat" }, 404, /image-nope/],
    ["a chat model", { model: "chat-model", prompt: "A cat" }, 400, /does not make images/],
    ["n 0", { model: "image-openai", prompt: "A cat", n: 0 }, 400, /\bn\b/],
    ["n 11", { model: "image-openai", prompt: "A cat", n: 11 }, 400, /\bn\b/],
    ["n a fraction", { model: "image-openai", prompt: "A cat", n: 1.5 }, 400, /\bn\b/],
    ["n a string", { model: "image-openai", prompt: "A cat", n: "2" }, 400, /\bn\b/],
    [
      "a size that is not a size",
      { model: "image-openai", prompt: "A cat", size: "big" },
      400,
      /size/,
    ],
    [
      "a size the model does not make",
      { model: "image-openai", prompt: "A cat", size: "512x512", quality: "low" },
      400,
      /512x512/,
    ],
    [
      "a quality that is not one",
      { model: "image-openai", prompt: "A cat", quality: "ultra" },
      400,
      /quality/,
    ],
    [
      "a response format that is not one",
      { model: "image-openai", prompt: "A cat", response_format: "xml" },
      400,
      /response_format/,
    ],
    [
      "an output format that is not one",
      { model: "image-openai", prompt: "A cat", output_format: "bmp" },
      400,
      /output_format/,
    ],
    [
      "a background that is not one",
      { model: "image-openai", prompt: "A cat", background: "red" },
      400,
      /background/,
    ],
    ["an unknown field", { model: "image-openai", prompt: "A cat", colour: "red" }, 400, /colour/],
    ["stream", { model: "image-openai", prompt: "A cat", stream: true }, 400, /stream/],
    [
      "compression over 100",
      { model: "image-openai", prompt: "A cat", output_compression: 101 },
      400,
      /output_compression/,
    ],
    ["an array body", [{ model: "image-openai", prompt: "A cat" }], 400, /JSON object/],
    ["a string body", "A cat", 400, /JSON object/],
  ];
  test.each(CASES)("%s: %i, naming it; no provider asked", async (_name, body, status, message) => {
    const who = await customer();
    const response = await fetch(`${harness.baseUrl}/v1/images/generations`, {
      method: "POST",
      headers: { authorization: `Bearer ${who.secret}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(status);
    const error = (await response.json()) as { error: { message: string; param?: string } };
    expect(`${error.error.message} ${error.error.param ?? ""}`).toMatch(message);
    expect(harness.fakes.openai.scripts.received).toHaveLength(0);
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100));
  });

  test.each([
    ["not JSON", "application/json", "{", 400],
    ["not JSON's content type", "text/plain", '{"model":"image-openai","prompt":"A cat"}', 415],
  ] as const)("a body %s: %i", async (_name, type, body, status) => {
    const who = await customer();
    const response = await fetch(`${harness.baseUrl}/v1/images/generations`, {
      method: "POST",
      headers: { authorization: `Bearer ${who.secret}`, "content-type": type },
      body,
    });
    expect(response.status).toBe(status);
    expect((await response.json()).error.message).toBeTruthy();
  });

  test("no key: 401; a chat request to an image model: 400 saying where to send it", async () => {
    const response = await fetch(`${harness.baseUrl}/v1/images/generations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "image-openai", prompt: "A cat" }),
    });
    expect(response.status).toBe(401);
    const who = await customer();
    await expect(
      who.client.chat.completions.create({
        model: "image-openai",
        messages: [{ role: "user", content: "Hi" }],
      }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("/v1/images/generations"),
    });
    expect(harness.fakes.openai.scripts.received).toHaveLength(0);
  });
});

test("30 requests at once on a balance that covers 5 images: exactly 5 are made and billed, the rest 402", async () => {
  const price = usdToMicro("0.25");
  // 125 credits: US$1.25, five images at US$0.25.
  const user = await createUser(prisma, { credits: 125 });
  expect(user.balance).toBe(5n * price);
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  const answers = await Promise.allSettled(
    Array.from({ length: 30 }, (_, i) =>
      client.images.generate({
        model: "image-openai",
        prompt: `Tile ${i}`,
        size: "1024x1536",
        quality: "high",
      }),
    ),
  );
  const made = answers.filter((answer) => answer.status === "fulfilled").length;
  const refused = answers.flatMap((answer) =>
    answer.status === "rejected" ? [(answer.reason as { status: number }).status] : [],
  );
  console.log(
    `near an empty balance: ${made} made, refused ${JSON.stringify([...new Set(refused)])} × ${refused.length}`,
  );
  expect(made).toBe(5);
  expect(refused).toEqual(Array(25).fill(402));
  const rows = await rowsOf(apiKey.id);
  expect(rows.filter((row) => row.status === "SUCCESS")).toHaveLength(5);
  expect(rows.reduce((sum, row) => sum + row.cost, 0n)).toBe(5n * price);
  expect(await balanceOf(user.id)).toBe(0n);
});

describe("edits", () => {
  const png = (seed: string) => new Uint8Array(fakePng(seed));

  test("OpenAI: two images and a mask through the SDK's multipart, billed per image made", async () => {
    const who = await customer();
    const answer = await who.client.images.edit({
      model: "image-openai",
      prompt: "Add a boat",
      image: [await toFile(png("a"), "a.png"), await toFile(png("b"), "b.png")],
      mask: await toFile(png("mask"), "mask.png"),
      size: "1024x1024",
      quality: "high",
    });
    // The fake's image says what it was asked: the prompt and the two images it started from.
    expect(Buffer.from(answer.data![0]!.b64_json!, "base64")).toEqual(
      fakePng("Add a boat (edit of 2)#0"),
    );
    const [row] = await rowsOf(who.apiKey.id);
    expect(row).toMatchObject({
      endpoint: "/v1/images/edits",
      unit: "image",
      units: 1,
      cost: usdToMicro("0.167"),
    });
    expect(harness.fakes.openai.scripts.received[0]!.path).toBe("/v1/images/edits");
  });

  test("Gemini: the images go along as inline parts before the prompt", async () => {
    const who = await customer();
    const answer = await who.client.images.edit({
      model: "image-google",
      prompt: "Make it night",
      image: await toFile(png("day"), "day.png"),
    });
    expect(answer.data).toHaveLength(1);
    const sent = harness.fakes.google.scripts.received[0]!.body as {
      contents: { parts: { inlineData?: { mimeType: string; data: string }; text?: string }[] }[];
    };
    expect(sent.contents[0]!.parts).toEqual([
      { inlineData: { mimeType: "image/png", data: Buffer.from(png("day")).toString("base64") } },
      { text: "Make it night" },
    ]);
    const [row] = await rowsOf(who.apiKey.id);
    expect(row).toMatchObject({ units: 1, cost: usdToMicro("0.039") });
  });

  const form = (fields: Record<string, string>, images: Blob[] = [new Blob([png("x")])]) => {
    const body = new FormData();
    for (const image of images) body.append("image[]", image, "x.png");
    for (const [name, value] of Object.entries({
      model: "image-openai",
      prompt: "Edit",
      ...fields,
    }))
      body.append(name, value);
    return body;
  };
  const EDIT_CASES: [string, () => FormData | string, string | undefined, number, RegExp][] = [
    ["no image", () => form({}, []), undefined, 400, /image is required/],
    ["an empty image", () => form({}, [new Blob([])]), undefined, 400, /empty/],
    [
      "text instead of an image",
      () => form({}, [new Blob(["not an image"])]),
      undefined,
      415,
      /not a PNG/,
    ],
    ["a GIF", () => form({}, [new Blob(["GIF89a...."])]), undefined, 415, /not a PNG/],
    [
      "an image over 16 MB",
      () => form({}, [new Blob([png("x"), new Uint8Array(16 * 1024 * 1024)])]),
      undefined,
      413,
      /16 MB/,
    ],
    [
      "17 images",
      () =>
        form(
          {},
          Array.from({ length: 17 }, () => new Blob([png("x")])),
        ),
      undefined,
      400,
      /At most 16/,
    ],
    [
      "a JPEG mask",
      () => {
        const f = form({});
        f.set("mask", new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])]), "m.jpg");
        return f;
      },
      undefined,
      400,
      /mask must be a PNG/,
    ],
    [
      "a mask that is text",
      () => {
        const f = form({});
        f.set("mask", "yes");
        return f;
      },
      undefined,
      400,
      /mask must be a file/,
    ],
    [
      "no prompt",
      () => {
        const f = form({});
        f.delete("prompt");
        return f;
      },
      undefined,
      400,
      /prompt/,
    ],
    ["n of words", () => form({ n: "two" }), undefined, 400, /\bn\b/],
    ["n 11", () => form({ n: "11" }), undefined, 400, /\bn\b/],
    ["a quality that is not one", () => form({ quality: "ultra" }), undefined, 400, /quality/],
    ["an unknown field", () => form({ colour: "red" }), undefined, 400, /colour/],
    [
      "the prompt twice",
      () => {
        const f = form({});
        f.append("prompt", "again");
        return f;
      },
      undefined,
      400,
      /twice/,
    ],
    ["a chat model", () => form({ model: "chat-model" }), undefined, 400, /does not make images/],
    [
      "JSON instead of a form",
      () => JSON.stringify({ model: "image-openai", prompt: "Edit" }),
      "application/json",
      415,
      /multipart/,
    ],
  ];
  test.each(EDIT_CASES)(
    "%s: a 4xx naming it, no provider asked",
    async (_name, body, type, status, message) => {
      const who = await customer();
      const response = await fetch(`${harness.baseUrl}/v1/images/edits`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${who.secret}`,
          ...(type ? { "content-type": type } : {}),
        },
        body: body(),
      });
      expect(response.status).toBe(status);
      const { error } = (await response.json()) as { error: { message: string; param?: string } };
      expect(`${error.message} ${error.param ?? ""}`).toMatch(message);
      expect(harness.fakes.openai.scripts.received).toHaveLength(0);
      expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100));
    },
  );
});

describe("OpenRouter's images (POST /api/v1/images, ADR 076)", () => {
  const post = (secret: string, body: unknown) =>
    fetch(`${harness.baseUrl}/api/v1/images`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const dataUrl = (bytes: Buffer) => `data:image/png;base64,${bytes.toString("base64")}`;

  test("an aspect ratio is the size it is made at; its shape and cost are OpenRouter's", async () => {
    const who = await customer();
    const response = await post(who.secret, {
      model: "image-openai",
      prompt: "A lighthouse",
      aspect_ratio: "2:3",
      quality: "high",
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data: { b64_json: string; media_type: string }[];
      usage: { cost: number; prompt_tokens: number };
    };
    expect(body.data).toEqual([
      { b64_json: fakePng("A lighthouse#0").toString("base64"), media_type: "image/png" },
    ]);
    const sent = harness.fakes.openai.scripts.received[0]!.body as Record<string, unknown>;
    expect(sent).toMatchObject({ size: "1024x1536", quality: "high" });
    const [row] = await rowsOf(who.apiKey.id);
    expect(row).toMatchObject({ endpoint: "/api/v1/images", unit: "image", units: 1 });
    expect(row!.cost).toBe(usdToMicro("0.25"));
    expect(body.usage).toMatchObject({ prompt_tokens: 0, cost: 0.25 });
  });

  test("reference images make it an edit: Gemini gets them inline before the prompt", async () => {
    const who = await customer();
    const original = fakePng("the original");
    const response = await post(who.secret, {
      model: "image-google",
      prompt: "Paint it red",
      input_references: [{ type: "image_url", image_url: { url: dataUrl(original) } }],
    });
    expect(response.status).toBe(200);
    const sent = harness.fakes.google.scripts.received[0]!.body as {
      contents: { parts: { inlineData?: { data: string }; text?: string }[] }[];
    };
    expect(sent.contents[0]!.parts[0]!.inlineData?.data).toBe(original.toString("base64"));
    const [row] = await rowsOf(who.apiKey.id);
    expect(row!.cost).toBe(usdToMicro("0.039"));
  });

  const reference = (url: string) => [{ type: "image_url", image_url: { url } }];
  const CASES: [string, Record<string, unknown>, number, RegExp][] = [
    ["no prompt", { model: "image-openai" }, 400, /prompt/],
    ["an unknown model", { model: "image-nope", prompt: "A cat" }, 404, /image-nope/],
    ["n 11", { model: "image-openai", prompt: "A cat", n: 11 }, 400, /\bn\b/],
    [
      "a quality that is not one",
      { model: "image-openai", prompt: "A cat", quality: "ultra" },
      400,
      /quality/,
    ],
    [
      "an aspect ratio these models do not make",
      { model: "image-openai", prompt: "A cat", aspect_ratio: "16:9" },
      400,
      /aspect_ratio/,
    ],
    [
      "a size that is not its aspect ratio",
      { model: "image-openai", prompt: "A cat", size: "1024x1024", aspect_ratio: "3:2" },
      400,
      /size/,
    ],
    [
      "a resolution over 1K",
      { model: "image-openai", prompt: "A cat", resolution: "4K" },
      400,
      /resolution/,
    ],
    ["a seed", { model: "image-openai", prompt: "A cat", seed: 7 }, 400, /seed/],
    ["svg", { model: "image-openai", prompt: "A cat", output_format: "svg" }, 400, /svg/],
    ["stream", { model: "image-openai", prompt: "A cat", stream: true }, 400, /stream/],
    ["an unknown field", { model: "image-openai", prompt: "A cat", colour: "red" }, 400, /colour/],
    [
      "a reference by http URL",
      {
        model: "image-openai",
        prompt: "A cat",
        input_references: reference("https://example.com/cat.png"),
      },
      400,
      /data URL/,
    ],
    [
      "a reference that is not an image",
      {
        model: "image-openai",
        prompt: "A cat",
        input_references: reference(
          `data:image/png;base64,${Buffer.from("not an image").toString("base64")}`,
        ),
      },
      415,
      /PNG, JPEG or WebP/,
    ],
    [
      // Base64 of 16 MB is over the body's own 20 MB: the body limit answers first.
      "a reference over 16 MB",
      {
        model: "image-openai",
        prompt: "A cat",
        input_references: reference(`data:image/png;base64,${"A".repeat(23_000_000)}`),
      },
      413,
      /larger than 20 MB/,
    ],
    [
      "17 references",
      {
        model: "image-openai",
        prompt: "A cat",
        input_references: Array.from({ length: 17 }, () => reference(dataUrl(fakePng("x")))[0]),
      },
      400,
      /16/,
    ],
    [
      "a reference of the wrong type",
      { model: "image-openai", prompt: "A cat", input_references: [{ type: "file", file: {} }] },
      400,
      /input_references/,
    ],
  ];
  test.each(CASES)(
    "%s: a 4xx in OpenRouter's shape, naming it; no provider asked",
    async (_name, body, status, message) => {
      const who = await customer();
      const response = await post(who.secret, body);
      expect(response.status).toBe(status);
      const error = (await response.json()) as { error: { code: number; message: string } };
      expect(error.error.code).toBe(status);
      expect(error.error.message).toMatch(message);
      expect(harness.fakes.openai.scripts.received).toHaveLength(0);
      expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100));
    },
  );
});
