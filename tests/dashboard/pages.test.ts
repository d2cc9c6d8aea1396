// Loaders and actions of the sign-in, sign-up and dashboard pages, called the
// way React Router calls them: with a Request (forms as form data, no JavaScript).
import { describe, expect, test } from "vitest";
import { getAccounts } from "../../app/accounts/accounts.server.ts";
import { startSession } from "../../app/accounts/session.server.ts";
import { creditsToMicro } from "../../app/utils/money.ts";
import * as credits from "../../app/routes/dashboard.credits.tsx";
import * as keys from "../../app/routes/dashboard.keys.tsx";
import * as keyPage from "../../app/routes/dashboard.keys.$id.tsx";
import * as providerKeys from "../../app/routes/dashboard.provider-keys.tsx";
import * as dashboard from "../../app/routes/dashboard.tsx";
import * as overview from "../../app/routes/dashboard._index.tsx";
import * as login from "../../app/routes/login.tsx";
import * as logout from "../../app/routes/logout.tsx";
import * as modelsPage from "../../app/routes/models.tsx";
import { seedCatalog } from "../../app/catalog/seed-catalog.server.ts";
import * as signup from "../../app/routes/signup.tsx";
import * as theme from "../../app/routes/theme.ts";
import { setupAppDatabase } from "../support/app-database.ts";
import { rebuildUsageDays } from "../../app/usage/usage-days.server.ts";
import {
  createApiKey,
  createCatalogEntry,
  createUser,
  TEST_PASSWORD,
} from "../support/factories.ts";

const db = setupAppDatabase("pages-test-secret");
const BASE = "http://gateway.test";

const args = (request: Request, params: Record<string, string> = {}) =>
  ({ request, params, context: {}, unstable_pattern: "", url: new URL(request.url) }) as never;

function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return new Request(BASE + path, { method: "POST", body: new URLSearchParams(fields), headers });
}

async function signedIn() {
  const user = await createUser(getAccounts().prisma, { credits: 10 });
  const setCookie = await startSession(getAccounts(), new Request(BASE), user.id);
  return { user, cookie: setCookie.split(";")[0]! };
}

/** Runs a loader or action; a thrown Response (redirect, 4xx) is returned like a returned one. */
async function run<T>(fn: () => Promise<T> | T): Promise<T | Response> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof Response) return error;
    if (error && typeof error === "object" && "init" in error && "data" in error)
      return error as never;
    throw error;
  }
}

const statusOf = (value: unknown) =>
  value instanceof Response
    ? value.status
    : ((value as { init?: { status?: number } })?.init?.status ?? 200);

