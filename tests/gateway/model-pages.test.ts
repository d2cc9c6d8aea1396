// A page per model (issue #28, part 2; ADR 071) on the production build: the
// page and GET /api/v1/models/<id> give a model's prices as charged (with its
// markup), its capabilities and each provider's 7- and 30-day numbers from
// seeded usage rows, exactly; unknown names are 404s (a page, OpenRouter's JSON);
// the endpoints route still answers; the Models list filters on the server.
import { expect, test } from "vitest";
import { usdToMicro } from "../../app/utils/money.ts";
import { createCatalogEntry } from "../support/factories.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";
import { EXPECTED, seedModelUsage } from "../support/model-usage.ts";

const { gateway } = setupGatewayProcesses({
  env: (fake) => ({ OPENAI_API_KEY: "sk-fake", OPENAI_BASE_URL: fake.baseUrl, LOG_LEVEL: "warn" }),
  prepare: async (prisma) => {
    // Served by openai (which has a key), then by "spare" (which has none): no usage there.
    const { mapping, model } = await createCatalogEntry(prisma, {
      modelSlug: "measured-model",
      usd: { input: "1.00", cachedInput: "0.10", output: "4.00" },
    });
    await createCatalogEntry(prisma, {
      modelSlug: "measured-model",
      providerSlug: "spare",
      priority: 1,
    });
    // A 10% markup: the page and the JSON give what a request is charged (ADR 069).
    await prisma.model.update({ where: { id: model.id }, data: { markupBasisPoints: 1000 } });
    await prisma.modelAlias.create({ data: { name: "measured-alias", modelId: model.id } });
    await prisma.modelProviderMapping.update({
      where: { id: mapping.id },
      data: { cacheWritePrice: usdToMicro("2.00") },
    });
    await seedModelUsage(prisma, {
      id: mapping.id,
      modelSlug: "measured-model",
      providerSlug: "openai",
    });
    await createCatalogEntry(prisma, {
      modelSlug: "quiet-model",
      usd: { input: "0.50", cachedInput: "0.05", output: "1.00" },
    });
    // An image model (ADR 072): priced per image, not per token.
    const image = await createCatalogEntry(prisma, {
      modelSlug: "picture-model",
      usd: { input: "0", cachedInput: "0", output: "0" },
      maxOutputTokens: 0,
    });
    await prisma.modelProviderMapping.update({
      where: { id: image.mapping.id },
      data: {
        mediaPrices: { image: { "1024x1024/low": "1100000", "1024x1024/high": "16700000" } },
      },
    });
  },
});

