// OpenRouter's routing fields on chat completions: `models` falls back to
// other models before the first byte (billed and named as the model that
// answered), `provider` orders, filters and sorts a model's providers, and a
// model's `:floor` and `:nitro` variants sort them by price and by speed.
import OpenAI from "openai";
import { beforeAll, describe, expect, test } from "vitest";
import { costOfTokens, usdToMicro } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";
import { rebuildUsageDays } from "../../app/usage/usage-days.server.ts";

const { prisma, harness } = setupGatewayHarness({ checkLedger: true, resetFakes: true });

beforeAll(async () => {
  await createCatalogEntry(prisma, { modelSlug: "first-choice", upstreamModel: "first-up" });
  await createCatalogEntry(prisma, {
    modelSlug: "second-choice",
    providerSlug: "anthropic",
    upstreamModel: "second-up",
    usd: { input: "3.00", cachedInput: "0.30", output: "15.00" },
  });
  // One model, two providers: the dear one first in the catalog.
  await createCatalogEntry(prisma, {
    modelSlug: "two-ways",
    upstreamModel: "two-dear",
    usd: { input: "5.00", cachedInput: "0.50", output: "20.00" },
    priority: 0,
  });
  await createCatalogEntry(prisma, {
    modelSlug: "two-ways",
    providerSlug: "openai-backup",
    upstreamModel: "two-cheap",
    usd: { input: "1.00", cachedInput: "0.10", output: "2.00" },
    priority: 1,
  });
});

async function customer() {
  const user = await createUser(prisma, { credits: 100 });
  const { secret } = await createApiKey(prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  return { user, client };
}

// The fields are not in the SDK's types: they travel as extra body fields.
type Routed = OpenAI.ChatCompletionCreateParamsNonStreaming & Record<string, unknown>;
const ask = (fields: Record<string, unknown>): Routed => ({
  model: "first-choice",
  messages: [{ role: "user", content: "Hi" }],
  ...fields,
});

describe("models: fallback to other models", () => {
  test("the first model's provider fails: the next model answers, is named and billed", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("first-up", { status: 500 });
    harness.fakes.openai.scripts.enqueue("first-up", { status: 500 });
    harness.fakes.anthropic.scripts.enqueue("second-up", {
      text: "From the second.",
      usage: { input: 10, output: 4 },
    });
    const completion = await who.client.chat.completions.create(ask({ models: ["second-choice"] }));
    expect(completion.model).toBe("second-choice");
    expect(completion.choices[0]!.message.content).toBe("From the second.");
    const [row] = await prisma.conversation.findMany({ where: { userId: who.user.id } });
    expect(row).toMatchObject({
      modelSlug: "second-choice",
      providerSlug: "anthropic",
      upstreamModel: "second-up",
      status: "SUCCESS",
      cost: costOfTokens(10, usdToMicro("3.00")) + costOfTokens(4, usdToMicro("15.00")),
      // The request's page lists the calls that failed first: a retry, then the fallback.
      fallbacks: [
        { provider: "openai", code: "upstream_error" },
        { provider: "openai", code: "upstream_error" },
      ],
    });
  });

  test("the first model answers: the others are never called", async () => {
    const who = await customer();
    const completion = await who.client.chat.completions.create(ask({ models: ["second-choice"] }));
    expect(completion.model).toBe("first-choice");
    expect(harness.fakes.anthropic.scripts.received).toEqual([]);
    const [row] = await prisma.conversation.findMany({ where: { userId: who.user.id } });
    expect(row!.fallbacks).toBeNull();
  });

  test("an unknown fallback model is a 404 naming `models`, before any provider call", async () => {
    const who = await customer();
    const error = await who.client.chat.completions
      .create(ask({ models: ["no-such-model"] }))
      .catch((caught: InstanceType<typeof OpenAI.APIError>) => caught);
    expect(error).toMatchObject({ status: 404, param: "models" });
    expect(harness.fakes.openai.scripts.received).toEqual([]);
  });
});