describe("sign-up and sign-in pages", () => {
  test("sign-up creates the account, starts a session and goes to the dashboard", async () => {
    const response = (await run(() =>
      signup.action(
        args(post("/signup", { email: "Page@Example.test", password: "a long password" })),
      ),
    )) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/dashboard");
    expect(response.headers.get("set-cookie")).toMatch(/^gw_session=.*HttpOnly.*SameSite=Lax/i);
    expect(response.headers.get("set-cookie")).toContain("gw_toast=");
    expect(await getAccounts().prisma.user.count({ where: { email: "page@example.test" } })).toBe(
      1,
    );
  });

  test("sign-up shows field errors: a short password, a duplicate email", async () => {
    const short = await run(() =>
      signup.action(args(post("/signup", { email: "x@example.test", password: "short" }))),
    );
    expect(statusOf(short)).toBe(400);
    expect(JSON.stringify(short)).toContain("Use at least 10 characters");
    const duplicate = await run(() =>
      signup.action(
        args(post("/signup", { email: "page@example.test", password: "a long password" })),
      ),
    );
    expect(statusOf(duplicate)).toBe(409);
    expect(JSON.stringify(duplicate)).toContain("An account with this email already exists");
  });

  test("sign-in: a wrong password stays on the page with a message; a right one follows a safe redirectTo", async () => {
    const user = await createUser(getAccounts().prisma);
    const wrong = await run(() =>
      login.action(args(post("/login", { email: user.email, password: "not the password" }))),
    );
    expect(statusOf(wrong)).toBe(400);
    expect(JSON.stringify(wrong)).toContain("Wrong email or password.");
    const right = (await run(() =>
      login.action(
        args(
          post("/login", {
            email: user.email,
            password: TEST_PASSWORD,
            redirectTo: "/dashboard/keys",
          }),
        ),
      ),
    )) as Response;
    expect(right.status).toBe(302);
    expect(right.headers.get("location")).toBe("/dashboard/keys");
    const offsite = (await run(() =>
      login.action(
        args(
          post("/login", {
            email: user.email,
            password: TEST_PASSWORD,
            redirectTo: "//evil.example/x",
          }),
        ),
      ),
    )) as Response;
    expect(offsite.headers.get("location")).toBe("/dashboard");
  });

  // Issue #21, finding 7: browsers read these Location values as another host.
  test.each(["/\\evil.example/x", "/\t/evil.example", "/.//evil.example"])(
    "redirectTo %j after sign-in, sign-up or the theme toggle stays on this site",
    async (hostile) => {
      const user = await createUser(getAccounts().prisma);
      const signIn = (await run(() =>
        login.action(
          args(post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: hostile })),
        ),
      )) as Response;
      expect(signIn.status).toBe(302);
      expect(signIn.headers.get("location")).toBe("/dashboard");
      const email = `redirect-${Math.random().toString(36).slice(2)}@example.test`;
      const signUp = (await run(() =>
        signup.action(
          args(post("/signup", { email, password: "a long password", redirectTo: hostile })),
        ),
      )) as Response;
      expect(signUp.status).toBe(302);
      expect(signUp.headers.get("location")).toBe("/dashboard");
      const toggled = (await run(() =>
        theme.action(args(post("/theme", { theme: "dark", redirectTo: hostile }))),
      )) as Response;
      expect(toggled.status).toBe(302);
      expect(toggled.headers.get("location")).toBe("/");
    },
  );

  test("a signed-in user visiting sign-in goes to the dashboard", async () => {
    const { cookie } = await signedIn();
    const response = (await run(() =>
      login.loader(args(new Request(`${BASE}/login`, { headers: { cookie } }))),
    )) as Response;
    expect(response.headers.get("location")).toBe("/dashboard");
  });

  test("every form that writes refuses a post from another site, and changes nothing", async () => {
    const { user, cookie } = await signedIn();
    const evil = { cookie, origin: "https://evil.example" };
    const email = `csrf-${Date.now()}@example.test`;
    const answers = await Promise.all([
      run(() => signup.action(args(post("/signup", { email, password: "a long password" }, evil)))),
      run(() => login.action(args(post("/login", { email, password: "x" }, evil)))),
      run(() => keys.action(args(post("/dashboard/keys", { intent: "create", name: "k" }, evil)))),
      run(() => credits.action(args(post("/dashboard/credits", {}, evil)))),
    ]);
    expect(answers.map(statusOf)).toEqual([403, 403, 403, 403]);
    const body = (await (answers[0] as Response).json()) as { error: { code: string } };
    expect(body.error.code).toBe("csrf");
    const prisma = getAccounts().prisma;
    expect(await prisma.user.count({ where: { email } })).toBe(0);
    expect(await prisma.apiKey.count({ where: { userId: user.id } })).toBe(0);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).balance).toBe(
      user.balance,
    );
  });

  test("sign-out ends the session; from another site it is refused", async () => {
    const { cookie } = await signedIn();
    const foreign = await run(() =>
      logout.action(args(post("/logout", {}, { cookie, origin: "https://evil.example" }))),
    );
    expect(statusOf(foreign)).toBe(403);
    const response = (await run(() =>
      logout.action(args(post("/logout", {}, { cookie }))),
    )) as Response;
    expect(response.headers.get("location")).toBe("/");
    const after = (await run(() =>
      dashboard.loader(args(new Request(`${BASE}/dashboard`, { headers: { cookie } }))),
    )) as Response;
    expect(after.status).toBe(302);
  });
});

