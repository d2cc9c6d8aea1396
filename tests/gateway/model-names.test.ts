// The names a model answers to, on a real gateway process with the seeded
// catalog: its slug, its OpenRouter id (company/slug) and the admins' aliases,
// on /v1 as on /api/v1, in requests, listings and key allowlists; an unknown
// name is a 404 in each endpoint's own shape that names the closest ids.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { beforeAll, describe, expect, test } from "vitest";
import { apiClient } from "../support/api-harness.ts";
import { createUser, TEST_PASSWORD } from "../support/factories.ts";
import { openRouterCustomer, setupOpenRouterGateway } from "../support/openrouter-gateway.ts";

const { prisma, gw } = setupOpenRouterGateway();
type Client = ReturnType<typeof apiClient>;
let admin: Client;

beforeAll(async () => {
  admin = await signIn((await createUser(prisma, { role: "ADMIN" })).email);
});

/** The JSON API's client, signed in as the user (whose password is TEST_PASSWORD). */
async function signIn(email: string) {
  const client = apiClient(gw.gateway.baseUrl);
  const answer = await client.call("POST", "/api/auth/sign-in", { email, password: TEST_PASSWORD });
  expect(answer.status).toBe(200);
  return client;
}

/** The JSON API as `who` (the admin unless said): status and JSON body. */
async function api(method: string, path: string, body?: unknown, who = admin) {
  const { status, json } = await who.call(method, path, body);
  return { status, json };
}

const openai = (secret: string, base = "/v1") =>
  new OpenAI({ apiKey: secret, baseURL: `${gw.gateway.baseUrl}${base}`, maxRetries: 0 });
const hi = [{ role: "user" as const, content: "Hi" }];
const caught = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);

/** The model that served the customer's last request, from the usage log. */
async function lastServed(userId: string) {
  const row = await prisma.conversation.findFirstOrThrow({
    where: { userId },
    orderBy: { createdAt: "desc" },
  });
  return row.modelSlug;
}

describe("OpenRouter ids on /v1", () => {
  test("chat, messages, responses and embeddings take `company/slug`; the answer names the slug", async () => {
    const who = await openRouterCustomer(prisma);
    const chat = await openai(who.secret).chat.completions.create({
      model: "openai/gpt-6.2-sol",
      messages: hi,
    });
    expect(chat.model).toBe("gpt-6.2-sol");
    const anthropic = new Anthropic({ apiKey: who.secret, baseURL: gw.gateway.baseUrl });
    const message = await anthropic.messages.create({
      model: "anthropic/claude-sonnet-5-5",
      max_tokens: 100,
      messages: hi,
    });
    expect(message.model).toBe("claude-sonnet-5-5");
    const response = await openai(who.secret).responses.create({
      model: "google/gemini-4-neon:floor",
      input: "Hi",
    });
    expect(response.model).toBe("gemini-4-neon");
    const embeddings = await openai(who.secret).embeddings.create({
      model: "openai/text-embedding-3-small",
      input: "Hi",
    });
    expect(embeddings.model).toBe("text-embedding-3-small");
    const served = await prisma.conversation.findMany({
      where: { userId: who.user.id },
      orderBy: { createdAt: "asc" },
    });
    expect(served.map((row) => row.modelSlug)).toEqual([
      "gpt-6.2-sol",
      "claude-sonnet-5-5",
      "gemini-4-neon",
      "text-embedding-3-small",
    ]);
  });

  test("/v1/models gives each model its OpenRouter id as canonical_slug", async () => {
    const models = (await (await fetch(`${gw.gateway.baseUrl}/v1/models`)).json()) as {
      data: { id: string; canonical_slug: string }[];
    };
    expect(models.data).toContainEqual(
      expect.objectContaining({ id: "gpt-6.2-sol", canonical_slug: "openai/gpt-6.2-sol" }),
    );
    expect(models.data).toContainEqual(
      expect.objectContaining({
        id: "gemini-4-neon",
        canonical_slug: "google/gemini-4-neon",
      }),
    );
  });
});