describe("provider: preferences among a model's providers", () => {
  const served = async (provider: Record<string, unknown>) => {
    const who = await customer();
    await who.client.chat.completions.create(ask({ model: "two-ways", provider }));
    const [row] = await prisma.conversation.findMany({ where: { userId: who.user.id } });
    return row!.providerSlug;
  };

  test.each([
    [{}, "openai"],
    [{ order: ["openai-backup"] }, "openai-backup"],
    [{ only: ["openai-backup"] }, "openai-backup"],
    [{ ignore: ["openai"] }, "openai-backup"],
    [{ sort: "price" }, "openai-backup"],
    [{ sort: { by: "price" } }, "openai-backup"],
    [{ sort: "price", order: ["openai"] }, "openai"],
  ])("%o -> %s", async (preferences, provider) => {
    expect(await served(preferences)).toBe(provider);
  });

  test("allow_fallbacks: false tries only the first choice", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("two-dear", { status: 500 });
    harness.fakes.openai.scripts.enqueue("two-dear", { status: 500 });
    const error = await who.client.chat.completions
      .create(ask({ model: "two-ways", provider: { allow_fallbacks: false } }))
      .catch((caught: InstanceType<typeof OpenAI.APIError>) => caught);
    expect(error).toMatchObject({ status: 502 });
    expect(harness.fakes["openai-backup"].scripts.received).toEqual([]);
  });

  test("preferences that leave no provider are a 400 naming `provider`", async () => {
    const who = await customer();
    const error = await who.client.chat.completions
      .create(ask({ model: "two-ways", provider: { only: ["google"] } }))
      .catch((caught: InstanceType<typeof OpenAI.APIError>) => caught);
    expect(error).toMatchObject({ status: 400, param: "provider" });
  });

  test("an unknown sort is a 400", async () => {
    const who = await customer();
    const error = await who.client.chat.completions
      .create(ask({ model: "two-ways", provider: { sort: "fastest" } }))
      .catch((caught: InstanceType<typeof OpenAI.APIError>) => caught);
    expect(error).toMatchObject({ status: 400, param: "provider.sort" });
  });

  test("sort with partition none orders every model's providers together: a fallback model's cheaper one first", async () => {
    const who = await customer();
    const ask2 = { model: "second-choice", models: ["two-ways"] };
    const byModel = await who.client.chat.completions.create(
      ask({ ...ask2, provider: { sort: { by: "price" } } }),
    );
    expect(byModel.model).toBe("second-choice");
    const together = await who.client.chat.completions.create(
      ask({ ...ask2, provider: { sort: { by: "price", partition: "none" } } }),
    );
    expect(together.model).toBe("two-ways");
    const rows = await prisma.conversation.findMany({
      where: { userId: who.user.id },
      orderBy: { id: "asc" },
    });
    expect(rows.map((row) => row.providerSlug)).toEqual(["anthropic", "openai-backup"]);
  });

  test("the routing fields never reach the provider", async () => {
    await served({ order: ["openai"] });
    const body = harness.fakes.openai.scripts.received.at(-1)!.body as Record<string, unknown>;
    expect(body).not.toHaveProperty("provider");
    expect(body).not.toHaveProperty("models");
  });
});

describe("variants and speed: `:floor` is the cheapest provider first, `:nitro` the fastest", () => {
  // What the usage log says of the last minutes: the backup (second in the
  // catalog) streams "two-ways" at 200 tokens/s after 100 ms, the first at 20 tokens/s after 900 ms.
  beforeAll(async () => {
    const user = await createUser(prisma);
    const { apiKey } = await createApiKey(prisma, user.id);
    const mappings = await prisma.modelProviderMapping.findMany({
      where: { model: { slug: "two-ways" } },
      include: { provider: true },
    });
    for (const mapping of mappings) {
      const fast = mapping.provider.slug === "openai-backup";
      await prisma.conversation.createMany({
        data: Array.from({ length: 3 }, (_, i) => ({
          requestId: `req_speed_${mapping.provider.slug}_${i}`,
          userId: user.id,
          apiKeyId: apiKey.id,
          mappingId: mapping.id,
          modelSlug: "two-ways",
          providerSlug: mapping.provider.slug,
          upstreamModel: mapping.upstreamModel,
          endpoint: "/v1/chat/completions",
          stream: true,
          status: "SUCCESS" as const,
          usageSource: "REPORTED" as const,
          outputTokens: 200,
          cost: 0n,
          inputPrice: 0n,
          cachedInputPrice: 0n,
          outputPrice: 0n,
          timeToFirstTokenMs: fast ? 100 : 900,
          latencyMs: fast ? 1_100 : 10_900,
        })),
      });
    }
    await rebuildUsageDays(prisma, [user.id]);
  });

  const served = async (model: string, provider?: Record<string, unknown>) => {
    const who = await customer();
    const completion = await who.client.chat.completions.create(ask({ model, provider }));
    const [row] = await prisma.conversation.findMany({ where: { userId: who.user.id } });
    return { provider: row!.providerSlug, model: completion.model };
  };

  test.each([
    ["two-ways", undefined, "openai"],
    ["two-ways:floor", undefined, "openai-backup"],
    ["two-ways:nitro", undefined, "openai-backup"],
    ["two-ways", { sort: "throughput" }, "openai-backup"],
    ["two-ways", { sort: "latency" }, "openai-backup"],
    // An explicit order still comes first, as with OpenRouter.
    ["two-ways:nitro", { order: ["openai"] }, "openai"],
    // Unmeasured providers keep the catalog's order.
    ["first-choice:nitro", undefined, "openai"],
  ])("%s %o -> %s", async (model, provider, expected) => {
    const answer = await served(model, provider);
    expect(answer.provider).toBe(expected);
    // The answer names the model, not the variant.
    expect(answer.model).toBe(model.replace(/:.*$/, ""));
  });
});
