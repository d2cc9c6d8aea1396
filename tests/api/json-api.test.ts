// The seed's JSON API: accounts, sessions, keys, credits, with ownership and CSRF checks.
import { describe, expect, test } from "vitest";
import { creditsToMicro } from "../../app/utils/money.ts";
import { apiClient, setupApiHarness } from "../support/api-harness.ts";
import { createCatalogEntry } from "../support/factories.ts";

const { prisma, api } = setupApiHarness({ signupCredits: 5, adminEmail: "boss@example.test" });

let counter = 0;
async function signedUp() {
  const client = apiClient(api.baseUrl);
  const email = `user${++counter}-${Date.now()}@example.test`;
  const response = await client.call("POST", "/api/auth/sign-up", {
    email,
    password: "long enough password",
  });
  expect(response.status).toBe(201);
  return { client, email, id: response.json.user.id as string };
}

describe("accounts and sessions", () => {
  test("sign-up sets an httpOnly, SameSite=Lax session cookie and starts with SIGNUP_CREDITS, recorded", async () => {
    const client = apiClient(api.baseUrl);
    const response = await client.call("POST", "/api/auth/sign-up", {
      email: "First@Example.test",
      password: "long enough password",
    });
    expect(response.status).toBe(201);
    expect(response.json.user).toMatchObject({ email: "first@example.test" });
    const setCookie = response.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i); // plain http here
    const profile = await client.call("GET", "/api/auth/profile");
    expect(profile.status).toBe(200);
    expect(profile.json.balance).toEqual({
      microCredits: creditsToMicro(5).toString(),
      credits: "5.00",
      usd: "$0.05",
    });
    const credits = await prisma.onrampTransaction.findMany({
      where: { userId: response.json.user.id },
    });
    expect(credits).toMatchObject([{ source: "SIGNUP_BONUS", amount: creditsToMicro(5) }]);
  });

  test("the first user and ADMIN_EMAIL are admins, others are not", async () => {
    const roles = await prisma.user.findMany({
      orderBy: { createdAt: "asc" },
      select: { role: true },
    });
    expect(roles[0]?.role).toBe("ADMIN");
    const boss = await apiClient(api.baseUrl).call("POST", "/api/auth/sign-up", {
      email: "boss@example.test",
      password: "long enough password",
    });
    expect(boss.json.user.role).toBe("ADMIN");
    const { id } = await signedUp();
    expect((await prisma.user.findUniqueOrThrow({ where: { id } })).role).toBe("USER");
  });

  test("a duplicate email gets a friendly 409", async () => {
    const { email } = await signedUp();
    const again = await apiClient(api.baseUrl).call("POST", "/api/auth/sign-up", {
      email: email.toUpperCase(),
      password: "another long password",
    });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({
      code: "email_taken",
      message: "An account with this email already exists",
    });
  });

  test("sign-in with the right password works; a wrong one is 401; sign-out revokes the session", async () => {
    const { email } = await signedUp();
    const client = apiClient(api.baseUrl);
    expect(
      (await client.call("POST", "/api/auth/sign-in", { email, password: "wrong password!!" }))
        .status,
    ).toBe(401);
    expect(
      (await client.call("POST", "/api/auth/sign-in", { email, password: "long enough password" }))
        .status,
    ).toBe(200);
    const oldCookie = client.cookie();
    expect((await client.call("GET", "/api/auth/profile")).status).toBe(200);
    expect((await client.call("POST", "/api/auth/sign-out")).status).toBe(200);
    const stolen = apiClient(api.baseUrl);
    stolen.setCookie(oldCookie);
    expect((await stolen.call("GET", "/api/auth/profile")).status).toBe(401);
  });

  test("a cookie-authenticated write from a foreign Origin is refused", async () => {
    const { client } = await signedUp();
    const response = await client.call(
      "POST",
      "/api/api-keys",
      { name: "k" },
      { origin: "https://evil.example" },
    );
    expect(response.status).toBe(403);
    expect(response.json.error.code).toBe("csrf");
    const sameOrigin = await client.call(
      "POST",
      "/api/api-keys",
      { name: "k" },
      { origin: api.baseUrl },
    );
    expect(sameOrigin.status).toBe(201);
  });
});

