// Providers as data: an OpenAI-compatible server added through the admin JSON
// API serves a new model on two running gateways within a second; its keys are
// sealed at rest; a wrong ENCRYPTION_KEY stops a start; a rotation re-seals.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { beforeAll, describe, expect, test } from "vitest";
import { costOfUsage } from "../../app/billing/prices.ts";
import { usdToMicro } from "../../app/utils/money.ts";
import { keyPrefix } from "../../app/providers/env-providers.server.ts";
import { createApiKey, createUser, TEST_PASSWORD } from "../support/factories.ts";
import { signedInCookie } from "../support/sign-in.ts";
import {
  freePort,
  startGateway,
  spawnGateway,
  TEST_ENCRYPTION_KEY,
  type GatewayProcess,
} from "../support/gateway-process.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";

const UPSTREAM_KEY = "gsk-live-0123456789abcdefghij";
const OTHER_KEY = "gsk-live-zyxwvutsrqponmlkji9876";
const BYOK_KEY = "gsk-user-own-key-5566778899aa";
/** The gateway key of the user who brought BYOK_KEY (for the rotation test). */
let byokUserKey: string;
let adminCookie: string;

// A server of the OpenAI kind on a port of its own (the fake): Groq, vLLM, Ollama... for the gateway.
const { db, prisma, fake, gateways } = setupGatewayProcesses({
  instances: 2,
  env: () => ({ LOG_LEVEL: "warn" }),
  checkLedger: true,
});

const env = () => ({
  DATABASE_URL: db.url,
  LOG_LEVEL: "warn",
  DATA_DIR: mkdtempSync(join(tmpdir(), "gw-providers-")),
});

beforeAll(async () => {
  const admin = await createUser(prisma, { role: "ADMIN" });
  adminCookie = await signedInCookie(gateways[0]!.baseUrl, admin.email);
});