describe("an unknown model is a 404 in the endpoint's own shape, naming the closest ids and the listing", () => {
  test("OpenAI's shape on /v1/chat/completions and /v1/embeddings", async () => {
    const who = await openRouterCustomer(prisma);
    const error = await caught(
      openai(who.secret).chat.completions.create({ model: "gpt-6.2-soll", messages: hi }),
    );
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ code: "model_not_found", param: "model" });
    expect((error as Error).message).toContain(
      "The model 'gpt-6.2-soll' does not exist. Did you mean 'gpt-6.2-sol'? GET /v1/models lists this gateway's models.",
    );
    const typo = await caught(
      openai(who.secret).embeddings.create({ model: "text-embeding-3-small", input: "x" }),
    );
    expect((typo as Error).message).toMatch(/Did you mean 'text-embedding-3-small'\?/);
    // A variant keeps its hint; a name near nothing gets none, only the listing.
    const nitro = await caught(
      openai(who.secret).chat.completions.create({ model: "claude-sonet-5-5:nitro", messages: hi }),
    );
    expect((nitro as Error).message).toMatch(/Did you mean 'claude-sonnet-5-5'/);
    const nothing = await caught(
      openai(who.secret).chat.completions.create({ model: "zzzz-9", messages: hi }),
    );
    expect((nothing as Error).message).toMatch(
      /^404 The model 'zzzz-9' does not exist\. GET \/v1\/models lists/,
    );
  });

  test("Anthropic's shape on /v1/messages, OpenRouter's on /api/v1", async () => {
    const who = await openRouterCustomer(prisma);
    const anthropic = new Anthropic({ apiKey: who.secret, baseURL: gw.gateway.baseUrl });
    const error = await caught(
      anthropic.messages.create({ model: "claude-sonet-5-5", max_tokens: 10, messages: hi }),
    );
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({
      type: "error",
      error: { type: "not_found_error", message: expect.stringMatching(/'claude-sonnet-5-5'/) },
    });
    const response = await fetch(`${gw.apiBase}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${who.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "anthropic/claude-sonet-5-5", messages: hi }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        code: 404,
        message:
          "The model 'anthropic/claude-sonet-5-5' does not exist. Did you mean 'anthropic/claude-sonnet-5-5'? GET /api/v1/models lists this gateway's models.",
        metadata: { error_type: "not_found", gateway_code: "model_not_found", param: "model" },
      },
    });
  });
});

describe("aliases: an admin names a model once, every API takes the name", () => {
  test("an alias serves, is listed on /v1 and /api/v1, follows a retarget within a second, and goes", async () => {
    const who = await openRouterCustomer(prisma);
    const set = await api("PUT", "/api/admin/aliases/fast", {
      model: "anthropic/claude-haiku-5-5",
    });
    expect(set).toEqual({
      status: 200,
      json: {
        alias: {
          name: "fast",
          model: "claude-haiku-5-5",
          openRouterId: "anthropic/claude-haiku-5-5",
          updatedAt: expect.any(String),
        },
      },
    });
    await servedWithin(who, "fast", "claude-haiku-5-5");
    // OpenRouter's API answers with the model's id; the alias is the request's name for it.
    const viaOpenRouter = await openai(who.secret, "/api/v1").chat.completions.create({
      model: "fast",
      messages: hi,
    });
    expect(viaOpenRouter.model).toBe("anthropic/claude-haiku-5-5");

    const v1 = (await (await fetch(`${gw.gateway.baseUrl}/v1/models`)).json()) as {
      data: Record<string, unknown>[];
    };
    expect(v1.data).toContainEqual(
      expect.objectContaining({
        id: "fast",
        alias_for: "claude-haiku-5-5",
        canonical_slug: "anthropic/claude-haiku-5-5",
      }),
    );
    const listing = (await (
      await fetch(`${gw.apiBase}/models`, { headers: { authorization: `Bearer ${who.secret}` } })
    ).json()) as { data: Record<string, unknown>[] };
    expect(listing.data).toContainEqual(
      expect.objectContaining({
        id: "fast",
        canonical_slug: "anthropic/claude-haiku-5-5",
        alias_target: { slug: "anthropic/claude-haiku-5-5", name: "Claude Haiku 5.5" },
      }),
    );

    expect((await api("PUT", "/api/admin/aliases/fast", { model: "gpt-6.2-sol" })).status).toBe(
      200,
    );
    await servedWithin(who, "fast", "gpt-6.2-sol");
    expect((await api("GET", "/api/admin/aliases")).json.aliases).toEqual([
      expect.objectContaining({ name: "fast", model: "gpt-6.2-sol" }),
    ]);

    expect((await api("DELETE", "/api/admin/aliases/fast")).status).toBe(204);
    const deadline = Date.now() + 1_000;
    let gone: unknown;
    do {
      gone = await caught(
        openai(who.secret).chat.completions.create({ model: "fast", messages: hi }),
      );
    } while (!(gone instanceof OpenAI.NotFoundError) && Date.now() < deadline);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("what an alias may not be: a model's name, a bad name, an unknown target, a non-admin's", async () => {
    expect(await api("PUT", "/api/admin/aliases/gpt-6.2-sol", { model: "gemini-4-neon" })).toEqual({
      status: 400,
      json: expect.objectContaining({
        error: expect.objectContaining({
          message: "name: 'gpt-6.2-sol' already names the model gpt-6.2-sol",
        }),
      }),
    });
    expect(
      (await api("PUT", "/api/admin/aliases/Fast:nitro", { model: "gpt-6.2-sol" })).status,
    ).toBe(400);
    const unknown = await api("PUT", "/api/admin/aliases/cheap", { model: "gpt-6.2-soll" });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toBe(
      "model: no model is called 'gpt-6.2-soll'; did you mean 'gpt-6.2-sol'?",
    );
    expect((await api("PUT", "/api/admin/aliases/cheap", {})).status).toBe(400);
    expect((await api("DELETE", "/api/admin/aliases/never-was")).status).toBe(404);
    const user = await createUser(prisma);
    const someone = await signIn(user.email);
    expect(
      (await api("PUT", "/api/admin/aliases/cheap", { model: "gpt-6.2-sol" }, someone)).status,
    ).toBe(403);
    expect(await prisma.modelAlias.count({ where: { name: "cheap" } })).toBe(0);
  });
});

test("a key's allowlist takes OpenRouter ids and aliases, and keeps the slugs they stand for", async () => {
  expect((await api("PUT", "/api/admin/aliases/default", { model: "gpt-6.2-sol" })).status).toBe(
    200,
  );
  const user = await createUser(prisma, { credits: 100 });
  const created = await api(
    "POST",
    "/api/api-keys",
    { name: "allowlisted", allowedModels: ["anthropic/claude-sonnet-5-5", "default"] },
    await signIn(user.email),
  );
  expect(created.status).toBe(201);
  expect(created.json.apiKey.allowedModels).toEqual(["claude-sonnet-5-5", "gpt-6.2-sol"]);
  const client = openai(created.json.secret as string, "/api/v1");
  for (const model of ["anthropic/claude-sonnet-5-5:nitro", "default", "openai/gpt-6.2-sol"])
    expect((await client.chat.completions.create({ model, messages: hi })).choices).toHaveLength(1);
  const refused = await caught(
    client.chat.completions.create({ model: "google/gemini-4-neon", messages: hi }),
  );
  expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
});

/** Calls with `name` until the usage log says `slug` served it (within a second of an admin's change). */
async function servedWithin(
  who: { secret: string; user: { id: string } },
  name: string,
  slug: string,
) {
  const deadline = Date.now() + 1_000;
  for (;;) {
    const answer = await caught(
      openai(who.secret).chat.completions.create({ model: name, messages: hi }),
    );
    if (!(answer instanceof Error) && (await lastServed(who.user.id)) === slug) return;
    if (Date.now() > deadline)
      throw new Error(`'${name}' was not served by ${slug} within 1 s: ${String(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