describe("API keys", () => {
  test("create shows the secret once; list shows only its prefix; disable and delete", async () => {
    const { client } = await signedUp();
    const created = await client.call("POST", "/api/api-keys", { name: "laptop", creditLimit: 50 });
    expect(created.status).toBe(201);
    const { secret, apiKey } = created.json;
    expect(secret).toMatch(/^gw-/);
    expect(apiKey).toMatchObject({
      name: "laptop",
      enabled: true,
      creditLimit: { credits: "50.00" },
      spent: { microCredits: "0" },
    });
    expect(secret.startsWith(apiKey.prefix)).toBe(true);

    const listed = await client.call("GET", "/api/api-keys");
    expect(JSON.stringify(listed.json)).not.toContain(secret);
    expect(listed.json.apiKeys).toHaveLength(1);

    expect(
      (await client.call("PUT", "/api/api-keys", { id: apiKey.id, enabled: false })).status,
    ).toBe(200);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).enabled).toBe(
      false,
    );
    expect((await client.call("DELETE", `/api/api-keys/${apiKey.id}`)).status).toBe(200);
    expect((await client.call("GET", "/api/api-keys")).json.apiKeys).toHaveLength(0);
    expect(
      (await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).deletedAt,
    ).toBeInstanceOf(Date);
  });

  test("a key's rules: set at creation, changed, cleared with null, audited", async () => {
    const { client } = await signedUp();
    await createCatalogEntry(prisma, { modelSlug: "gpt-4o-mini" });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const created = await client.call("POST", "/api/api-keys", {
      name: "ci",
      expiresAt,
      allowedModels: ["gpt-4o-mini"],
      rpmLimit: 60,
      tpmLimit: 100_000,
      periodLimit: 30,
      cacheTtlSeconds: 600,
    });
    expect(created.status).toBe(201);
    const now = new Date();
    expect(created.json.apiKey).toMatchObject({
      expiresAt,
      allowedModels: ["gpt-4o-mini"],
      rpmLimit: 60,
      tpmLimit: 100_000,
      cacheTtlSeconds: 600,
      periodLimit: { credits: "30.00" },
      limitPeriod: "month",
      periodSpent: { microCredits: "0" },
      periodResetsAt: new Date(
        Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
      ).toISOString(),
    });
    const { id } = created.json.apiKey;
    const changed = await client.call("PUT", "/api/api-keys", {
      id,
      rpmLimit: null,
      allowedModels: [],
      cacheTtlSeconds: null,
    });
    expect(changed.status).toBe(200);
    expect(await prisma.apiKey.findUniqueOrThrow({ where: { id } })).toMatchObject({
      rpmLimit: null,
      allowedModels: [],
      cacheTtlSeconds: null,
      tpmLimit: 100_000,
      limitPeriod: "month",
    });
    const daily = await client.call("PUT", "/api/api-keys", {
      id,
      periodLimit: 5,
      limitPeriod: "day",
    });
    expect(daily.status).toBe(200);
    expect(await prisma.apiKey.findUniqueOrThrow({ where: { id } })).toMatchObject({
      periodLimit: 5_000_000n,
      limitPeriod: "day",
    });
    await client.call("PUT", "/api/api-keys", { id, periodLimit: null });
    expect(await prisma.apiKey.findUniqueOrThrow({ where: { id } })).toMatchObject({
      periodLimit: null,
      limitPeriod: null,
    });
    // The lifetime credit limit changes like every other limit (issue #23).
    expect((await client.call("PUT", "/api/api-keys", { id, creditLimit: 40 })).status).toBe(200);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id } })).creditLimit).toBe(
      40_000_000n,
    );
    expect((await client.call("PUT", "/api/api-keys", { id, creditLimit: null })).status).toBe(200);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id } })).creditLimit).toBeNull();
    const audited = await prisma.auditEvent.findFirst({
      where: { action: "key_rules_changed", subject: id },
    });
    expect(audited?.details).toEqual({ allowedModels: "", rpmLimit: null, cacheTtlSeconds: null });
    const periodChanges = await prisma.auditEvent.findMany({
      where: { action: "key_rules_changed", subject: id },
      orderBy: { id: "asc" },
    });
    expect(periodChanges.map((event) => event.details)).toEqual([
      { allowedModels: "", rpmLimit: null, cacheTtlSeconds: null },
      { periodLimit: "5000000", limitPeriod: "day" },
      { periodLimit: null, limitPeriod: null },
      { creditLimit: "40000000" },
      { creditLimit: null },
    ]);
  });

  test("an allowlist naming a model the catalog does not have is refused, as on the page (issue #24)", async () => {
    const { client } = await signedUp();
    const { model } = await createCatalogEntry(prisma);
    const created = await client.call("POST", "/api/api-keys", {
      name: "typo",
      allowedModels: [model.slug, "no-such-model"],
    });
    expect(created.status).toBe(400);
    expect(created.json.error).toMatchObject({
      type: "invalid_request_error",
      param: "allowedModels",
      message: "allowedModels: No such model: no-such-model",
    });
    expect(await prisma.apiKey.count({ where: { name: "typo" } })).toBe(0);
    const made = await client.call("POST", "/api/api-keys", {
      name: "known",
      allowedModels: [model.slug],
    });
    expect(made.status).toBe(201);
    const { id } = made.json.apiKey;
    const changed = await client.call("PUT", "/api/api-keys", { id, allowedModels: ["nope"] });
    expect(changed.status).toBe(400);
    expect(changed.json.error.message).toBe("allowedModels: No such model: nope");
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id } })).allowedModels).toEqual([
      model.slug,
    ]);
  });

  test("nobody can see, change or delete another user's key", async () => {
    const alice = await signedUp();
    const bob = await signedUp();
    const { apiKey } = (await alice.client.call("POST", "/api/api-keys", { name: "alice's" })).json;
    expect((await bob.client.call("GET", "/api/api-keys")).json.apiKeys).toEqual([]);
    expect(
      (await bob.client.call("PUT", "/api/api-keys", { id: apiKey.id, enabled: false })).status,
    ).toBe(404);
    expect((await bob.client.call("DELETE", `/api/api-keys/${apiKey.id}`)).status).toBe(404);
    expect(await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).toMatchObject({
      enabled: true,
      deletedAt: null,
    });
  });

  test("without a session every key and credit route is 401", async () => {
    const anonymous = apiClient(api.baseUrl);
    const results = await Promise.all([
      anonymous.call("GET", "/api/api-keys"),
      anonymous.call("POST", "/api/api-keys", { name: "x" }),
      anonymous.call("PUT", "/api/api-keys", {
        id: "00000000-0000-0000-0000-000000000000",
        enabled: true,
      }),
      anonymous.call("DELETE", "/api/api-keys/00000000-0000-0000-0000-000000000000"),
      anonymous.call("POST", "/api/payments/onramp"),
      anonymous.call("GET", "/api/auth/profile"),
    ]);
    expect(results.map((result) => result.status)).toEqual([401, 401, 401, 401, 401, 401]);
  });
});