test("an image model says its price per image on the Models list and its page, not $0 per token", async () => {
  const list = await (await get("/models?q=picture")).text();
  expect(list).toContain("$0.011–$0.167 per image");
  const page = await (await get("/models/picture-model")).text();
  expect(page).toContain("$0.011–$0.167 per image");
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(gateway.baseUrl + path, { headers, redirect: "manual" });

const window = (numbers: (typeof EXPECTED)[7]) => ({
  requests: numbers.requests,
  errors: numbers.errors,
  error_rate: numbers.errorRate,
  latency_p50_ms: numbers.latencyP50Ms,
  first_token_p50_ms: numbers.firstTokenP50Ms,
});

test("GET /api/v1/models/<author>/<slug>: prices as charged, capabilities, and each provider's 7- and 30-day numbers", async () => {
  const response = await get("/api/v1/models/openai/measured-model");
  expect(response.status).toBe(200);
  const { data } = (await response.json()) as { data: Record<string, unknown> };
  console.log("GET /api/v1/models/openai/measured-model ->", JSON.stringify(data, null, 1));
  expect(data).toMatchObject({
    id: "openai/measured-model",
    slug: "measured-model",
    name: "measured-model",
    context_length: 128_000,
    capabilities: { tools: true, vision: true, json_mode: true, reasoning: true },
    // $1.00 + 10% per 1M tokens = US$0.0000011 per token.
    pricing: { prompt: "0.0000011", completion: "0.0000044", input_cache_read: "0.00000011" },
    links: {
      details: "/api/v1/models/openai/measured-model/endpoints",
      page: "/models/measured-model",
    },
  });
  expect(data.endpoints).toEqual([
    {
      provider_name: "OpenAI",
      tag: "openai",
      served: true,
      context_length: 128_000,
      max_completion_tokens: 16_384,
      pricing: {
        prompt: "0.0000011",
        completion: "0.0000044",
        input_cache_read: "0.00000011",
        input_cache_write: "0.0000022",
      },
      stats: { "7d": window(EXPECTED[7]), "30d": window(EXPECTED[30]) },
    },
    expect.objectContaining({
      tag: "spare",
      served: false,
      stats: {
        "7d": {
          requests: 0,
          errors: 0,
          error_rate: null,
          latency_p50_ms: null,
          first_token_p50_ms: null,
        },
        "30d": {
          requests: 0,
          errors: 0,
          error_rate: null,
          latency_p50_ms: null,
          first_token_p50_ms: null,
        },
      },
    }),
  ]);
  // By its slug alone: the same answer.
  const bySlug = await get("/api/v1/models/measured-model");
  expect(bySlug.status).toBe(200);
  expect(((await bySlug.json()) as { data: unknown }).data).toEqual(data);
});

test("a model without usage: zero requests, no medians, no error rate", async () => {
  const { data } = (await (await get("/api/v1/models/quiet-model")).json()) as {
    data: { endpoints: { stats: unknown }[] };
  };
  const none = {
    requests: 0,
    errors: 0,
    error_rate: null,
    latency_p50_ms: null,
    first_token_p50_ms: null,
  };
  expect(data.endpoints.map((endpoint) => endpoint.stats)).toEqual([{ "7d": none, "30d": none }]);
});

test("an unknown model: OpenRouter's 404 naming the closest; the endpoints route and the listing still answer", async () => {
  for (const path of ["/api/v1/models/openai/measured-modle", "/api/v1/models/measured-modle"]) {
    const response = await get(path);
    expect(response.status).toBe(404);
    const body = (await response.json()) as {
      error: { code: number; message: string; metadata: unknown };
    };
    expect(body.error).toMatchObject({
      code: 404,
      metadata: { error_type: "not_found", gateway_code: "model_not_found" },
    });
    expect(body.error.message).toMatch(/Did you mean '(openai\/)?measured-model'/);
  }
  const endpoints = await get("/api/v1/models/openai/measured-model/endpoints");
  expect(endpoints.status).toBe(200);
  const { data } = (await endpoints.json()) as {
    data: { endpoints: { tag: string; pricing: unknown }[] };
  };
  // Only the providers with a key, as before.
  expect(data.endpoints.map((endpoint) => endpoint.tag)).toEqual(["openai"]);
  expect(data.endpoints[0]!.pricing).toMatchObject({ prompt: "0.0000011" });
  expect((await get("/api/v1/models")).status).toBe(200);
  expect((await get("/api/v1/models/openai/measured-model/nothing")).status).toBe(404);
  expect(
    (await fetch(gateway.baseUrl + "/api/v1/models/measured-model", { method: "POST" })).status,
  ).toBe(405);
});

test("the page: by slug and by OpenRouter id, the numbers seeded; an unknown model is a 404 page", async () => {
  for (const path of ["/models/measured-model", "/models/openai/measured-model"]) {
    const response = await get(path);
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const text of [
      "200 ms",
      "20 ms",
      "25.0%",
      "300 ms",
      "30 ms",
      "33.3%",
      "$1.10",
      "$4.40",
      "$2.20",
    ])
      expect(html).toContain(text);
    expect(html).toContain('href="/dashboard/playground?models=measured-model"');
  }
  // Another name it answers to: its page's one address.
  for (const other of ["measured-alias", "measured-model:nitro"]) {
    const moved = await get(`/models/${other}`);
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe("/models/measured-model");
  }
  const unknown = await get("/models/no-such-model");
  expect(unknown.status).toBe(404);
  expect(await unknown.text()).toContain("Page not found");
  expect((await get("/models/openai/no-such-model")).status).toBe(404);
  // An OpenAI SDK without /v1 in its base URL retrieving a model: the JSON 404 that says so.
  const sdk = await get("/models/measured-model", { accept: "application/json" });
  expect(sdk.status).toBe(404);
  expect(await sdk.text()).toContain("/v1");
});

test("the Models list filters, searches and sorts on the server (no JavaScript needed)", async () => {
  const names = async (query: string) => {
    const html = await (await get(`/models?${query}`)).text();
    return [...html.matchAll(/href="\/models\/([^"]+)"/g)].map((match) => match[1]);
  };
  expect(await names("q=MEASURED")).toEqual(["measured-model"]);
  expect(await names("provider=spare")).toEqual(["measured-model"]);
  expect(await names("q=model&maxInput=0.5")).toEqual(["quiet-model"]);
  // The image model is priced per image: its $0 per token sorts first, no filter by token price keeps it.
  expect(await names("q=model&sort=input")).toEqual([
    "picture-model",
    "quiet-model",
    "measured-model",
  ]);
  expect(await names("q=model&sort=output")).toEqual([
    "picture-model",
    "quiet-model",
    "measured-model",
  ]);
  expect(await names("q=model&minContext=200000")).toEqual([]);
  // Unusable values are ignored, never an error page.
  const bad = await get("/models?maxInput=cheap&minContext=-1&sort=nope&capability=x");
  expect(bad.status).toBe(200);
});
