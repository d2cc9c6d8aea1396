// Admins edit prices and switch mappings; every gateway instance charges the
// new prices from the next request on (catalog change notifications).
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getAccounts } from "../../app/accounts/accounts.server.ts";
import { startSession } from "../../app/accounts/session.server.ts";
import { closeGateway } from "../../app/gateway/gateway-instance.server.ts";
import * as admin from "../../app/routes/dashboard.admin.tsx";
import * as modelPage from "../../app/routes/dashboard.admin.models.$slug.tsx";
import * as providers from "../../app/routes/dashboard.admin.providers.tsx";
import { usdToMicro } from "../../app/utils/money.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startGatewayHarness, type GatewayHarness } from "../support/gateway-harness.ts";

const db = setupTestDatabase();
const BASE = "http://gateway.test";
const args = (request: Request) => ({ request, params: {}, context: {} }) as never;
let harness: GatewayHarness;
let mappingId: number;

beforeAll(async () => {
  process.env.DATABASE_URL = db.url;
  process.env.SESSION_SECRET = "admin-test-secret".padEnd(40, "x");
  harness = await startGatewayHarness(db.url);
  mappingId = (
    await createCatalogEntry(getAccounts().prisma, {
      modelSlug: "priced",
      usd: { input: "1.00", cachedInput: "0.10", output: "4.00" },
    })
  ).mapping.id;
});
afterAll(async () => {
  // The providers page's test call runs on the process's own gateway.
  await closeGateway();
  await harness.close();
  await getAccounts().prisma.$disconnect();
});

async function cookieFor(role: "ADMIN" | "USER") {
  const user = await createUser(getAccounts().prisma, { role, credits: 100 });
  return {
    user,
    cookie: (await startSession(getAccounts(), new Request(BASE), user.id)).split(";")[0]!,
  };
}

const save = (cookie: string, fields: Record<string, string>) =>
  admin.action(
    args(
      new Request(`${BASE}/dashboard/admin`, {
        method: "POST",
        body: new URLSearchParams(fields),
        headers: { cookie },
      }),
    ),
  );

/** The model page's form as the browser sends it: the limits and its one route's prices. */
const editModel = (cookie: string, fields: Record<string, string>, slug = "priced") =>
  modelPage.action({
    request: new Request(`${BASE}/dashboard/admin/models/${slug}`, {
      method: "POST",
      body: new URLSearchParams({
        contextLength: "128000",
        maxOutputTokens: "16384",
        "routes[0].id": String(mappingId),
        "routes[0].inputPrice": "1.00",
        "routes[0].cachedInputPrice": "0.10",
        "routes[0].outputPrice": "4.00",
        "routes[0].enabled": "on",
        ...fields,
      }),
      headers: { cookie },
    }),
    params: { slug },
    context: {},
  } as never) as Promise<{ init?: { status?: number }; data?: { result: unknown } } & object>;

async function status(fn: () => Promise<unknown>) {
  try {
    await fn();
    return 200;
  } catch (error) {
    return (error as { init?: { status?: number } }).init?.status ?? (error as Response).status;
  }
}

test("only admins may open or use the admin page and a model's page", async () => {
  const { cookie } = await cookieFor("USER");
  expect(
    await status(() =>
      admin.loader(args(new Request(`${BASE}/dashboard/admin`, { headers: { cookie } }))),
    ),
  ).toBe(403);
  expect(
    await status(() =>
      modelPage.loader({
        request: new Request(`${BASE}/dashboard/admin/models/priced`, { headers: { cookie } }),
        params: { slug: "priced" },
        context: {},
      } as never),
    ),
  ).toBe(403);
  expect(await status(() => editModel(cookie, { "routes[0].inputPrice": "0" }))).toBe(403);
});