describe("credits", () => {
  test("the onramp adds 1,000 credits once per Idempotency-Key, also when submitted twice at once", async () => {
    const { client, id } = await signedUp();
    const first = await client.call("POST", "/api/payments/onramp", undefined, {
      "idempotency-key": "form-token-1",
    });
    expect(first.status).toBe(201);
    expect(first.json.balance.credits).toBe("1,005.00");
    const replay = await client.call("POST", "/api/payments/onramp", undefined, {
      "idempotency-key": "form-token-1",
    });
    expect(replay.status).toBe(200);
    expect(replay.json).toMatchObject({ replayed: true, balance: { credits: "1,005.00" } });
    const racing = await Promise.all(
      [1, 2, 3].map(() =>
        client.call("POST", "/api/payments/onramp", undefined, {
          "idempotency-key": "form-token-2",
        }),
      ),
    );
    expect(racing.filter((response) => response.status === 201)).toHaveLength(1);
    const user = await prisma.user.findUniqueOrThrow({ where: { id } });
    expect(user.balance).toBe(creditsToMicro(2005));
    const sum = await prisma.onrampTransaction.aggregate({
      where: { userId: id },
      _sum: { amount: true },
    });
    expect(sum._sum.amount).toBe(user.balance);
  });
});

test("GET /api/models lists the catalog with prices, without signing in", async () => {
  await createCatalogEntry(prisma, {
    modelSlug: "api-model",
    usd: { input: "1.00", cachedInput: "0.10", output: "2.00" },
  });
  const response = await apiClient(api.baseUrl).call("GET", "/api/models");
  expect(response.status).toBe(200);
  expect(response.json.models).toContainEqual(
    expect.objectContaining({
      slug: "api-model",
      providers: [
        expect.objectContaining({
          pricePerMillionTokens: expect.objectContaining({
            output: expect.objectContaining({ usd: "$2.00" }),
          }),
        }),
      ],
    }),
  );
});