describe("dashboard pages", () => {
  test("anonymous visitors are sent to sign in, and come back afterwards", async () => {
    const response = (await run(() =>
      keys.loader(args(new Request(`${BASE}/dashboard/keys?x=1`))),
    )) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login?redirectTo=%2Fdashboard%2Fkeys%3Fx%3D1");
  });

  test("the layout shows the user and the balance", async () => {
    const { cookie, user } = await signedIn();
    const data = await dashboard.loader(
      args(new Request(`${BASE}/dashboard`, { headers: { cookie } })),
    );
    expect(data).toEqual({
      email: user.email,
      role: "USER",
      balance: { credits: "10.00 credits", usd: "$0.10" },
      account: null,
      teams: [],
      may: { ownKeys: true, billing: true, providerKeys: true },
      // No provider has a key in this file's database: the layout's banner says what to set.
      noProvider: true,
    });
  });

  test("API keys: create shows the secret once, toggle, delete needs confirmation", async () => {
    const { cookie } = await signedIn();
    const created = (await keys.action(
      args(
        post("/dashboard/keys", { intent: "create", name: "ci", creditLimit: "25" }, { cookie }),
      ),
    )) as { secret: string };
    expect(created.secret).toMatch(/^gw-/);
    const listed = await keys.loader(
      args(new Request(`${BASE}/dashboard/keys`, { headers: { cookie } })),
    );
    expect(listed.keys).toMatchObject([
      { name: "ci", enabled: true, creditLimit: "25.00 credits ($0.25)", lastUsedAt: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const id = listed.keys[0]!.id;

    await keys.action(
      args(post("/dashboard/keys", { intent: "toggle", id, enabled: "false" }, { cookie })),
    );
    expect(
      (await keys.loader(args(new Request(`${BASE}/dashboard/keys`, { headers: { cookie } }))))
        .keys[0]!.enabled,
    ).toBe(false);

    const unconfirmed = await run(() =>
      keys.action(args(post("/dashboard/keys", { intent: "delete", id }, { cookie }))),
    );
    expect(statusOf(unconfirmed)).toBe(400);
    await keys.action(
      args(post("/dashboard/keys", { intent: "delete", id, confirm: "yes" }, { cookie })),
    );
    expect(
      (await keys.loader(args(new Request(`${BASE}/dashboard/keys`, { headers: { cookie } }))))
        .keys,
    ).toEqual([]);
  });

  test("API keys: content logging is switched on and off per key, and audited", async () => {
    const { user, cookie } = await signedIn();
    const { apiKey } = await createApiKey(getAccounts().prisma, user.id);
    const listKeys = async () =>
      (await keys.loader(args(new Request(`${BASE}/dashboard/keys`, { headers: { cookie } }))))
        .keys;
    expect((await listKeys())[0]).toMatchObject({ id: apiKey.id, logContent: false });
    const switchTo = (logContent: string) =>
      run(() =>
        keys.action(
          args(
            post("/dashboard/keys", { intent: "content", id: apiKey.id, logContent }, { cookie }),
          ),
        ),
      );
    expect(statusOf(await switchTo("true"))).toBe(302);
    expect((await listKeys())[0]!.logContent).toBe(true);
    expect(statusOf(await switchTo("false"))).toBe(302);
    expect((await listKeys())[0]!.logContent).toBe(false);
    expect(statusOf(await switchTo("maybe"))).toBe(400);
    const audited = await getAccounts().prisma.auditEvent.findMany({
      where: { subject: apiKey.id },
      orderBy: { createdAt: "asc" },
      select: { action: true },
    });
    expect(audited.map((event) => event.action)).toEqual([
      "content_logging_on",
      "content_logging_off",
    ]);
  });

  test("API keys: nobody can toggle or delete another user's key", async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const { apiKey } = await createApiKey(getAccounts().prisma, alice.user.id);
    const toggle = await run(() =>
      keys.action(
        args(
          post(
            "/dashboard/keys",
            { intent: "toggle", id: apiKey.id, enabled: "false" },
            { cookie: bob.cookie },
          ),
        ),
      ),
    );
    const remove = await run(() =>
      keys.action(
        args(
          post(
            "/dashboard/keys",
            { intent: "delete", id: apiKey.id, confirm: "yes" },
            { cookie: bob.cookie },
          ),
        ),
      ),
    );
    expect([statusOf(toggle), statusOf(remove)]).toEqual([404, 404]);
    expect(
      await getAccounts().prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } }),
    ).toMatchObject({ enabled: true, deletedAt: null });
  });

  test("API keys: rules at creation (expiry, models, per-minute limits), listed; unknown models refused", async () => {
    const { cookie } = await signedIn();
    const { prisma } = getAccounts();
    const { model } = await createCatalogEntry(prisma, { modelSlug: "rules-model" });
    const nextYear = `${new Date().getUTCFullYear() + 1}-01-31`;
    await keys.action(
      args(
        post(
          "/dashboard/keys",
          {
            intent: "create",
            name: "rules",
            expiresOn: nextYear,
            allowedModels: model.slug,
            rpmLimit: "60",
            tpmLimit: "90000",
            cacheTtlSeconds: "600",
            periodLimit: "25",
            limitPeriod: "day",
          },
          { cookie },
        ),
      ),
    );
    const listed = await keys.loader(
      args(new Request(`${BASE}/dashboard/keys`, { headers: { cookie } })),
    );
    expect(listed.keys[0]!.rules).toBe(
      `expires ${nextYear} · ${model.slug} · 60 req/min · 90000 tokens/min · cached 600 s · 25.00 credits ($0.25) daily`,
    );
    expect(listed.keys[0]!.periodLimit).toBe("0.00 credits ($0.00) of 25.00 credits ($0.25) today");
    const key = await prisma.apiKey.findFirstOrThrow({ where: { id: listed.keys[0]!.id } });
    expect(key).toMatchObject({
      rpmLimit: 60,
      tpmLimit: 90000,
      cacheTtlSeconds: 600,
      allowedModels: [model.slug],
      periodLimit: creditsToMicro(25),
      limitPeriod: "day",
    });
    expect(key.expiresAt?.toISOString()).toBe(`${nextYear}T00:00:00.000Z`);

    // Changed later on the key's page; an empty field clears its rule.
    const saveRules = (fields: Record<string, string>) =>
      run(() =>
        keyPage.action(args(post(`/dashboard/keys/${key.id}`, fields, { cookie }), { id: key.id })),
      );
    const saved = await saveRules({
      creditLimit: "40",
      expiresOn: "",
      allowedModels: "",
      rpmLimit: "",
      tpmLimit: "500",
      cacheTtlSeconds: "",
      periodLimit: "",
    });
    expect(statusOf(saved)).toBe(302);
    expect((saved as Response).headers.get("location")).toBe(`/dashboard/keys/${key.id}`);
    expect(await prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).toMatchObject({
      creditLimit: creditsToMicro(40),
      expiresAt: null,
      allowedModels: [],
      rpmLimit: null,
      tpmLimit: 500,
      cacheTtlSeconds: null,
      periodLimit: null,
      limitPeriod: null,
    });
    // A model typo or a bad value answers the form, field by field, and changes nothing.
    const before = await prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    for (const [fields, field, message] of [
      [{ allowedModels: "nope" }, "allowedModels", "No such model: nope"],
      [{ creditLimit: "0" }, "creditLimit", "At least 1 credit"],
      [{ rpmLimit: "1.5" }, "rpmLimit", "Enter a whole number"],
      [{ cacheTtlSeconds: "90000" }, "cacheTtlSeconds", "At most 86400 seconds (a day)"],
    ] as const) {
      const refusedRules = await saveRules(fields);
      expect(statusOf(refusedRules)).toBe(400);
      const { result } = (refusedRules as { data: { result: { error: Record<string, string[]> } } })
        .data;
      expect(result.error[field]).toEqual([message]);
    }
    expect(await prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).toEqual(before);

    for (const [fields, message] of [
      [{ allowedModels: "no-such-model" }, /No such model: no-such-model/],
      [{ expiresOn: "2020-01-01" }, /Pick a day after today/],
      [{ rpmLimit: "0" }, /At least 1/],
      [{ periodLimit: "10", limitPeriod: "week" }, /Pick day or month/],
    ] as const) {
      const refused = await run(() =>
        keys.action(
          args(post("/dashboard/keys", { intent: "create", name: "x", ...fields }, { cookie })),
        ),
      );
      expect(statusOf(refused)).toBe(400);
      expect(JSON.stringify(refused)).toMatch(message);
    }
  });

  test("API keys: a bad name or limit comes back as field errors", async () => {
    const { cookie } = await signedIn();
    const result = await run(() =>
      keys.action(
        args(
          post("/dashboard/keys", { intent: "create", name: " ", creditLimit: "0" }, { cookie }),
        ),
      ),
    );
    expect(statusOf(result)).toBe(400);
    expect(JSON.stringify(result)).toMatch(/Give the key a name|At least 1 credit/);
  });

  test("credits: the form's token credits once, however often it is submitted", async () => {
    const { cookie, user } = await signedIn();
    const page = await credits.loader(
      args(new Request(`${BASE}/dashboard/credits`, { headers: { cookie } })),
    );
    const submit = () =>
      credits.action(
        args(post("/dashboard/credits", { intent: "free", token: page.token }, { cookie })),
      );
    const results = await Promise.all([submit(), submit(), submit()]);
    expect(
      results.filter((r) => JSON.stringify(r).includes("Added 1,000.00 credits ($10.00).")),
    ).toHaveLength(1);
    const after = await credits.loader(
      args(new Request(`${BASE}/dashboard/credits`, { headers: { cookie } })),
    );
    expect(after.balance.credits).toBe("1,010.00 credits");
    // The 10 credits the user started with, and exactly one onramp.
    expect(after.credits.map((row) => [row.source, row.amount])).toEqual([
      ["Free top-up", "+1,000.00 credits (+$10.00)"],
      ["Free top-up", "+10.00 credits (+$0.10)"],
    ]);
    expect(
      (await getAccounts().prisma.user.findUniqueOrThrow({ where: { id: user.id } })).balance,
    ).toBe(creditsToMicro(1010));
    expect(after.token).not.toBe(page.token);
  });

  test("credits: an expired or forged form is refused", async () => {
    const { cookie } = await signedIn();
    const result = await run(() =>
      credits.action(
        args(post("/dashboard/credits", { intent: "free", token: "not-a-token" }, { cookie })),
      ),
    );
    expect(statusOf(result)).toBe(400);
  });
});

