// Timeouts of providers added through the admin API (issue #21, finding 6): the
// environment's limits apply to them, and an admin sets a provider's own limits
// in the database, which every instance reads.
import { beforeAll, expect, test } from "vitest";
import { createApiKey, createUser } from "../support/factories.ts";
import { signedInCookie } from "../support/sign-in.ts";
import type { GatewayProcess } from "../support/gateway-process.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";
import { postCompletion } from "../support/completions.ts";

const { prisma, fake, gateways } = setupGatewayProcesses({
  instances: 2,
  env: () => ({
    LOG_LEVEL: "warn",
    UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS: "1",
    UPSTREAM_CHUNK_TIMEOUT_SECONDS: "1",
    UPSTREAM_ANSWER_TIMEOUT_SECONDS: "1",
  }),
  checkLedger: true,
  resetFake: true,
});
let adminCookie: string;
let secret: string;

const PRICES = { input: "1.00", output: "2.00" };

beforeAll(async () => {
  const admin = await createUser(prisma, { role: "ADMIN", credits: 100 });
  adminCookie = await signedInCookie(gateways[0]!.baseUrl, admin.email);
  // A provider of rows only: no environment variable names it.
  expect(
    (
      await adminApi("POST", "/api/admin/providers", {
        slug: "hangs",
        kind: "openai-compatible",
        baseUrl: fake.baseUrl,
        apiKey: "sk-hangs-0123456789",
      })
    ).status,
  ).toBe(201);
  for (const [slug, upstreamModel] of [
    ["hang-model", "hang-up"],
    ["next-model", "next-up"],
  ]) {
    const created = await adminApi("POST", "/api/admin/models", {
      slug,
      contextLength: 8_000,
      maxOutputTokens: 1_000,
      mappings: [{ provider: "hangs", upstreamModel, prices: PRICES }],
    });
    expect(created.status).toBe(201);
  }
  ({ secret } = await createApiKey(prisma, admin.id));
});

function adminApi(method: string, path: string, body?: unknown) {
  return fetch(`${gateways[0]!.baseUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", cookie: adminCookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A request to a provider that never answers; the client gives up after 10 s. */
async function toHangingProvider(gateway: GatewayProcess, body: Record<string, unknown>) {
  fake.scripts.enqueue("hang-up", { firstByteDelayMs: 60_000 });
  const started = performance.now();
  const response = await postCompletion(
    gateway.baseUrl,
    secret,
    { model: "hang-model", max_tokens: 20, ...body },
    AbortSignal.timeout(10_000),
  );
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}

test("the environment's limits apply to a provider added through the admin API", async () => {
  const streamed = await toHangingProvider(gateways[0]!, { stream: true });
  expect(streamed.status).toBe(504);
  expect(JSON.parse(streamed.text).error).toMatchObject({
    code: "upstream_timeout",
    message: "hangs sent nothing within 1 s",
  });

  // A whole (JSON) answer behind a silent provider: `models` falls back to the next model.
  fake.scripts.enqueue("next-up", { text: "The next model answers." });
  const json = await toHangingProvider(gateways[1]!, { models: ["next-model"] });
  expect(json.status).toBe(200);
  expect(JSON.parse(json.text).choices[0].message.content).toBe("The next model answers.");
});

test("an admin sets a provider's own limits; both instances use them, null goes back to the environment's", async () => {
  const changed = await adminApi("PUT", "/api/admin/providers/hangs", {
    firstByteTimeoutSeconds: 2,
    chunkTimeoutSeconds: 3,
    answerTimeoutSeconds: 2,
  });
  expect(changed.status).toBe(200);
  expect((await changed.json()).provider).toMatchObject({
    firstByteTimeoutSeconds: 2,
    chunkTimeoutSeconds: 3,
    answerTimeoutSeconds: 2,
  });
  // The change notification reaches the other instance, which reloads the provider's row.
  await expect
    .poll(async () => JSON.parse((await toHangingProvider(gateways[1]!, { stream: true })).text), {
      timeout: 15_000,
    })
    .toMatchObject({ error: { message: "hangs sent nothing within 2 s" } });
  expect(JSON.parse((await toHangingProvider(gateways[0]!, {})).text)).toMatchObject({
    error: { code: "upstream_timeout", message: "hangs did not send its whole answer within 2 s" },
  });

  expect(
    (await adminApi("PUT", "/api/admin/providers/hangs", { firstByteTimeoutSeconds: null })).status,
  ).toBe(200);
  await expect
    .poll(async () => JSON.parse((await toHangingProvider(gateways[1]!, { stream: true })).text), {
      timeout: 15_000,
    })
    .toMatchObject({ error: { message: "hangs sent nothing within 1 s" } });
});

test("a limit that is not a whole number of seconds from 1 to 3600 is a 400 naming the field", async () => {
  for (const [field, value] of [
    ["firstByteTimeoutSeconds", 0],
    ["chunkTimeoutSeconds", 1.5],
    ["answerTimeoutSeconds", "soon"],
    ["answerTimeoutSeconds", 3601],
  ] as const) {
    const refused = await adminApi("PUT", "/api/admin/providers/hangs", { [field]: value });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toMatch(new RegExp(`^${field}: `));
  }
  // A new provider may come with its limits.
  const created = await adminApi("POST", "/api/admin/providers", {
    slug: "patient",
    kind: "openai-compatible",
    baseUrl: fake.baseUrl,
    answerTimeoutSeconds: 900,
  });
  expect(created.status).toBe(201);
  expect((await created.json()).provider).toMatchObject({
    firstByteTimeoutSeconds: null,
    chunkTimeoutSeconds: null,
    answerTimeoutSeconds: 900,
  });
});
