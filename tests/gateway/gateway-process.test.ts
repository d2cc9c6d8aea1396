// Real gateway processes (the production build, routed by React Router) on one
// database, in front of the fake OpenAI server.
import { mkdtempSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { describe, expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";
import { postCompletion } from "../support/completions.ts";

const METRICS_TOKEN = "scraper-token-0123456789";
// Whatever the tests did, every account still agrees with its history.
const { db, prisma, fake, gateways } = setupGatewayProcesses({
  instances: 2,
  prepare: (prisma) =>
    createCatalogEntry(prisma, {
      modelSlug: "gpt-proc",
      usd: { input: "1.00", cachedInput: "0.10", output: "2.00" },
    }),
  env: (fake) => ({
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: fake.baseUrl,
    HOLD_SWEEP_INTERVAL_SECONDS: "1",
    LOG_LEVEL: "warn",
    METRICS_TOKEN: METRICS_TOKEN,
  }),
  checkLedger: true,
  resetFake: true,
});

async function customer() {
  const user = await createUser(prisma, { credits: 50 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  return { user, apiKey, secret };
}

const clientFor = (gateway: GatewayProcess, secret: string) =>
  new OpenAI({ apiKey: secret, baseURL: `${gateway.baseUrl}/v1`, maxRetries: 0 });

test("the React Router routes serve the API: chat, the seed's endpoint, models, and 405", async () => {
  const { secret, user } = await customer();
  const gateway = gateways[0]!;
  const completion = await clientFor(gateway, secret).chat.completions.create({
    model: "gpt-proc",
    messages: [{ role: "user", content: "Hi" }],
  });
  expect(completion.choices[0]!.message.content).toBe("Hello from the fake provider.");

  const seed = await fetch(`${gateway.baseUrl}/api/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "gpt-proc",
      messages: [{ role: "user", content: "Hi" }],
      apiKey: secret,
    }),
  });
  expect(await seed.text()).toMatch(/^data: \{"content":"Hell"\}\n\n[\s\S]*data: \[DONE\]\n\n$/);

  // As Claude Code's model discovery asks for it.
  const models = (await (await fetch(`${gateway.baseUrl}/v1/models?limit=1000`)).json()) as {
    object: string;
    data: { id: string; owned_by: string; pricing: Record<string, string> }[];
    has_more: boolean;
    first_id: string;
    last_id: string;
  };
  expect(models.object).toBe("list");
  expect(models).toMatchObject({
    has_more: false,
    first_id: models.data[0]!.id,
    last_id: models.data.at(-1)!.id,
  });
  expect(models.data).toContainEqual(
    expect.objectContaining({
      id: "gpt-proc",
      owned_by: "openai",
      type: "model",
      display_name: expect.any(String),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      context_length: expect.any(Number),
      // Ours in µcr per 1M tokens; OpenRouter's in US dollars per token.
      pricing: expect.objectContaining({
        input: "100000000",
        output: "200000000",
        prompt: "0.000001",
        completion: "0.000002",
        input_cache_read: "0.0000001",
      }),
      supported_parameters: expect.arrayContaining(["tools", "response_format", "temperature"]),
    }),
  );

  const get = await fetch(`${gateway.baseUrl}/v1/chat/completions`);
  expect(get.status).toBe(405);
  expect(await prisma.conversation.count({ where: { userId: user.id } })).toBe(2);

  const key = await fetch(`${gateway.baseUrl}/api/v1/key`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(key.status).toBe(200);
  expect(((await key.json()) as { data: { is_free_tier: boolean } }).data.is_free_tier).toBe(false);
});

test("Anthropic's Messages API through the real routes: Claude Code's ?beta=true path, count_tokens, 405", async () => {
  const { secret, user } = await customer();
  const gateway = gateways[1]!;
  const client = new Anthropic({ apiKey: secret, baseURL: gateway.baseUrl, maxRetries: 0 });
  // The beta namespace posts to /v1/messages?beta=true, as Claude Code does.
  const message = await client.beta.messages
    .stream(
      { model: "gpt-proc", max_tokens: 50, messages: [{ role: "user", content: "Hi" }] },
      { headers: { "anthropic-beta": "fine-grained-tool-streaming-2025-05-14" } },
    )
    .finalMessage();
  expect(message.content).toMatchObject([{ type: "text", text: "Hello from the fake provider." }]);
  expect(message.usage.output_tokens).toBeGreaterThan(0);
  const counted = await client.messages.countTokens({
    model: "gpt-proc",
    messages: [{ role: "user", content: "Hi" }],
  });
  expect(counted.input_tokens).toBeGreaterThan(0);
  const get = await fetch(`${gateway.baseUrl}/v1/messages`);
  expect(get.status).toBe(405);
  expect(await get.json()).toMatchObject({
    type: "error",
    error: { type: "invalid_request_error" },
  });
  const rows = await prisma.conversation.findMany({ where: { userId: user.id } });
  expect(rows.map((row) => [row.endpoint, row.status])).toEqual([["/v1/messages", "SUCCESS"]]);
});

test("OpenAI's Responses API through the real routes: a stream on one instance, its continuation on the other, 405", async () => {
  const { secret, user } = await customer();
  const events: string[] = [];
  const stream = await clientFor(gateways[0]!, secret).responses.create({
    model: "gpt-proc",
    input: "My name is Ada.",
    stream: true,
  });
  let id = "";
  for await (const event of stream) {
    events.push(event.type);
    if (event.type === "response.completed") id = event.response.id;
  }
  expect(events[0]).toBe("response.created");
  expect(events.at(-1)).toBe("response.completed");
  expect(id).toMatch(/^resp_/);
  // Stored in the database: the other instance continues it.
  fake.scripts.enqueue("gpt-proc", { text: "You are Ada." });
  const second = await clientFor(gateways[1]!, secret).responses.create({
    model: "gpt-proc",
    input: "Who am I?",
    previous_response_id: id,
  });
  expect(second.output_text).toBe("You are Ada.");
  const upstream = JSON.stringify(fake.scripts.received.at(-1)!.body);
  expect(upstream).toContain("My name is Ada.");
  expect(upstream).toContain("Hello from the fake provider.");
  const get = await fetch(`${gateways[1]!.baseUrl}/v1/responses`);
  expect(get.status).toBe(405);
  expect(await get.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  const rows = await prisma.conversation.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: "asc" },
  });
  expect(rows.map((row) => [row.endpoint, row.stream, row.status])).toEqual([
    ["/v1/responses", true, "SUCCESS"],
    ["/v1/responses", false, "SUCCESS"],
  ]);
});

test("a route answers only its methods: others get 405, unknown ones too, and OPTIONS runs no loader", async () => {
  const base = gateways[0]!.baseUrl;
  const call = async (method: string, path: string) => {
    const response = await fetch(base + path, { method, redirect: "manual" });
    return {
      status: response.status,
      allow: response.headers.get("allow"),
      body: await response.text(),
    };
  };
  for (const method of ["PUT", "PATCH", "DELETE"]) {
    for (const path of [
      "/api/payments/onramp",
      "/api/auth/sign-in",
      "/api/auth/sign-up",
      "/v1/chat/completions",
    ]) {
      const answer = await call(method, path);
      expect({ method, path, status: answer.status, allow: answer.allow }).toEqual({
        method,
        path,
        status: 405,
        allow: "POST",
      });
      expect(JSON.parse(answer.body).error.code).toBe("method_not_allowed");
    }
  }
  // Node's fetch refuses to send TRACE: a raw request does.
  const trace = await new Promise<number>((resolve, reject) =>
    http
      .request(`${base}/v1/chat/completions`, { method: "TRACE" }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      })
      .on("error", reject)
      .end(),
  );
  expect(trace).toBe(405);
  // The profile loader would answer 401 without a session: OPTIONS never reaches it.
  const options = await call("OPTIONS", "/api/auth/profile");
  expect(options).toMatchObject({ status: 204, body: "" });
  expect(options.allow).toContain("POST");
});

test("/metrics counts what the gateway served, by model, provider and outcome", async () => {
  const { secret } = await customer();
  const gateway = gateways[1]!;
  await clientFor(gateway, secret).chat.completions.create({
    model: "gpt-proc",
    messages: [{ role: "user", content: "Hi" }],
  });
  await fetch(`${gateway.baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer gw-nonsense", "content-type": "application/json" },
    body: "{}",
  });
  const scraped = await fetch(`${gateway.baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(scraped.status).toBe(200);
  const text = await scraped.text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? "NaN");
  expect(
    value(/^gateway_requests_total\{model="gpt-proc",provider="openai",status="SUCCESS"\} (\d+)/m),
  ).toBeGreaterThanOrEqual(1);
  expect(
    value(/^gateway_error_responses_total\{status="401",code="invalid_api_key"\} (\d+)/m),
  ).toBe(1);
  expect(value(/^gateway_tokens_total\{model="gpt-proc",kind="output"\} (\d+)/m)).toBeGreaterThan(
    0,
  );
  expect(text).toMatch(
    /^gateway_request_duration_seconds_bucket\{le="0\.05",model="gpt-proc",provider="openai"\} \d+/m,
  );
  expect(text).toMatch(/^gateway_held_credits \d/m);
  const pool = {
    open: value(/^gateway_db_pool_open (\d+)/m),
    inUse: value(/^gateway_db_pool_in_use (\d+)/m),
    waiting: value(/^gateway_db_pool_waiting (\d+)/m),
  };
  expect(pool.open).toBeGreaterThanOrEqual(1); // the completion above went through the pool
  expect(pool.inUse).toBeGreaterThanOrEqual(0);
  expect(pool.inUse).toBeLessThanOrEqual(pool.open);
  expect(pool.waiting).toBe(0);
  expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  expect(text).not.toMatch(/(user|key)[a-z_]*="|gw-/); // no user or key ids as labels, no secrets
  expect((await fetch(`${gateway.baseUrl}/metrics`)).status).toBe(401);
});

test("a completions body over the limit is refused with 413 before it is read", async () => {
  const { secret } = await customer();
  const url = new URL(`${gateways[0]!.baseUrl}/v1/chat/completions`);
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${secret}`,
        "content-type": "application/json",
        "content-length": String(30 * 1024 * 1024),
      },
    });
    request.on("response", (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode!, body }));
    });
    request.on("error", reject);
    request.write('{"model": "gpt-proc", "messages": [');
  });
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.body).error.code).toBe("request_too_large");
});