test("the models table lists each model with its routes, prices and limits; the search filters it", async () => {
  const { cookie } = await cookieFor("ADMIN");
  const page = await admin.loader(
    args(new Request(`${BASE}/dashboard/admin`, { headers: { cookie } })),
  );
  expect(page.models.find((model) => model.slug === "priced")).toMatchObject({
    contextLength: 128_000,
    routes: [{ id: mappingId, inputPrice: "$1.00", outputPrice: "$4.00", enabled: true }],
  });
  const found = await admin.loader(
    args(new Request(`${BASE}/dashboard/admin?q=PRIC`, { headers: { cookie } })),
  );
  expect(found.models.map((model) => model.slug)).toEqual(["priced"]);
  const none = await admin.loader(
    args(new Request(`${BASE}/dashboard/admin?q=nothing-like-it`, { headers: { cookie } })),
  );
  expect(none.models).toEqual([]);
  // The alias form still suggests every model.
  expect(none.modelSlugs).toContain("priced");
  // An unknown model's page is a 404; the old price rows of the admin page are gone (400).
  expect(
    await status(() =>
      modelPage.loader({
        request: new Request(`${BASE}/dashboard/admin/models/nope`, { headers: { cookie } }),
        params: { slug: "nope" },
        context: {},
      } as never),
    ),
  ).toBe(404);
  const old = (await save(cookie, {
    id: String(mappingId),
    inputPrice: "1",
    cachedInputPrice: "0.1",
    outputPrice: "4",
  })) as { init?: { status?: number } };
  expect(old.init?.status).toBe(400);
});

test("a bad price is refused beside its field", async () => {
  const { cookie } = await cookieFor("ADMIN");
  const result = await editModel(cookie, { "routes[0].inputPrice": "1,5" });
  expect(result.init?.status).toBe(400);
  expect(JSON.stringify(result.data?.result)).toContain(
    '"routes[0].inputPrice":["Enter dollars per 1M tokens',
  );
});

test.each([
  ["routes[0].outputPrice", { "routes[0].outputPrice": "99999999999999999999" }],
  ["routes[0].id", { "routes[0].id": "99999999999" }],
  ["contextLength", { contextLength: "1e12" }],
])("a number too large for its column is refused naming the field (%s)", async (field, change) => {
  const { cookie } = await cookieFor("ADMIN");
  const result = await editModel(cookie, change);
  expect(result.init?.status).toBe(400);
  expect(Object.keys((result.data?.result as { error: object }).error)).toContain(field);
});

test("a route of another model is refused, nothing written", async () => {
  const { cookie } = await cookieFor("ADMIN");
  const other = await createCatalogEntry(getAccounts().prisma, { modelSlug: "second-model" });
  const result = await editModel(cookie, {
    "routes[0].id": String(other.mapping.id),
    "routes[0].inputPrice": "9",
  });
  expect(result.init?.status).toBe(400);
  expect(JSON.stringify(result.data?.result)).toContain("is not one of priced's");
  expect(
    (
      await getAccounts().prisma.modelProviderMapping.findUniqueOrThrow({
        where: { id: other.mapping.id },
      })
    ).inputPrice,
  ).toBe(usdToMicro("1.00"));
});

