// Prices that keep up (ADR 069), on two gateway processes and one database: an
// admin runs a sync against a public catalog (OpenRouter's and models.dev's
// shapes, served here), sees the diff, approves it on the other instance; both
// instances then charge the new price, the usage rows before keep the old one,
// and every change is audited with the moment it took effect.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import { usdToMicro } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";
import { signedInCookie } from "../support/sign-in.ts";

const catalogs: Record<string, unknown> = {
  "/openrouter": {
    data: [
      {
        id: "openai/synced-model",
        name: "Synced",
        context_length: 128000,
        pricing: { prompt: "0.000002", completion: "0.000008", input_cache_read: "0.0000002" },
      },
      {
        id: "openai/new-model",
        name: "New",
        context_length: 64000,
        pricing: { prompt: "0.0000005", completion: "0.0000015" },
      },
      // No "anthropic" provider here: its models are not offered as new.
      { id: "anthropic/elsewhere", pricing: { prompt: "0.000001", completion: "0.000005" } },
    ],
  },
  "/models-dev": {
    openai: {
      id: "openai",
      models: {
        "synced-model": { id: "synced-model", cost: { input: 3, output: 12, cache_read: 0.3 } },
        "gone-model": { id: "gone-model", cost: { input: 1, output: 4 } },
      },
    },
  },
};
const catalogServer = createServer((request, response) => {
  const body = catalogs[request.url ?? ""];
  response.writeHead(body ? 200 : 404, { "content-type": "application/json" });
  response.end(JSON.stringify(body ?? { error: "no such catalog" }));
});
let catalogUrl = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => catalogServer.listen(0, "127.0.0.1", resolve));
  catalogUrl = `http://127.0.0.1:${(catalogServer.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => catalogServer.close(resolve)));

const { prisma, gateways } = setupGatewayProcesses({
  instances: 2,
  prepare: async (prisma) => {
    for (const slug of ["synced-model", "gone-model"])
      await createCatalogEntry(prisma, {
        modelSlug: slug,
        upstreamModel: `up-${slug}`,
        usd: { input: "1.00", cachedInput: "0.10", output: "4.00" },
      });
  },
  env: (fake) => ({
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: fake.baseUrl,
    LOG_LEVEL: "warn",
    SESSION_SECRET: "p".repeat(32),
  }),
  checkLedger: true,
});

test("a sync's diff, approved on the other instance, is charged by both; the rows before keep their prices", async () => {
  const admin = await createUser(prisma, { credits: 1 });
  await prisma.user.update({ where: { id: admin.id }, data: { role: "ADMIN" } });
  const cookie = await signedInCookie(gateways[0]!.baseUrl, admin.email);
  const call = (instance: number, path: string, body: unknown) =>
    fetch(`${gateways[instance]!.baseUrl}${path}`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: gateways[instance]!.baseUrl },
      body: JSON.stringify(body),
    });
  const user = await createUser(prisma, { credits: 50 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  const ask = (instance: number, model = "synced-model") =>
    new OpenAI({
      apiKey: secret,
      baseURL: `${gateways[instance]!.baseUrl}/v1`,
      maxRetries: 0,
    }).chat.completions.create({
      model,
      messages: [{ role: "user", content: "Hi" }],
      max_completion_tokens: 20,
    });
  await ask(1);

  const ran = await call(0, "/api/admin/prices/sync", { url: `${catalogUrl}/openrouter` });
  expect(ran.status).toBe(201);
  const { run } = (await ran.json()) as {
    run: {
      id: string;
      diff: {
        changed: { mappingId: number; model: string; after: object; changePercent: number }[];
        added: { openRouterId: string }[];
        removed: { mappingId: number; model: string }[];
      };
    };
  };
  expect(run.diff.changed).toEqual([
    expect.objectContaining({
      model: "synced-model",
      after: { input: "2.00", cachedInput: "0.20", cacheWrite: null, output: "8.00" },
      changePercent: 100,
    }),
  ]);
  expect(run.diff.added.map((model) => model.openRouterId)).toEqual(["openai/new-model"]);
  expect(run.diff.removed.map((route) => route.model)).toEqual(["gone-model"]);
  // Nothing changed before the approval.
  const synced = await prisma.modelProviderMapping.findFirstOrThrow({
    where: { model: { slug: "synced-model" } },
  });
  expect(synced.inputPrice).toBe(usdToMicro("1.00"));

  const apply = {
    changed: "all",
    added: ["openai/new-model"],
    removed: run.diff.removed.map((route) => route.mappingId),
  };
  const applied = await call(1, `/api/admin/prices/sync/${run.id}/apply`, apply);
  expect(applied.status).toBe(200);
  const appliedBody = await applied.json();
  console.log("price sync diff applied:", JSON.stringify({ diff: run.diff, applied: appliedBody }));
  expect(appliedBody).toEqual({ applied: { changed: 1, added: 1, removed: 1 } });
  expect((await call(0, `/api/admin/prices/sync/${run.id}/apply`, apply)).status).toBe(409);

  // Both instances charge the new price once the change has reached their catalogs.
  for (const instance of [0, 1])
    await expect
      .poll(async () => {
        await ask(instance);
        const [last] = await prisma.conversation.findMany({
          where: { apiKeyId: apiKey.id },
          orderBy: { id: "desc" },
          take: 1,
        });
        return last!.inputPrice;
      })
      .toBe(usdToMicro("2"));
  const rows = await prisma.conversation.findMany({
    where: { apiKeyId: apiKey.id },
    orderBy: { id: "asc" },
  });
  expect(rows[0]!.inputPrice).toBe(usdToMicro("1.00"));
  expect((await ask(0, "new-model")).choices[0]!.message.content).toBeTruthy();
  // Its only route is switched off: the model is still named, but nothing serves it.
  await expect
    .poll(() =>
      ask(1, "gone-model").then(
        () => 200,
        (error: { status: number }) => error.status,
      ),
    )
    .toBe(503);

  const history = await prisma.priceChange.findMany({ where: { syncRunId: run.id } });
  expect(history.map((change) => change.source)).toEqual(["price_sync", "price_sync"]);
  const audited = await prisma.auditEvent.findMany({
    where: {
      actorId: admin.id,
      action: { in: ["price_changed", "model_created", "model_changed"] },
    },
  });
  expect(audited.map((event) => event.action).sort()).toEqual([
    "model_changed",
    "model_created",
    "price_changed",
  ]);
});

test("models.dev's shape is read as well; a catalog that cannot be read is a 502 naming it", async () => {
  const admin = await createUser(prisma, { credits: 1 });
  await prisma.user.update({ where: { id: admin.id }, data: { role: "ADMIN" } });
  const cookie = await signedInCookie(gateways[1]!.baseUrl, admin.email);
  const sync = (url: string) =>
    fetch(`${gateways[1]!.baseUrl}/api/admin/prices/sync`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: gateways[1]!.baseUrl },
      body: JSON.stringify({ url }),
    });
  const ran = await sync(`${catalogUrl}/models-dev`);
  expect(ran.status).toBe(201);
  const { run } = (await ran.json()) as {
    run: { diff: { changed: { model: string; after: { input: string } }[] } };
  };
  expect(run.diff.changed.map((change) => [change.model, change.after.input])).toContainEqual([
    "synced-model",
    "3.00",
  ]);
  const missing = await sync(`${catalogUrl}/nothing`);
  expect(missing.status).toBe(502);
  expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
    "answered 404",
  );
});

test("a markup per provider, and a model's own over it: charged on both instances, the provider's cost recorded beside", async () => {
  const admin = await createUser(prisma, { credits: 1 });
  await prisma.user.update({ where: { id: admin.id }, data: { role: "ADMIN" } });
  const cookie = await signedInCookie(gateways[0]!.baseUrl, admin.email);
  const put = (path: string, body: unknown) =>
    fetch(`${gateways[0]!.baseUrl}${path}`, {
      method: "PUT",
      headers: { cookie, "content-type": "application/json", origin: gateways[0]!.baseUrl },
      body: JSON.stringify(body),
    });
  await createCatalogEntry(prisma, {
    modelSlug: "marked-model",
    usd: { input: "1.00", cachedInput: "0.10", output: "4.00" },
  });
  const user = await createUser(prisma, { credits: 50 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  const lastRow = async (instance: number) => {
    await new OpenAI({
      apiKey: secret,
      baseURL: `${gateways[instance]!.baseUrl}/v1`,
      maxRetries: 0,
    }).chat.completions.create({
      model: "marked-model",
      messages: [{ role: "user", content: "Hi" }],
    });
    const [row] = await prisma.conversation.findMany({
      where: { apiKeyId: apiKey.id },
      orderBy: { id: "desc" },
      take: 1,
    });
    return row!;
  };

  expect((await put("/api/admin/providers/openai", { markupPercent: 25 })).status).toBe(200);
  await expect.poll(async () => (await lastRow(1)).inputPrice).toBe(usdToMicro("1.25"));
  const marked = await lastRow(1);
  expect(marked.outputPrice).toBe(usdToMicro("5.00"));
  // The provider's own prices for the same tokens: the cost beside the charge.
  const providerCost =
    (BigInt(marked.inputTokens) * usdToMicro("1.00") + 999_999n) / 1_000_000n +
    (BigInt(marked.outputTokens) * usdToMicro("4.00") + 999_999n) / 1_000_000n;
  expect(marked.providerCost).toBe(providerCost);
  expect(marked.cost).toBeGreaterThan(providerCost);
  const listed = (await (await fetch(`${gateways[1]!.baseUrl}/api/models`)).json()) as {
    models: { slug: string; providers: { pricePerMillionTokens: { input: { usd: string } } }[] }[];
  };
  expect(
    listed.models.find((model) => model.slug === "marked-model")!.providers[0]!
      .pricePerMillionTokens.input.usd,
  ).toBe("$1.25");

  expect((await put("/api/admin/models/marked-model", { markupPerMillion: "0.50" })).status).toBe(
    200,
  );
  await expect.poll(async () => (await lastRow(0)).inputPrice).toBe(usdToMicro("1.50"));
  expect((await put("/api/admin/providers/openai", { markupPercent: null })).status).toBe(200);
  expect(
    (await prisma.provider.findUniqueOrThrow({ where: { slug: "openai" } })).markupBasisPoints,
  ).toBeNull();
});