function admin(method: string, path: string, body?: unknown, cookie = adminCookie) {
  return fetch(`${gateways[0]!.baseUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A session cookie for the user (whose password is TEST_PASSWORD). */
const signIn = (email: string) => signedInCookie(gateways[0]!.baseUrl, email);

/** Calls until the gateway serves the model (or a second has passed); the time it took. */
async function servedWithin(gateway: GatewayProcess, client: OpenAI, model: string) {
  const started = performance.now();
  for (;;) {
    const answer = await client.chat.completions
      .create({ model, messages: [{ role: "user", content: "Hi" }] })
      .catch((error: unknown) => error);
    if (!(answer instanceof Error)) return performance.now() - started;
    if (performance.now() - started > 1_000)
      throw new Error(`${gateway.baseUrl} did not serve ${model} within 1 s: ${String(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every row of every table as text: what a database dump would show. */
async function databaseDump() {
  const tables = await prisma.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public'`;
  let dump = "";
  for (const { tablename } of tables) {
    const rows = await prisma.$queryRawUnsafe<{ row: string }[]>(
      `SELECT t::text AS row FROM "${tablename}" t`,
    );
    dump += rows.map((row) => row.row).join("\n");
  }
  return dump;
}

describe("an OpenAI-compatible provider added through the admin API", () => {
  test("serves its new model on both instances within a second, billed, its key sealed", async () => {
    const created = await admin("POST", "/api/admin/providers", {
      slug: "groqish",
      name: "Groq-like",
      kind: "openai-compatible",
      baseUrl: fake.baseUrl,
      apiKey: UPSTREAM_KEY,
    });
    expect(created.status).toBe(201);
    const model = await admin("POST", "/api/admin/models", {
      slug: "llama-9-fast",
      contextLength: 131_072,
      maxOutputTokens: 8_192,
      mappings: [
        {
          provider: "groqish",
          upstreamModel: "llama-9-fast-up",
          prices: { input: "0.50", output: "1.50" },
        },
      ],
    });
    expect(model.status).toBe(201);

    const user = await createUser(prisma, { credits: 50 });
    const { secret } = await createApiKey(prisma, user.id);
    for (const gateway of gateways) {
      const client = new OpenAI({
        apiKey: secret,
        baseURL: `${gateway.baseUrl}/v1`,
        maxRetries: 0,
      });
      expect(await servedWithin(gateway, client, "llama-9-fast")).toBeLessThan(1_000);
      const stream = await client.chat.completions.create({
        model: "llama-9-fast",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text.length).toBeGreaterThan(0);
    }
    // The fake got the gateway's upstream key, the upstream model name and max_tokens.
    const upstream = fake.scripts.received.at(-1)!;
    expect(upstream.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(upstream.body).toMatchObject({ model: "llama-9-fast-up", max_tokens: 8_192 });

    const rows = await prisma.conversation.findMany({ where: { userId: user.id } });
    expect(rows.length).toBe(4);
    const prices = {
      input: usdToMicro("0.50"),
      cachedInput: usdToMicro("0.50"),
      cacheWrite: null,
      output: usdToMicro("1.50"),
    };
    for (const row of rows) {
      expect(row).toMatchObject({
        providerSlug: "groqish",
        status: "SUCCESS",
        usageSource: "REPORTED",
      });
      expect(row.cost).toBe(
        costOfUsage(
          {
            inputTokens: row.inputTokens,
            cachedInputTokens: row.cachedInputTokens,
            cacheWriteTokens: row.cacheWriteTokens,
            outputTokens: row.outputTokens,
            reasoningTokens: row.reasoningTokens,
          },
          prices,
        ),
      );
    }

    // One cheap call through it, from the admin API.
    const tested = await admin("POST", "/api/admin/providers/groqish/test");
    expect(await tested.json()).toMatchObject({ ok: true, message: "llama-9-fast-up answered." });

    // Its /models, imported switched off at the given prices.
    const imported = await admin("POST", "/api/admin/providers/groqish/import-models", {
      prices: { input: "0.10", output: "0.20" },
    });
    expect(imported.status).toBe(201);
    expect(await imported.json()).toEqual({ imported: ["fake-large", "fake-small"], listed: 2 });
    expect(
      await prisma.modelProviderMapping.count({
        where: { upstreamModel: { in: ["fake-large", "fake-small"] }, enabled: false },
      }),
    ).toBe(2);

    const audited = await prisma.auditEvent.findMany({ where: { subject: "groqish" } });
    expect(audited.map((event) => event.action).sort()).toEqual([
      "models_imported",
      "provider_created",
    ]);

    // Never shown again, never stored in the clear.
    const listed = await (await admin("GET", "/api/admin/providers")).text();
    expect(listed).toContain('"prefix":"gsk-live"');
    expect(listed).not.toContain(UPSTREAM_KEY);
    expect(await databaseDump()).not.toContain(UPSTREAM_KEY);
  });

  test("a provider whose streams report no usage: charged by our count, marked ESTIMATED", async () => {
    const changed = await admin("PUT", "/api/admin/providers/groqish", { streamUsage: false });
    expect(changed.status).toBe(200);
    const user = await createUser(prisma, { credits: 50 });
    const { secret } = await createApiKey(prisma, user.id);
    const client = new OpenAI({
      apiKey: secret,
      baseURL: `${gateways[1]!.baseUrl}/v1`,
      maxRetries: 0,
    });
    const started = performance.now();
    for (;;) {
      const stream = await client.chat.completions.create({
        model: "llama-9-fast",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      });
      for await (const _chunk of stream);
      const sent = fake.scripts.received.at(-1)!.body as Record<string, unknown>;
      if (!("stream_options" in sent)) break;
      expect(performance.now() - started).toBeLessThan(1_000);
    }
    await expect
      .poll(
        async () =>
          (
            await prisma.conversation.findFirst({
              where: { userId: user.id },
              orderBy: { id: "desc" },
            })
          )?.usageSource,
      )
      .toBe("ESTIMATED");
  });

  test("a second key: requests alternate between them; a disabled one is left out", async () => {
    const added = await admin("POST", "/api/admin/providers/groqish/keys", { apiKey: OTHER_KEY });
    expect(added.status).toBe(201);
    const { key } = (await added.json()) as { key: { id: number; prefix: string } };
    expect(JSON.stringify(key)).not.toContain(OTHER_KEY);
    const user = await createUser(prisma, { credits: 50 });
    const { secret } = await createApiKey(prisma, user.id);
    const client = new OpenAI({
      apiKey: secret,
      baseURL: `${gateways[0]!.baseUrl}/v1`,
      maxRetries: 0,
    });
    const keysUsed = async (count: number) => {
      const before = fake.scripts.received.length;
      for (let i = 0; i < count; i++)
        await client.chat.completions.create({
          model: "llama-9-fast",
          messages: [{ role: "user", content: "Hi" }],
        });
      return new Set(
        fake.scripts.received.slice(before).map((request) => request.headers.authorization),
      );
    };
    await expect
      .poll(() => keysUsed(4), { timeout: 2_000 })
      .toEqual(new Set([`Bearer ${UPSTREAM_KEY}`, `Bearer ${OTHER_KEY}`]));
    expect(
      (await admin("PUT", `/api/admin/providers/groqish/keys/${key.id}`, { enabled: false }))
        .status,
    ).toBe(200);
    await expect
      .poll(() => keysUsed(4), { timeout: 2_000 })
      .toEqual(new Set([`Bearer ${UPSTREAM_KEY}`]));
  });

  test("only admins: 401 signed out, 403 for a user; bad input is a 400 naming the field", async () => {
    expect((await admin("GET", "/api/admin/providers", undefined, "")).status).toBe(401);
    const user = await createUser(prisma);
    const signIn = await fetch(`${gateways[0]!.baseUrl}/api/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: user.email, password: TEST_PASSWORD }),
    });
    const userCookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    const forbidden = await admin(
      "POST",
      "/api/admin/providers",
      { slug: "x", kind: "openai" },
      userCookie,
    );
    expect(forbidden.status).toBe(403);
    const cases: [unknown, string][] = [
      [{ slug: "Bad Slug", kind: "openai" }, "slug"],
      [{ slug: "ok", kind: "bedrock" }, "kind"],
      [{ slug: "ok", kind: "openai-compatible" }, "baseUrl"],
      [{ slug: "ok", kind: "openai", baseUrl: "ftp://x" }, "baseUrl"],
      [{ slug: "ok", kind: "openai", apiKey: "short" }, "apiKey"],
      [{ slug: "groqish", kind: "openai" }, "slug"],
    ];
    for (const [body, param] of cases) {
      const answer = await admin("POST", "/api/admin/providers", body);
      expect([400, 409]).toContain(answer.status);
      expect(((await answer.json()) as { error: { param: string } }).error.param).toBe(param);
    }
    // A model's limits, edited after an import.
    const edited = await admin("PUT", "/api/admin/models/llama-9-fast", { maxOutputTokens: 4096 });
    expect(edited.status).toBe(200);
    expect((await edited.json()).model).toMatchObject({
      contextLength: 131_072,
      maxOutputTokens: 4096,
    });
    for (const [path, body, status, param] of [
      ["/api/admin/models/llama-9-fast", { maxOutputTokens: 200_000 }, 400, "maxOutputTokens"],
      ["/api/admin/models/llama-9-fast", { contextLength: "big" }, 400, "contextLength"],
      ["/api/admin/models/no-such-model", { maxOutputTokens: 10 }, 404, null],
    ] as const) {
      const answer = await admin("PUT", path, body);
      expect(answer.status).toBe(status);
      expect(((await answer.json()) as { error: { param?: string } }).error.param).toBe(param);
    }
    expect((await admin("PUT", "/api/admin/models/llama-9-fast", {}, userCookie)).status).toBe(403);
    await admin("PUT", "/api/admin/models/llama-9-fast", { maxOutputTokens: 8_192 });

    const badModel = await admin("POST", "/api/admin/models", {
      slug: "m2",
      contextLength: 1000,
      maxOutputTokens: 100,
      mappings: [{ provider: "nobody", upstreamModel: "x", prices: { input: "1", output: "1" } }],
    });
    expect(badModel.status).toBe(400);
    expect(((await badModel.json()) as { error: { param: string } }).error.param).toBe(
      "mappings[0].provider",
    );
  });
});

describe("a user's own key (BYOK) through the JSON API", () => {
  test("serves their requests on both instances, free by default, logged byok; never shown or stored in the clear", async () => {
    const user = await createUser(prisma, { credits: 0 });
    const cookie = await signIn(user.email);
    const mine = (method: string, path: string, body?: unknown, as = cookie) =>
      admin(method, path, body, as);
    expect((await mine("PUT", "/api/provider-keys/groqish", { apiKey: BYOK_KEY })).status).toBe(
      200,
    );
    const listed = await (await mine("GET", "/api/provider-keys")).json();
    expect(listed.providers).toContainEqual({
      provider: "groqish",
      name: "Groq-like",
      key: expect.objectContaining({
        prefix: keyPrefix(BYOK_KEY),
        fallback: false,
        refused: false,
      }),
    });
    expect(JSON.stringify(listed)).not.toContain(BYOK_KEY);

    const { secret } = await createApiKey(prisma, user.id);
    byokUserKey = secret;
    for (const gateway of gateways) {
      const client = new OpenAI({
        apiKey: secret,
        baseURL: `${gateway.baseUrl}/v1`,
        maxRetries: 0,
      });
      expect(await servedWithin(gateway, client, "llama-9-fast")).toBeLessThan(1_000);
      expect(fake.scripts.received.at(-1)!.headers.authorization).toBe(`Bearer ${BYOK_KEY}`);
    }
    const rows = await prisma.conversation.findMany({ where: { userId: user.id } });
    expect(rows.map((row) => [row.byok, row.cost, row.status])).toEqual([
      [true, 0n, "SUCCESS"],
      [true, 0n, "SUCCESS"],
    ]);
    expect(await databaseDump()).not.toContain(BYOK_KEY);

    // Bad input names the problem; another user's key is not theirs to remove.
    const bad = await mine("PUT", "/api/provider-keys/groqish", { apiKey: "short" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.param).toBe("apiKey");
    expect((await mine("PUT", "/api/provider-keys/nobody", { apiKey: BYOK_KEY })).status).toBe(404);
    expect((await mine("PUT", "/api/provider-keys/groqish", {})).status).toBe(400);
    expect((await mine("GET", "/api/provider-keys", undefined, "")).status).toBe(401);
    const stranger = await signIn((await createUser(prisma)).email);
    expect((await mine("DELETE", "/api/provider-keys/groqish", undefined, stranger)).status).toBe(
      404,
    );
    expect(
      await prisma.auditEvent.count({
        where: { actorId: user.id, action: "own_provider_key_saved" },
      }),
    ).toBe(1);
  });
});

describe("the encryption key", () => {
  test("a wrong ENCRYPTION_KEY stops the start with a clear message", async () => {
    const wrong = spawnGateway({
      ...env(),
      PORT: String(await freePort()),
      ENCRYPTION_KEY: "ab".repeat(32),
    });
    expect(await wrong.exited).toBe(1);
    expect(wrong.messages()).toMatch(
      /cannot be decrypted with ENCRYPTION_KEY: it is not the key they were encrypted with/,
    );
    expect(wrong.output()).not.toContain(UPSTREAM_KEY);
  });

  test("a rotation: the old key in ENCRYPTION_KEY_PREVIOUS, the keys re-sealed, then the old key can go", async () => {
    const NEW_KEY = "c3".repeat(32);
    const rotating = await startGateway({
      ...env(),
      ENCRYPTION_KEY: NEW_KEY,
      ENCRYPTION_KEY_PREVIOUS: TEST_ENCRYPTION_KEY,
    });
    await rotating.stop();
    const rotated = await startGateway({ ...env(), ENCRYPTION_KEY: NEW_KEY });
    try {
      const user = await createUser(prisma, { credits: 10 });
      const { secret } = await createApiKey(prisma, user.id);
      const client = new OpenAI({
        apiKey: secret,
        baseURL: `${rotated.baseUrl}/v1`,
        maxRetries: 0,
      });
      await client.chat.completions.create({
        model: "llama-9-fast",
        messages: [{ role: "user", content: "Hi" }],
      });
      expect(fake.scripts.received.at(-1)!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      // A user's own key was re-sealed too.
      await new OpenAI({
        apiKey: byokUserKey,
        baseURL: `${rotated.baseUrl}/v1`,
        maxRetries: 0,
      }).chat.completions.create({
        model: "llama-9-fast",
        messages: [{ role: "user", content: "Hi" }],
      });
      expect(fake.scripts.received.at(-1)!.headers.authorization).toBe(`Bearer ${BYOK_KEY}`);
    } finally {
      await rotated.stop();
    }
    // The two instances started with the old key can no longer read the keys: a
    // rotation is done everywhere at once. Put the old key back for the rest of the file.
    const back = await startGateway({
      ...env(),
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      ENCRYPTION_KEY_PREVIOUS: NEW_KEY,
    });
    await back.stop();
  });
});
