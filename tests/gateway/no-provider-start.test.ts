// A first start without any provider key (issue #23, item 1; ADR 042): the log
// says what to set, the listings hold only what can be served, a call answers a
// 503 that says what to set, and a key added by an admin at run time is served
// and listed without a restart.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createApiKey, createUser } from "../support/factories.ts";
import { signedInCookie } from "../support/sign-in.ts";
import { startGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { postCompletion } from "../support/completions.ts";

const db = setupTestDatabase({ migrated: false });
let prisma: Prisma;
let fake: FakeProvider;
let gateway: GatewayProcess;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  gateway = await startGateway({
    DATABASE_URL: db.url,
    MIGRATE_ON_START: "true", // the catalog's 18 models, as a first local start has them
    DATA_DIR: mkdtempSync(join(tmpdir(), "gw-no-provider-")),
  });
  prisma = createPrismaClient(db.url);
  await waitUntilReady();
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await fake?.close();
  await prisma?.$disconnect();
});

async function waitUntilReady() {
  const started = Date.now();
  while ((await fetch(`${gateway.baseUrl}/readyz`)).status !== 200) {
    if (Date.now() - started > 30_000) throw new Error(`not ready:\n${gateway.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const listed = async (path: string) =>
  (
    (await (await fetch(`${gateway.baseUrl}${path}`)).json()) as { data: { id: string }[] }
  ).data.map((model) => model.id);

test("a start without provider keys warns once, saying what to set", () => {
  const warnings = gateway.logLines().filter((line) => line.level === 40);
  expect(warnings.map((line) => line.msg)).toEqual([
    expect.stringContaining("No provider is configured"),
  ]);
  const [warning] = warnings;
  for (const variable of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"])
    expect(warning!.msg).toContain(variable);
  expect(warning!.msg).toContain("npm run fake-providers");
  expect(warning!.msg).toContain("/dashboard/admin/providers");
});

test("the listings hold no model nothing can serve, the models page says why, a call is a 503 saying what to set", async () => {
  expect(await listed("/v1/models")).toEqual([]);
  expect(await listed("/api/v1/models")).toEqual([]);

  const page = await (await fetch(`${gateway.baseUrl}/models`)).text();
  expect(page).toContain("No provider is configured on this gateway yet");
  expect(page).toContain("gpt-6.2-sol"); // the prices stay readable

  const user = await createUser(prisma, { credits: 50 });
  const { secret } = await createApiKey(prisma, user.id);
  const answer = await postCompletion(gateway.baseUrl, secret, { model: "gpt-6.2-sol" });
  expect(answer.status).toBe(503);
  const { error } = (await answer.json()) as { error: { message: string; code: string } };
  expect(error.code).toBe("provider_not_configured");
  expect(error.message).toMatch(/^No provider is configured on this gateway/);
  expect(error.message).toContain("OPENAI_API_KEY");
  expect(error.message).toContain(
    "set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY and restart it",
  );
  expect(error.message).toContain("/dashboard/admin/providers");

  // An embeddings model too: a 503 that says what to set, not "not an embeddings model".
  const embeddings = await fetch(`${gateway.baseUrl}/v1/embeddings`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "text-embedding-3-small", input: "Hello" }),
  });
  expect(embeddings.status).toBe(503);
  expect(((await embeddings.json()) as { error: { message: string } }).error.message).toMatch(
    /^No provider is configured on this gateway yet/,
  );
});

test("a provider key added at run time is listed and served without a restart", async () => {
  const admin = await createUser(prisma, { role: "ADMIN" });
  const cookie = await signedInCookie(gateway.baseUrl, admin.email);
  const call = (method: string, path: string, body: unknown) =>
    fetch(`${gateway.baseUrl}${path}`, {
      method,
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify(body),
    });
  expect((await call("PUT", "/api/admin/providers/openai", { baseUrl: fake.baseUrl })).status).toBe(
    200,
  );
  expect(
    (await call("POST", "/api/admin/providers/openai/keys", { apiKey: "sk-added-at-run-time" }))
      .status,
  ).toBe(201);

  const started = Date.now();
  let models = await listed("/v1/models");
  while (!models.includes("gpt-6.2-sol")) {
    if (Date.now() - started > 2_000) throw new Error(`not listed: ${models.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    models = await listed("/v1/models");
  }
  // Only OpenAI's models: Anthropic and Google still have no key.
  expect(models).not.toContain("claude-sonnet-5-5");
  expect(await listed("/api/v1/models")).toContain("openai/gpt-6.2-sol");
  expect(await listed("/api/v1/models")).not.toContain("anthropic/claude-sonnet-5-5");

  const user = await createUser(prisma, { credits: 50 });
  const { secret } = await createApiKey(prisma, user.id);
  expect((await postCompletion(gateway.baseUrl, secret, { model: "gpt-6.2-sol" })).status).toBe(
    200,
  );
  // A model whose own provider has no key names that provider's variable.
  const claude = await postCompletion(gateway.baseUrl, secret, { model: "claude-sonnet-5-5" });
  expect(claude.status).toBe(503);
  const { error } = (await claude.json()) as { error: { message: string } };
  expect(error.message).toMatch(/^No provider for 'claude-sonnet-5-5' is configured/);
  expect(error.message).toContain("ANTHROPIC_API_KEY");
});