test("a newcomer signs up, tops up, creates a key and calls the gateway, all over HTTP", async () => {
  const gateway = gateways[1]!;
  let cookie = "";
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(gateway.baseUrl + path, {
      method,
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    cookie = response.headers.get("set-cookie")?.split(";")[0] ?? cookie;
    return { status: response.status, json: (await response.json()) as unknown };
  };
  const email = `newcomer-${Date.now()}@example.test`;
  expect(
    (await call("POST", "/api/auth/sign-up", { email, password: "a long password" })).status,
  ).toBe(201);
  expect(
    (await call("POST", "/api/payments/onramp", undefined, { "idempotency-key": "first" })).status,
  ).toBe(201);
  const created = await call("POST", "/api/api-keys", { name: "first key" });
  expect(created.status).toBe(201);
  const secret = (created.json as { secret: string }).secret;

  const completion = await clientFor(gateway, secret).chat.completions.create({
    model: "gpt-proc",
    messages: [{ role: "user", content: "Hi" }],
  });
  expect(completion.choices[0]!.message.content).toBe("Hello from the fake provider.");
  const profile = await call("GET", "/api/auth/profile");
  const balance = (profile.json as { balance: { microCredits: string } }).balance.microCredits;
  const user = await prisma.user.findUniqueOrThrow({
    where: { email },
    include: { conversations: true },
  });
  expect(user.conversations).toHaveLength(1);
  expect(BigInt(balance)).toBe(1_000_000_000n - user.conversations[0]!.cost);
});

test("disabling a key stops it on every instance within a second", async () => {
  const { secret, apiKey } = await customer();
  const ask = (gateway: GatewayProcess) =>
    clientFor(gateway, secret)
      .chat.completions.create({
        model: "gpt-proc",
        messages: [{ role: "user", content: "Hi" }],
        max_completion_tokens: 10,
      })
      .then(() => 200)
      .catch((error: { status?: number }) => error.status ?? 0);
  // Both instances have the key in their caches now.
  expect(await Promise.all(gateways.map(ask))).toEqual([200, 200]);

  await prisma.apiKey.update({ where: { id: apiKey.id }, data: { enabled: false } });
  const disabledAt = performance.now();
  const refusedAfter = await Promise.all(
    gateways.map(async (gateway) => {
      while (performance.now() - disabledAt < 5000) {
        if ((await ask(gateway)) === 401) return performance.now() - disabledAt;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return Infinity;
    }),
  );
  for (const elapsed of refusedAfter) expect(elapsed).toBeLessThan(1000);
});

test.each(["disabled", "deleted"] as const)(
  "a key %s mid-stream ends its streams on every instance within a second, billed for what they produced",
  async (how) => {
    const { secret, apiKey, user } = await customer();
    // Twenty chunks, 150 ms apart: three seconds if nothing stops them.
    const chunks = Array.from({ length: 20 }, (_, i) => `w${i} `);
    fake.scripts.enqueue("gpt-proc", { chunks, chunkDelayMs: 150 });
    fake.scripts.enqueue("gpt-proc", { chunks, chunkDelayMs: 150 });
    const streams = gateways.map(async (gateway) => {
      const response = await postCompletion(gateway.baseUrl, secret, {
        model: "gpt-proc",
        stream: true,
        max_completion_tokens: 100,
        messages: [{ role: "user", content: "Hi" }],
      });
      const body = await response.text();
      return { body, endedAt: performance.now() };
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    await prisma.apiKey.update({
      where: { id: apiKey.id },
      data: how === "disabled" ? { enabled: false } : { deletedAt: new Date() },
    });
    const revokedAt = performance.now();
    for (const { body, endedAt } of await Promise.all(streams)) {
      expect(endedAt - revokedAt).toBeLessThan(1000);
      expect(body).toContain('"content":"w0 "');
      expect(body).not.toContain('"content":"w19 "');
      expect(body).toMatch(
        /data: \{"error":\{"message":"[^"]+","type":"permission_error","code":"key_revoked"/,
      );
      expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
    }
    let rows: Awaited<ReturnType<typeof prisma.conversation.findMany>> = [];
    for (let i = 0; i < 100 && rows.length < 2; i++) {
      rows = await prisma.conversation.findMany({ where: { userId: user.id } });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ status: "ERROR", errorCode: "key_revoked" });
      expect(row.outputTokens).toBeGreaterThan(0);
      expect(row.outputTokens).toBeLessThan(20);
      expect(row.cost).toBeGreaterThan(0n);
    }
  },
);

describe("bodies of forms and the JSON API are bounded before they are read", () => {
  /** Sends the headers and the start of a body, and resolves with the answer. */
  const send = (path: string, headers: Record<string, string>, chunk: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${gateways[0]!.baseUrl}${path}`, { method: "POST", headers });
      let answered = false;
      request.on("response", (response) => {
        answered = true;
        let body = "";
        response.on("data", (data: Buffer) => (body += data.toString()));
        response.on("end", () => resolve({ status: response.statusCode!, body }));
      });
      request.on("error", (error) => (answered ? undefined : reject(error)));
      request.write(chunk);
    });

  test.each(["/login", "/signup", "/api/auth/sign-in", "/dashboard/keys"])(
    "a declared length over the limit: 413 at once (%s)",
    async (path) => {
      const answer = await send(
        path,
        {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": String(150 * 1024 * 1024),
        },
        "email=a%40b.c&password=",
      );
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).error.code).toBe("request_too_large");
    },
  );

  test("a body without a length is refused with 411, and the gateway serves on", async () => {
    const answer = await send(
      "/signup",
      { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" },
      "email=a%40b.c",
    );
    expect(answer.status).toBe(411);
    expect(JSON.parse(answer.body).error.code).toBe("length_required");
    expect((await fetch(`${gateways[0]!.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe("a gateway killed mid-request", () => {
  test("another instance charges what it had recorded and releases its hold within seconds", async () => {
    const { secret, user } = await customer();
    const before = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    fake.scripts.enqueue("gpt-proc", {
      chunks: Array.from({ length: 100 }, () => "slow "),
      chunkDelayMs: 100,
    });
    const victim = gateways[0]!;
    const stream = await clientFor(victim, secret).chat.completions.create({
      model: "gpt-proc",
      messages: [{ role: "user", content: "Go slowly" }],
      max_completion_tokens: 1000,
      stream: true,
    });
    // About 25 chunks in 2.5 s: the run records its progress every second once it has run a
    // second (on a busy machine the write may still be on its way: it is waited for).
    // (Read by hand: leaving a for-await loop would close the stream.)
    const iterator = stream[Symbol.asyncIterator]();
    for (let received = 0; received < 25; received++) await iterator.next();
    await expect.poll(() => prisma.requestProgress.count(), { timeout: 5_000 }).toBe(1);
    await victim.stop("SIGKILL");
    const killedAt = performance.now();

    // The surviving instance's sweeper (every second here) finds the dead one's lock free,
    // and still free three seconds on (a live instance takes it back within one).
    let row = null;
    while (!row && performance.now() - killedAt < 10_000) {
      row = await prisma.conversation.findFirst({ where: { userId: user.id } });
      if (!row) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(row).toMatchObject({
      status: "INTERRUPTED",
      usageSource: "ESTIMATED",
      errorCode: "interrupted",
    });
    // What had been recorded: part of the answer (of 100 chunks), not all of it.
    expect(row!.outputTokens).toBeGreaterThanOrEqual(10);
    expect(row!.outputTokens).toBeLessThan(100);
    expect(row!.cost).toBeGreaterThan(0n);
    const after = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.reserved).toBe(0n);
    expect(after.balance).toBe(before.balance - row!.cost);
    expect(await prisma.creditHold.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.requestProgress.count()).toBe(0);
  });
});

describe("a gateway stopped with SIGTERM", () => {
  test("lets running streams go on for the grace period, then ends them with an error event, billed, and exits 0", async () => {
    const { secret, user } = await customer();
    const gateway = await startGateway({
      DATABASE_URL: db.url,
      DATA_DIR: mkdtempSync(join(tmpdir(), "gw-c-")),
      OPENAI_API_KEY: "sk-fake",
      OPENAI_BASE_URL: fake.baseUrl,
      SHUTDOWN_GRACE_SECONDS: "1",
      LOG_LEVEL: "warn",
    });
    fake.scripts.enqueue("gpt-proc", {
      chunks: Array.from({ length: 100 }, (_, i) => `c${i} `),
      chunkDelayMs: 50,
    });
    const response = await postCompletion(gateway.baseUrl, secret, {
      model: "gpt-proc",
      stream: true,
      max_completion_tokens: 1000,
      messages: [{ role: "user", content: "Hi" }],
    });
    const body = response.text();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopping = performance.now();
    const exited = gateway.stop("SIGTERM");
    const text = await body;
    const endedAfter = performance.now() - stopping;
    expect(endedAfter).toBeGreaterThan(900); // it streamed on through the grace period
    expect(endedAfter).toBeLessThan(3_000);
    expect(text).toContain('"content":"c0 "');
    expect(text).not.toContain('"content":"c99 "');
    expect(text).toMatch(
      /data: \{"error":\{"message":"[^"]+","type":"server_error","code":"server_shutting_down"/,
    );
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(await exited).toBe(0);
    const row = await prisma.conversation.findFirstOrThrow({ where: { userId: user.id } });
    expect(row).toMatchObject({ status: "ERROR", errorCode: "server_shutting_down" });
    expect(row.outputTokens).toBeGreaterThan(10);
    expect(row.cost).toBeGreaterThan(0n);
    const after = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.reserved).toBe(0n);
  });
});