test("a new price is stored exactly and charged from the next request on", async () => {
  const { cookie } = await cookieFor("ADMIN");
  const { user } = await cookieFor("USER");
  const { secret } = await createApiKey(getAccounts().prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  const ask = () =>
    client.chat.completions.create({
      model: "priced",
      messages: [{ role: "user", content: "Hi" }],
      max_completion_tokens: 20,
    });
  await ask(); // the gateway has the catalog cached now

  const saved = await editModel(cookie, {
    "routes[0].inputPrice": "1.25",
    "routes[0].cachedInputPrice": "0.125",
    "routes[0].outputPrice": "6.5",
  });
  expect(JSON.stringify(saved)).toContain("Saved priced");
  const stored = await getAccounts().prisma.modelProviderMapping.findUniqueOrThrow({
    where: { id: mappingId },
  });
  expect(stored).toMatchObject({
    inputPrice: usdToMicro("1.25"),
    cachedInputPrice: usdToMicro("0.125"),
    outputPrice: usdToMicro("6.5"),
    enabled: true,
  });

  await new Promise((resolve) => setTimeout(resolve, 200)); // the notification crosses a connection
  await ask();
  const rows = await getAccounts().prisma.conversation.findMany({
    where: { userId: user.id },
    orderBy: { id: "asc" },
  });
  expect(rows.map((row) => row.outputPrice)).toEqual([usdToMicro("4.00"), usdToMicro("6.5")]);

  // Unticked: the route is switched off, and the model has no other.
  const { "routes[0].enabled": _, ...unticked } = {
    "routes[0].inputPrice": "1.25",
    "routes[0].cachedInputPrice": "0.125",
    "routes[0].outputPrice": "6.5",
    "routes[0].enabled": "",
  };
  await modelPage.action({
    request: new Request(`${BASE}/dashboard/admin/models/priced`, {
      method: "POST",
      body: new URLSearchParams({
        contextLength: "128000",
        maxOutputTokens: "16384",
        "routes[0].id": String(mappingId),
        ...unticked,
      }),
      headers: { cookie },
    }),
    params: { slug: "priced" },
    context: {},
  } as never);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const disabled = await ask().catch((error: { status?: number }) => error.status);
  expect(disabled).toBe(503);

  // Both edits are in the admin page's audit log, newest first; a save that changes nothing is not.
  await editModel(cookie, {
    "routes[0].inputPrice": "1.25",
    "routes[0].cachedInputPrice": "0.125",
    "routes[0].outputPrice": "6.5",
  });
  const audited = await admin.loader(
    args(new Request(`${BASE}/dashboard/admin`, { headers: { cookie } })),
  );
  expect(audited.auditEvents.slice(0, 3)).toEqual([
    expect.objectContaining({ action: "price_changed", subject: String(mappingId) }),
    expect.objectContaining({ action: "price_changed", subject: String(mappingId) }),
    expect.objectContaining({ action: "price_changed", subject: String(mappingId) }),
  ]);
  expect(audited.auditEvents[0]!.actor).toMatch(/@/);
  expect(
    await getAccounts().prisma.auditEvent.count({
      where: { action: "price_changed", subject: String(mappingId) },
    }),
  ).toBe(3);
});

test("a model's limits: saved, refused above the context, and enforced by the gateway at once", async () => {
  const { cookie } = await cookieFor("ADMIN");
  const tooLong = await editModel(cookie, { contextLength: "1000", maxOutputTokens: "2000" });
  expect(tooLong.init?.status).toBe(400);
  expect(JSON.stringify(tooLong.data?.result)).toContain(
    '"maxOutputTokens":["At most the context length"]',
  );
  const saved = await editModel(cookie, { contextLength: "64000", maxOutputTokens: "4096" });
  expect(JSON.stringify(saved)).toContain("Saved priced");
  expect(
    await getAccounts().prisma.model.findUniqueOrThrow({ where: { slug: "priced" } }),
  ).toMatchObject({ contextLength: 64_000, maxOutputTokens: 4096 });
  // The gateway's catalog reloads: more output than the new limit is refused.
  const { user } = await cookieFor("USER");
  const { secret } = await createApiKey(getAccounts().prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  await expect
    .poll(async () =>
      client.chat.completions
        .create({ model: "priced", messages: [{ role: "user", content: "Hi" }], max_tokens: 8000 })
        .then(
          () => 200,
          (error: { status?: number }) => error.status,
        ),
    )
    .toBe(400);
  expect(
    await getAccounts().prisma.auditEvent.count({
      where: { action: "model_changed", subject: "priced" },
    }),
  ).toBe(1);
  // Back as it was, for the tests that follow.
  await editModel(cookie, {});
});

test("an admin grants credits: recorded with the admin's id and reason, once per form; others get 403", async () => {
  const { cookie, user: adminUser } = await cookieFor("ADMIN");
  const { user: someone, cookie: userCookie } = await cookieFor("USER");
  const page = await admin.loader(
    args(new Request(`${BASE}/dashboard/admin`, { headers: { cookie } })),
  );
  const form = {
    intent: "grant",
    token: page.grantToken,
    email: someone.email.toUpperCase(),
    credits: "500",
    note: "conference voucher",
  };
  const results = await Promise.all([save(cookie, form), save(cookie, form)]);
  expect(JSON.stringify(results)).toContain(`Granted 500.00 credits ($5.00) to ${someone.email}`);
  const rows = await getAccounts().prisma.onrampTransaction.findMany({
    where: { userId: someone.id, source: "GRANT" },
  });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    amount: 500_000_000n,
    grantedBy: adminUser.id,
    note: "conference voucher",
  });
  expect(
    (await getAccounts().prisma.user.findUniqueOrThrow({ where: { id: someone.id } })).balance,
  ).toBe(600_000_000n);
  expect(
    await getAccounts().prisma.auditEvent.count({
      where: { action: "credits_granted", actorId: adminUser.id, subject: someone.id },
    }),
  ).toBe(1);
  const nobody = await save(cookie, { ...form, token: crypto.randomUUID(), email: "no@one.test" });
  expect(JSON.stringify(nobody)).toContain("No user has the email no@one.test");
  const bad = await save(cookie, { ...form, token: crypto.randomUUID(), credits: "0" });
  expect(JSON.stringify(bad)).toContain("At least 1 credit");
  expect(await status(() => save(userCookie, { ...form, token: crypto.randomUUID() }))).toBe(403);
});