test("the public models page lists the catalog with dollar prices per 1M tokens", async () => {
  await seedCatalog(db.pool, "sync");
  const { models } = await modelsPage.loader(args(new Request(`${BASE}/models`)));
  expect(models.length).toBeGreaterThanOrEqual(12);
  expect(models.find((model) => model.slug === "claude-sonnet-5-5")).toMatchObject({
    company: "Anthropic",
    input: "$2.00",
    cachedInput: "$0.10",
    output: "$10.00",
    providers: ["Anthropic API"],
  });
  expect(models.find((model) => model.slug === "gpt-4o-mini")).toMatchObject({
    input: "$0.15",
    cachedInput: "$0.075",
  });
});

test("the overview: spend per day stacked by model and by key over 7, 30 or 90 days; latency and first token per model", async () => {
  const { cookie, user } = await signedIn();
  const { prisma } = getAccounts();
  const main = await createApiKey(prisma, user.id, { name: "main" });
  const second = await createApiKey(prisma, user.id, { name: "second" });
  const a = await createCatalogEntry(prisma, { modelSlug: "overview-model" });
  const b = await createCatalogEntry(prisma, { modelSlug: "overview-b" });
  const rows = [
    { cost: 2_000_000n, daysAgo: 0, entry: a, key: main, latencyMs: 100, ttft: 40 },
    { cost: 3_000_000n, daysAgo: 0, entry: b, key: second, latencyMs: 300, ttft: null, error: 1 },
    { cost: 5_000_000n, daysAgo: 2, entry: a, key: main, latencyMs: 200, ttft: 60 },
    { cost: 7_000_000n, daysAgo: 40, entry: a, key: main, latencyMs: 50, ttft: 10 },
  ];
  for (const [i, row] of rows.entries()) {
    await prisma.conversation.create({
      data: {
        requestId: `ov-${user.id}-${i}`,
        userId: user.id,
        apiKeyId: row.key.apiKey.id,
        mappingId: row.entry.mapping.id,
        modelSlug: row.entry.model.slug,
        providerSlug: "openai",
        upstreamModel: "x",
        endpoint: "/v1/chat/completions",
        stream: row.ttft !== null,
        status: row.error ? "ERROR" : "SUCCESS",
        usageSource: "REPORTED",
        cost: row.cost,
        inputPrice: 1n,
        cachedInputPrice: 1n,
        outputPrice: 1n,
        latencyMs: row.latencyMs,
        timeToFirstTokenMs: row.ttft,
        createdAt: new Date(Date.now() - row.daysAgo * 24 * 3600 * 1000),
      },
    });
  }
  await rebuildUsageDays(prisma, [user.id]);
  const load = (query = "") =>
    overview.loader(args(new Request(`${BASE}/dashboard${query}`, { headers: { cookie } })));
  const data = await load();
  expect(data.days).toBe(30);
  expect(data.requests).toBe(3);
  expect(data.spent.credits).toBe("10.00 credits");
  expect(data.byModel.series).toEqual(["overview-model", "overview-b"]);
  expect(data.byModel.data).toHaveLength(30);
  expect(data.byModel.data.at(-1)).toEqual({
    day: new Date().toISOString().slice(0, 10),
    "overview-model": 2,
    "overview-b": 3,
  });
  expect(data.byModel.data.at(-3)).toMatchObject({ "overview-model": 5 });
  expect(data.byKey.series).toEqual([
    `main (${main.apiKey.prefix}…)`,
    `second (${second.apiKey.prefix}…)`,
  ]);
  expect(data.models).toEqual([
    {
      model: "overview-model",
      requests: 2,
      errors: 0,
      cost: "7.00 credits ($0.07)",
      latencyMs: 150,
      ttftMs: 50,
    },
    {
      model: "overview-b",
      requests: 1,
      errors: 1,
      cost: "3.00 credits ($0.03)",
      latencyMs: 300,
      ttftMs: null,
    },
  ]);
  expect((await load("?days=7")).byModel.data).toHaveLength(7);
  const quarter = await load("?days=90");
  expect({ days: quarter.days, requests: quarter.requests, spent: quarter.spent.credits }).toEqual({
    days: 90,
    requests: 4,
    spent: "17.00 credits",
  });
  // Anything else is the default period, never an error.
  expect((await load("?days=12")).days).toBe(30);
});