describe("malformed requests get a 4xx naming the problem", () => {
  type Case = [
    name: string,
    method: string,
    path: string,
    body: unknown,
    status: number,
    message: RegExp,
  ];
  const CASES: Case[] = [
    ["sign-up: no body", "POST", "/api/auth/sign-up", "", 400, /empty/],
    ["sign-up: invalid JSON", "POST", "/api/auth/sign-up", "{nope", 400, /not valid JSON/],
    ["sign-up: array", "POST", "/api/auth/sign-up", [], 400, /expected object/i],
    [
      "sign-up: missing email",
      "POST",
      "/api/auth/sign-up",
      { password: "long enough password" },
      400,
      /^email/,
    ],
    [
      "sign-up: email not an email",
      "POST",
      "/api/auth/sign-up",
      { email: "nope", password: "long enough password" },
      400,
      /^email: Enter a valid email address/,
    ],
    [
      "sign-up: email is a number",
      "POST",
      "/api/auth/sign-up",
      { email: 5, password: "long enough password" },
      400,
      /^email/,
    ],
    [
      "sign-up: missing password",
      "POST",
      "/api/auth/sign-up",
      { email: "a@b.test" },
      400,
      /^password/,
    ],
    [
      "sign-up: short password",
      "POST",
      "/api/auth/sign-up",
      { email: "a@b.test", password: "short" },
      400,
      /^password: Use at least 10 characters/,
    ],
    [
      "sign-up: huge password",
      "POST",
      "/api/auth/sign-up",
      { email: "a@b.test", password: "x".repeat(500) },
      400,
      /^password: Use at most 200 characters/,
    ],
    [
      "sign-up: huge email",
      "POST",
      "/api/auth/sign-up",
      { email: `${"a".repeat(300)}@b.test`, password: "long enough password" },
      400,
      /^email/,
    ],
    [
      "sign-in: missing password",
      "POST",
      "/api/auth/sign-in",
      { email: "a@b.test" },
      400,
      /^password/,
    ],
    [
      "sign-in: empty email",
      "POST",
      "/api/auth/sign-in",
      { email: "", password: "x" },
      400,
      /^email: Enter a valid email address/,
    ],
    [
      "sign-in: password is an object",
      "POST",
      "/api/auth/sign-in",
      { email: "a@b.test", password: {} },
      400,
      /^password/,
    ],
    ["create key: missing name", "POST", "/api/api-keys", {}, 400, /^name: is required/],
    [
      "create key: empty name",
      "POST",
      "/api/api-keys",
      { name: "   " },
      400,
      /^name: must not be empty/,
    ],
    [
      "create key: long name",
      "POST",
      "/api/api-keys",
      { name: "n".repeat(101) },
      400,
      /^name: must be at most 100/,
    ],
    ["create key: name is a number", "POST", "/api/api-keys", { name: 42 }, 400, /^name/],
    [
      "create key: limit is a string",
      "POST",
      "/api/api-keys",
      { name: "k", creditLimit: "ten" },
      400,
      /^creditLimit: must be a number of credits/,
    ],
    [
      "create key: limit zero",
      "POST",
      "/api/api-keys",
      { name: "k", creditLimit: 0 },
      400,
      /^creditLimit: must be at least 1/,
    ],
    [
      "create key: limit fractional",
      "POST",
      "/api/api-keys",
      { name: "k", creditLimit: 1.5 },
      400,
      /^creditLimit: must be a whole number/,
    ],
    [
      "create key: limit negative",
      "POST",
      "/api/api-keys",
      { name: "k", creditLimit: -3 },
      400,
      /^creditLimit/,
    ],
    [
      "create key: form-encoded",
      "POST",
      "/api/api-keys",
      "name=k",
      415,
      /Content-Type must be application\/json/,
    ],
    [
      "create key: expiresAt in the past",
      "POST",
      "/api/api-keys",
      { name: "k", expiresAt: "2020-01-01T00:00:00Z" },
      400,
      /^expiresAt: must be in the future/,
    ],
    [
      "create key: expiresAt not a date",
      "POST",
      "/api/api-keys",
      { name: "k", expiresAt: "next week" },
      400,
      /^expiresAt: must be an ISO 8601 date-time/,
    ],
    [
      "create key: allowedModels a string",
      "POST",
      "/api/api-keys",
      { name: "k", allowedModels: "gpt-4o" },
      400,
      /^allowedModels/,
    ],
    [
      "create key: rpmLimit zero",
      "POST",
      "/api/api-keys",
      { name: "k", rpmLimit: 0 },
      400,
      /^rpmLimit: must be at least 1/,
    ],
    [
      "create key: limitPeriod weekly",
      "POST",
      "/api/api-keys",
      { name: "k", periodLimit: 10, limitPeriod: "week" },
      400,
      /^limitPeriod: must be "day" or "month"/,
    ],
    [
      "update key: limitPeriod without periodLimit",
      "PUT",
      "/api/api-keys",
      { id: "00000000-0000-4000-8000-000000000000", limitPeriod: "day" },
      400,
      /^limitPeriod: comes with periodLimit/,
    ],
    [
      "create key: tpmLimit fractional",
      "POST",
      "/api/api-keys",
      { name: "k", tpmLimit: 1.5 },
      400,
      /^tpmLimit: must be a whole number/,
    ],
    [
      "create key: cacheTtlSeconds over a day",
      "POST",
      "/api/api-keys",
      { name: "k", cacheTtlSeconds: 86_401 },
      400,
      /^cacheTtlSeconds: must be at most 86400 \(a day\)/,
    ],
    ["update key: missing id", "PUT", "/api/api-keys", { enabled: true }, 400, /^id/],
    [
      "update key: id not a uuid",
      "PUT",
      "/api/api-keys",
      { id: "abc", enabled: true },
      400,
      /^id: must be a key id/,
    ],
    [
      "update key: enabled is a string",
      "PUT",
      "/api/api-keys",
      { id: "00000000-0000-4000-8000-000000000000", enabled: "yes" },
      400,
      /^enabled: must be true or false/,
    ],
    [
      "update key: nothing to change",
      "PUT",
      "/api/api-keys",
      { id: "00000000-0000-4000-8000-000000000000" },
      400,
      /send enabled, logContent, expiresAt/,
    ],
    [
      "update key: unknown id",
      "PUT",
      "/api/api-keys",
      { id: "00000000-0000-4000-8000-000000000000", enabled: true },
      404,
      /No such API key/,
    ],
    [
      "delete key: not a uuid",
      "DELETE",
      "/api/api-keys/not-a-uuid",
      undefined,
      404,
      /No such API key/,
    ],
    [
      "delete key: unknown id",
      "DELETE",
      "/api/api-keys/00000000-0000-4000-8000-000000000000",
      undefined,
      404,
      /No such API key/,
    ],
    ["keys: PATCH", "PATCH", "/api/api-keys", { id: "x" }, 405, /Use GET, POST, PUT/],
    ["sign-up: GET", "GET", "/api/auth/sign-up", undefined, 405, /Use POST/],
  ];

  test("the table is long enough", () => expect(CASES.length + 1).toBeGreaterThanOrEqual(30));

  test.each(CASES)("%s -> %i", async (_name, method, path, body, status, message) => {
    const { client } = await signedUp();
    const headers: Record<string, string> =
      typeof body === "string" && body.startsWith("name=")
        ? { "content-type": "application/x-www-form-urlencoded" }
        : {};
    const response = await client.call(method, path, body, headers);
    expect(response.status).toBe(status);
    expect(response.json.error.message).toMatch(message);
  });

  test("onramp: a bad Idempotency-Key -> 400", async () => {
    const { client } = await signedUp();
    const response = await client.call("POST", "/api/payments/onramp", undefined, {
      "idempotency-key": "has spaces in it",
    });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toMatch(/Idempotency-Key must be/);
  });

  test("onramp: no Idempotency-Key -> 400 naming it, and nothing credited", async () => {
    const { client, id } = await signedUp();
    const before = await prisma.user.findUniqueOrThrow({ where: { id } });
    for (let i = 0; i < 2; i++) {
      const response = await client.call("POST", "/api/payments/onramp");
      expect(response.status).toBe(400);
      expect(response.json.error).toMatchObject({ param: "Idempotency-Key" });
      expect(response.json.error.message).toMatch(/Idempotency-Key header is required/);
    }
    const after = await prisma.user.findUniqueOrThrow({ where: { id } });
    expect(after.balance).toBe(before.balance);
  });
});