describe("the providers page", () => {
  const post = (cookie: string, fields: Record<string, string>) =>
    providers.action(
      args(
        new Request(`${BASE}/dashboard/admin/providers`, {
          method: "POST",
          body: new URLSearchParams(fields),
          headers: { cookie },
        }),
      ),
    ) as Promise<{ ok?: boolean; message?: string; data?: { ok: boolean; message: string } }>;
  const outcome = (result: Awaited<ReturnType<typeof post>>) => result.data ?? result;

  test("admins add a compatible provider and a key, test it, and switch the key off; others get 403", async () => {
    const { cookie } = await cookieFor("ADMIN");
    const fake = harness.fakes.openai;
    expect(
      outcome(
        await post(cookie, {
          intent: "create",
          slug: "page-compat",
          kind: "openai-compatible",
          baseUrl: fake.baseUrl,
          apiKey: "sk-page-0123456789",
          streamUsage: "on",
        }),
      ),
    ).toMatchObject({ ok: true, message: "Provider page-compat added." });
    const provider = await getAccounts().prisma.provider.findUniqueOrThrow({
      where: { slug: "page-compat" },
      include: { keys: true },
    });
    expect(provider).toMatchObject({
      kind: "openai-compatible",
      baseUrl: fake.baseUrl,
      streamUsage: true,
    });
    expect(provider.keys[0]!.secret).not.toContain("sk-page-0123456789");

    // Testing needs a model it serves: one cheap call through its key.
    expect(outcome(await post(cookie, { intent: "test", slug: "page-compat" }))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/serves no model yet/),
    });
    await getAccounts().prisma.modelProviderMapping.create({
      data: {
        modelId: (await getAccounts().prisma.model.findUniqueOrThrow({ where: { slug: "priced" } }))
          .id,
        providerId: provider.id,
        upstreamModel: "page-compat-up",
        inputPrice: 1n,
        cachedInputPrice: 1n,
        outputPrice: 1n,
        priority: 9,
      },
    });
    fake.scripts.reset();
    await expect
      .poll(async () => outcome(await post(cookie, { intent: "test", slug: "page-compat" })).ok)
      .toBe(true);
    expect(fake.scripts.received.at(-1)!.headers.authorization).toBe("Bearer sk-page-0123456789");
    expect(fake.scripts.received.at(-1)!.body).toMatchObject({
      model: "page-compat-up",
      max_tokens: 1,
    });

    // Its /models, imported switched off at the prices given; a second import adds nothing.
    fake.scripts.upstreamModels = ["llama-x-70b", "qwen/qwen-9"];
    expect(
      outcome(
        await post(cookie, {
          intent: "import",
          slug: "page-compat",
          input: "0.59",
          output: "0.79",
        }),
      ),
    ).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^Imported llama-x-70b, qwen\/qwen-9: switched off/),
    });
    const imported = await getAccounts().prisma.modelProviderMapping.findMany({
      where: { providerId: provider.id, upstreamModel: { in: ["llama-x-70b", "qwen/qwen-9"] } },
      include: { model: true },
    });
    expect(
      imported.map((mapping) => [
        mapping.model.slug,
        mapping.enabled,
        mapping.inputPrice,
        mapping.outputPrice,
      ]),
    ).toEqual([
      ["llama-x-70b", false, usdToMicro("0.59"), usdToMicro("0.79")],
      ["qwen/qwen-9", false, usdToMicro("0.59"), usdToMicro("0.79")],
    ]);
    expect(
      outcome(
        await post(cookie, {
          intent: "import",
          slug: "page-compat",
          input: "0.59",
          output: "0.79",
        }),
      ),
    ).toMatchObject({ ok: true, message: "page-compat lists 2 models, none new." });
    expect(
      outcome(
        await post(cookie, { intent: "import", slug: "page-compat", input: "cheap", output: "1" }),
      ),
    ).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^input: Enter US dollars per 1M tokens/),
    });

    const added = outcome(
      await post(cookie, { intent: "add-key", slug: "page-compat", apiKey: "short" }),
    );
    expect(added).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^apiKey: A key has at least 8 characters/),
    });
    const page = await providers.loader(
      args(new Request(`${BASE}/dashboard/admin/providers`, { headers: { cookie } })),
    );
    const listed = page.providers.find((row) => row.slug === "page-compat")!;
    expect(listed.keys).toMatchObject([{ prefix: "sk-pag", enabled: true, state: null }]);
    expect(JSON.stringify(page)).not.toContain("sk-page-0123456789");
    expect(
      outcome(
        await post(cookie, {
          intent: "key",
          slug: "page-compat",
          id: String(listed.keys[0]!.id),
          enabled: "false",
        }),
      ),
    ).toMatchObject({ ok: true });
    expect(
      (
        await getAccounts().prisma.providerKey.findUniqueOrThrow({
          where: { id: listed.keys[0]!.id },
        })
      ).enabled,
    ).toBe(false);

    // Edited later: a base URL that is not http(s) is refused; usage flag off.
    expect(
      outcome(
        await post(cookie, {
          intent: "edit",
          slug: "page-compat",
          name: "Compat",
          baseUrl: "ftp://x",
        }),
      ),
    ).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^baseUrl: Enter an http\(s\) URL/),
    });
    expect(
      outcome(
        await post(cookie, {
          intent: "edit",
          slug: "page-compat",
          name: "Compat",
          baseUrl: fake.baseUrl,
        }),
      ),
    ).toMatchObject({ ok: true });
    expect(
      await getAccounts().prisma.provider.findUniqueOrThrow({ where: { slug: "page-compat" } }),
    ).toMatchObject({ name: "Compat", baseUrl: fake.baseUrl, streamUsage: false });

    // Every change is in the audit log, with the admin who made it.
    const audited = await getAccounts().prisma.auditEvent.findMany({
      where: { subject: "page-compat" },
      orderBy: { id: "asc" },
    });
    expect(audited.map((event) => event.action)).toEqual([
      "provider_created",
      "models_imported",
      "models_imported",
      "provider_key_disabled",
      "provider_changed",
    ]);
    expect(audited.at(-1)).toMatchObject({
      details: { name: "Compat", baseUrl: fake.baseUrl, streamUsage: false },
    });

    const user = await cookieFor("USER");
    expect(
      await status(() =>
        providers.loader(
          args(
            new Request(`${BASE}/dashboard/admin/providers`, { headers: { cookie: user.cookie } }),
          ),
        ),
      ),
    ).toBe(403);
    expect(await status(() => post(user.cookie, { intent: "test", slug: "page-compat" }))).toBe(
      403,
    );
  });

  test("the edit form sets a provider's timeouts; an empty field means the environment's", async () => {
    const { cookie } = await cookieFor("ADMIN");
    const fake = harness.fakes.openai;
    const created = await post(cookie, {
      intent: "create",
      slug: "page-limits",
      kind: "openai-compatible",
      baseUrl: fake.baseUrl,
    });
    expect(outcome(created)).toMatchObject({ ok: true });
    const edit = (fields: Record<string, string>) =>
      post(cookie, {
        intent: "edit",
        slug: "page-limits",
        name: "Limits",
        baseUrl: fake.baseUrl,
        firstByteTimeoutSeconds: "",
        chunkTimeoutSeconds: "",
        answerTimeoutSeconds: "",
        ...fields,
      });
    expect(
      outcome(await edit({ firstByteTimeoutSeconds: "45", answerTimeoutSeconds: "600" })),
    ).toMatchObject({ ok: true });
    const row = () =>
      getAccounts().prisma.provider.findUniqueOrThrow({ where: { slug: "page-limits" } });
    expect(await row()).toMatchObject({
      firstByteTimeoutSeconds: 45,
      chunkTimeoutSeconds: null,
      answerTimeoutSeconds: 600,
    });
    expect(outcome(await edit({ chunkTimeoutSeconds: "0" }))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^chunkTimeoutSeconds: At least 1 second/),
    });
    expect(outcome(await edit({ answerTimeoutSeconds: "ten" }))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^answerTimeoutSeconds: Enter whole seconds/),
    });
    // The page shows each limit, and the environment's value an empty field stands for.
    const page = await providers.loader(
      args(new Request(`${BASE}/dashboard/admin/providers`, { headers: { cookie } })),
    );
    expect(page.providers.find((listed) => listed.slug === "page-limits")).toMatchObject({
      timeouts: { firstByteSeconds: 45, chunkSeconds: null, answerSeconds: 600 },
      defaultTimeouts: { firstByteSeconds: 30, chunkSeconds: 60, answerSeconds: 300 },
    });
    expect(outcome(await edit({}))).toMatchObject({ ok: true });
    expect(await row()).toMatchObject({
      firstByteTimeoutSeconds: null,
      chunkTimeoutSeconds: null,
      answerTimeoutSeconds: null,
    });
  });

  test("each provider's last 15 minutes: requests, error rate, median latency, from the usage log", async () => {
    const { cookie, user } = await cookieFor("ADMIN");
    await createCatalogEntry(getAccounts().prisma, {
      modelSlug: "health-model",
      providerSlug: "openai-backup",
      upstreamModel: "health-up",
    });
    const { secret } = await createApiKey(getAccounts().prisma, user.id);
    const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
    const ask = () =>
      client.chat.completions.create({
        model: "health-model",
        messages: [{ role: "user", content: "Hi" }],
      });
    harness.fakes["openai-backup"].scripts.enqueue("health-up", {}, {}, { status: 400 });
    await ask();
    await ask();
    await expect(ask()).rejects.toMatchObject({ status: 400 });
    await expect
      .poll(async () => {
        const page = await providers.loader(
          args(new Request(`${BASE}/dashboard/admin/providers`, { headers: { cookie } })),
        );
        return page.providers.find((row) => row.slug === "openai-backup")?.health;
      })
      .toMatchObject({ requests: 3, errors: 1, latencyP50Ms: expect.any(Number) });
  });
});