test("a key's page: spend per day, requests, error rate, each limit with what is left, last use; 404 for others' keys", async () => {
  const { cookie, user } = await signedIn();
  const { prisma } = getAccounts();
  const { apiKey } = await createApiKey(prisma, user.id, {
    name: "detail",
    creditLimitCredits: 25,
  });
  const { mapping } = await createCatalogEntry(prisma);
  for (const [i, [cost, status, latencyMs]] of (
    [
      [4_000_000n, "SUCCESS", 100],
      [1_000_000n, "SUCCESS", 300],
      [0n, "ERROR", 50],
    ] as const
  ).entries())
    await prisma.conversation.create({
      data: {
        requestId: `key-page-${apiKey.id}-${i}`,
        userId: user.id,
        apiKeyId: apiKey.id,
        mappingId: mapping.id,
        modelSlug: "m",
        providerSlug: "p",
        upstreamModel: "m",
        endpoint: "/v1/chat/completions",
        stream: false,
        status,
        usageSource: "REPORTED",
        cost,
        inputPrice: 1n,
        cachedInputPrice: 1n,
        outputPrice: 1n,
        latencyMs,
      },
    });
  await rebuildUsageDays(prisma, [user.id]);
  // What the ledger would have counted on the key for those charges.
  await prisma.apiKey.update({
    where: { id: apiKey.id },
    data: {
      spent: 5_000_000n,
      periodLimit: 10_000_000n,
      limitPeriod: "day",
      periodSpent: 5_000_000n,
      periodStart: new Date(new Date().toISOString().slice(0, 10)),
    },
  });
  const open = (id: string, withCookie = cookie) =>
    run(() =>
      keyPage.loader(
        args(new Request(`${BASE}/dashboard/keys/${id}`, { headers: { cookie: withCookie } }), {
          id,
        }),
      ),
    );
  const page = (await open(apiKey.id)) as Awaited<ReturnType<typeof keyPage.loader>>;
  expect({ requests: page.requests, errors: page.errors, latency: page.avgLatencyMs }).toEqual({
    requests: 3,
    errors: 1,
    latency: 150,
  });
  expect(page.errorRate).toBeCloseTo(33.33, 1);
  expect(page.chart).toHaveLength(30);
  expect(page.chart.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), Spent: 5 });
  expect(page.limits.find((limit) => limit.name === "Credit limit")?.left).toBe(
    "20.00 credits ($0.20) left",
  );
  expect(page.limits.find((limit) => limit.name === "Daily limit")?.left).toMatch(
    /^5\.00 credits \(\$0\.05\) left until \d{4}-\d{2}-\d{2}$/,
  );
  expect(page.key.lastUsedAt).toBeNull();
  const other = await signedIn();
  expect(statusOf(await open(apiKey.id, other.cookie))).toBe(404);
  expect(statusOf(await open("not-a-uuid"))).toBe(404);
});