test("security-relevant actions leave audit events with their actor and IP", async () => {
  const { client, id, email } = await signedUp();
  await apiClient(api.baseUrl).call("POST", "/api/auth/sign-in", { email, password: "wrong one" });
  await client.call("POST", "/api/auth/sign-in", { email, password: "long enough password" });
  const created = await client.call("POST", "/api/api-keys", { name: "audited" });
  const keyId = created.json.apiKey.id as string;
  await client.call("PUT", "/api/api-keys", { id: keyId, enabled: false });
  await client.call("DELETE", `/api/api-keys/${keyId}`);
  await client.call("POST", "/api/payments/onramp", undefined, { "idempotency-key": "audit-1" });
  await client.call("POST", "/api/payments/onramp", undefined, { "idempotency-key": "audit-1" });

  const events = await prisma.auditEvent.findMany({
    where: { OR: [{ actorId: id }, { subject: email }] },
    orderBy: { id: "asc" },
  });
  expect(events.map((event) => [event.action, event.actorId, event.subject])).toEqual([
    ["sign_up", id, null],
    ["sign_in_failed", null, email],
    ["sign_in", id, null],
    ["key_created", id, keyId],
    ["key_disabled", id, keyId],
    ["key_deleted", id, keyId],
    ["credits_added", id, expect.any(String)], // once: the replay credits nothing
  ]);
  expect(new Set(events.map((event) => event.ip))).toEqual(new Set(["127.0.0.1"]));
});

test("a key opts in and out of content logging through the API", async () => {
  const { client } = await signedUp();
  const created = await client.call("POST", "/api/api-keys", { name: "logged" });
  const id = created.json.apiKey.id as string;
  expect(created.json.apiKey.logContent).toBe(false);
  expect((await client.call("PUT", "/api/api-keys", { id, logContent: true })).status).toBe(200);
  const listed = await client.call("GET", "/api/api-keys");
  expect(listed.json.apiKeys.find((key: { id: string }) => key.id === id)).toMatchObject({
    logContent: true,
    enabled: true,
  });
  const nothing = await client.call("PUT", "/api/api-keys", { id });
  expect(nothing.status).toBe(400);
  expect(nothing.json.error.message).toMatch(/send enabled, logContent, expiresAt/);
  const events = await prisma.auditEvent.findMany({
    where: { subject: id },
    orderBy: { id: "asc" },
  });
  expect(events.map((event) => event.action)).toEqual(["key_created", "content_logging_on"]);
});