test("the page sets, lists and removes a model alias; the gateway serves the alias", async () => {
  const { cookie } = await cookieFor("ADMIN");
  const { user } = await cookieFor("USER");
  const { secret } = await createApiKey(getAccounts().prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  await createCatalogEntry(getAccounts().prisma, { modelSlug: "house-model" });

  expect(
    await save(cookie, { intent: "alias", name: "house", model: "openai/house-model" }),
  ).toMatchObject({
    message: "house now stands for house-model.",
    id: null,
  });
  const page = await admin.loader(
    args(new Request(`${BASE}/dashboard/admin`, { headers: { cookie } })),
  );
  expect(page.aliases).toEqual([
    expect.objectContaining({
      name: "house",
      model: "house-model",
      openRouterId: "openai/house-model",
    }),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the notification crosses a connection
  const answer = await client.chat.completions.create({
    model: "house",
    messages: [{ role: "user", content: "Hi" }],
  });
  expect(answer.model).toBe("house-model");

  // A model's own name, or an unknown model: a message, nothing saved.
  // Refused: the message goes beside its field (issue #23).
  type Refused = {
    init?: { status?: number };
    data?: { alias?: { error?: Record<string, string[]> } };
  };
  const taken = (await save(cookie, {
    intent: "alias",
    name: "priced",
    model: "priced",
  })) as Refused;
  expect(taken.init?.status).toBe(400);
  expect(taken.data?.alias?.error?.name).toEqual(["'priced' already names the model priced"]);
  const unknown = (await save(cookie, {
    intent: "alias",
    name: "other",
    model: "pricd",
  })) as Refused;
  expect(unknown.init?.status).toBe(404);
  expect(unknown.data?.alias?.error?.model?.[0]).toMatch(
    /^No model is called 'pricd'; did you mean 'priced'/,
  );

  expect(await save(cookie, { intent: "alias-delete", name: "house" })).toEqual({
    message: "Removed the alias house.",
    id: null,
  });
  expect(await getAccounts().prisma.modelAlias.count()).toBe(0);
});