test("provider keys (BYOK): saved sealed, shown by prefix, replaced, removed; bad input refused", async () => {
  const { user, cookie } = await signedIn();
  const { prisma } = getAccounts();
  await createCatalogEntry(prisma, { modelSlug: "own-key-model", providerSlug: "own-test" });
  const page = () =>
    providerKeys.loader(
      args(new Request(`${BASE}/dashboard/provider-keys`, { headers: { cookie } })),
    );
  const submit = (fields: Record<string, string>) =>
    run(() => providerKeys.action(args(post("/dashboard/provider-keys", fields, { cookie }))));
  const row = async () => (await page()).providers.find((each) => each.slug === "own-test");
  expect((await row())?.key).toBeNull();

  const KEY = "sk-own-page-key-123456";
  const saved = await submit({ intent: "save", provider: "own-test", apiKey: KEY, fallback: "on" });
  expect(statusOf(saved)).toBe(302);
  expect((await row())?.key).toEqual({
    prefix: KEY.slice(0, 7),
    fallback: true,
    refused: false,
    lastError: null,
  });
  const stored = await prisma.userProviderKey.findFirstOrThrow({ where: { userId: user.id } });
  expect(stored.secret).not.toContain(KEY);

  for (const [fields, message] of [
    [{ intent: "save", provider: "own-test", apiKey: "short" }, /A key has at least 8 characters/],
    [{ intent: "save", provider: "nobody", apiKey: KEY }, /No such provider/],
    [{ intent: "remove", provider: "own-test" }, /Tick the box to confirm/],
  ] as const) {
    const refused = await submit(fields);
    expect([400, 404]).toContain(statusOf(refused));
    expect(JSON.stringify(refused)).toMatch(message);
  }

  await submit({ intent: "save", provider: "own-test", apiKey: "sk-replacement-key-99" });
  expect((await row())?.key).toMatchObject({ prefix: "sk-repl", fallback: false });
  expect(statusOf(await submit({ intent: "remove", provider: "own-test", confirm: "yes" }))).toBe(
    302,
  );
  expect((await row())?.key).toBeNull();
  expect(
    await prisma.auditEvent.count({
      where: {
        actorId: user.id,
        action: { in: ["own_provider_key_saved", "own_provider_key_removed"] },
      },
    }),
  ).toBe(3);
});

test("the base URL shown for SDKs is PUBLIC_URL when set, whatever Host the request names", async () => {
  const { cookie } = await signedIn();
  const spoofed = () =>
    new Request("http://evil.example/dashboard", {
      headers: { cookie, "x-forwarded-proto": "https" },
    });
  const shownBaseUrls = async () =>
    (await overview.loader(args(spoofed()))).snippets.map(
      ({ code }) => /https?:\/\/[^\s"]+\/v1\b/.exec(code)?.[0] ?? code,
    );
  // Unset: the request's own host, and never a scheme a client claims by header.
  expect(await shownBaseUrls()).toEqual(Array(3).fill("http://evil.example/v1"));
  process.env.PUBLIC_URL = "https://llm.example.com";
  try {
    expect(await shownBaseUrls()).toEqual(Array(3).fill("https://llm.example.com/v1"));
  } finally {
    delete process.env.PUBLIC_URL;
  }
});
