// Webhooks and spend alerts across two gateway processes on one database (ADR
// 068): an alert crossed by requests on both instances is delivered once, by
// webhook (signed) and by e-mail; a failing endpoint is retried with backoff and
// the attempts are in its delivery log; key events reach the endpoint.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import { verifySignature } from "../../app/accounts/notifications/webhook-signature.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startMailCatcher } from "../support/mail-catcher.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";
import { signedInCookie } from "../support/sign-in.ts";

interface Received {
  at: number;
  headers: IncomingMessage["headers"];
  body: string;
}

/** An endpoint that records what it is sent and answers `status(request)` (200 by default). */
async function startReceiver() {
  const received: Received[] = [];
  let answer = (_: Received) => 200;
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const got = { at: performance.now(), headers: request.headers, body };
      received.push(got);
      response.writeHead(answer(got)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answerWith: (next: (request: Received) => number) => (answer = next),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

let mail: Awaited<ReturnType<typeof startMailCatcher>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  mail = await startMailCatcher();
  receiver = await startReceiver();
});
afterAll(async () => {
  await mail?.close();
  await receiver?.close();
});

const MODEL = "alerted-model";
const { prisma, gateways } = setupGatewayProcesses({
  instances: 2,
  prepare: (prisma) =>
    createCatalogEntry(prisma, {
      modelSlug: MODEL,
      upstreamModel: "up-alerted",
      usd: { input: "10.00", cachedInput: "1.00", output: "150.00" },
    }),
  env: (fake) => ({
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: fake.baseUrl,
    LOG_LEVEL: "warn",
    SMTP_URL: mail.url,
    WEBHOOK_RETRY_BASE_SECONDS: "1",
    // One session secret, as a deployment's instances share: a cookie works on both.
    SESSION_SECRET: "n".repeat(32),
  }),
  checkLedger: true,
});

/** A signed-in account with an endpoint for all its events; the endpoint's secret. */
async function accountWithWebhook(credits = 10) {
  const user = await createUser(prisma, { credits });
  const cookie = await signedInCookie(gateways[0]!.baseUrl, user.email);
  const call = (instance: number, method: string, path: string, body?: unknown) =>
    fetch(`${gateways[instance]!.baseUrl}${path}`, {
      method,
      headers: { cookie, "content-type": "application/json", origin: gateways[instance]!.baseUrl },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const created = await call(0, "POST", "/api/webhooks", { url: receiver.url });
  expect(created.status).toBe(201);
  const { webhook, secret } = (await created.json()) as { webhook: { id: string }; secret: string };
  expect(secret).toMatch(/^whsec_/);
  return { user, call, webhookId: webhook.id, secret };
}

const eventsOf = (accountId: string, type?: string) =>
  receiver.received
    .map((request) => ({
      ...request,
      payload: JSON.parse(request.body) as Record<string, unknown>,
    }))
    .filter(({ payload }) => payload.account_id === accountId && (!type || payload.type === type));

test("a balance alert crossed by requests on both instances is sent once, signed, and mailed once", async () => {
  const { user, call, secret } = await accountWithWebhook(10);
  const alert = await call(1, "POST", "/api/alerts", { kind: "balance_below", credits: 8 });
  expect(alert.status).toBe(201);
  const { apiKey, secret: keySecret } = await createApiKey(prisma, user.id);
  // Each request costs about 0.1 credit here: 30 of them, on both instances at once, cross 8.
  await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      new OpenAI({
        apiKey: keySecret,
        baseURL: `${gateways[i % 2]!.baseUrl}/v1`,
        maxRetries: 0,
      }).chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "Hi" }],
        max_completion_tokens: 10,
      }),
    ),
  );
  const balance = (await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).balance;
  expect(balance).toBeLessThan(8_000_000n);
  await expect.poll(() => eventsOf(user.id, "alert.triggered").length, { timeout: 10_000 }).toBe(1);
  // Both instances saw balances under the threshold after that; give them time to (not) send more.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const alerts = eventsOf(user.id, "alert.triggered");
  console.log(
    "alert from two instances:",
    JSON.stringify({
      webhooks: alerts.length,
      payload: alerts[0]?.payload,
      balance: String(balance),
    }),
  );
  expect(alerts).toHaveLength(1);
  const [sent] = alerts;
  expect(sent!.payload).toMatchObject({
    type: "alert.triggered",
    data: { kind: "balance_below", description: expect.stringContaining("8.00 credits") },
  });
  expect(verifySignature(secret, sent!.body, String(sent!.headers["x-gateway-signature"]))).toBe(
    true,
  );
  expect(
    verifySignature("whsec_other", sent!.body, String(sent!.headers["x-gateway-signature"])),
  ).toBe(false);
  const mails = mail.mails.filter((caught) => caught.to.includes(user.email));
  expect(mails).toHaveLength(1);
  expect(mails[0]!.raw).toContain("Alert: balance under 8.00 credits");
  expect(apiKey.id).toBeTruthy();
});

test("an endpoint that fails is tried again with backoff; the attempts are in its delivery log", async () => {
  const { user, call, webhookId } = await accountWithWebhook();
  let failuresLeft = 2;
  receiver.answerWith((request) =>
    request.body.includes(user.id) && failuresLeft-- > 0 ? 503 : 200,
  );
  expect((await call(1, "POST", `/api/webhooks/${webhookId}/test`)).status).toBe(202);
  await expect.poll(() => eventsOf(user.id, "ping").length, { timeout: 15_000 }).toBe(3);
  const attempts = eventsOf(user.id, "ping");
  // One event, one delivery id, three attempts: waits of at least 1 s and then 2 s.
  expect(new Set(attempts.map((attempt) => attempt.headers["x-gateway-delivery"])).size).toBe(1);
  expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
  expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(1_900);
  await expect
    .poll(async () => {
      const { webhooks } = (await (await call(0, "GET", "/api/webhooks")).json()) as {
        webhooks: {
          deliveries: { event: string; status: string; attempts: number; lastStatus: number }[];
        }[];
      };
      return webhooks[0]!.deliveries[0];
    })
    .toMatchObject({ event: "ping", status: "delivered", attempts: 3, lastStatus: 200 });
  receiver.answerWith(() => 200);
});

test("a key created and revoked through the API reaches the endpoint as key.created and key.revoked", async () => {
  const { user, call } = await accountWithWebhook();
  const made = await call(1, "POST", "/api/api-keys", { name: "watched" });
  expect(made.status).toBe(201);
  const { apiKey } = (await made.json()) as { apiKey: { id: string } };
  expect((await call(0, "DELETE", `/api/api-keys/${apiKey.id}`)).status).toBe(200);
  await expect
    .poll(() => eventsOf(user.id).map(({ payload }) => payload.type), { timeout: 10_000 })
    .toEqual(["key.created", "key.revoked"]);
  expect(eventsOf(user.id, "key.created")[0]!.payload).toMatchObject({
    data: { key_id: apiKey.id, name: "watched" },
  });
});

test.each([
  ["/api/webhooks", { url: "ftp://example.test/hook" }, "url: must be an http:// or https:// URL"],
  [
    "/api/webhooks",
    { url: "https://example.test", events: ["nope"] },
    "events[0]: must be event types",
  ],
  ["/api/alerts", { kind: "balance_below", credits: 0 }, "credits: must be at least 1"],
  ["/api/alerts", { kind: "sometimes", credits: 5 }, "kind must be one of"],
  [
    "/api/alerts",
    { kind: "key_limit_percent", keyId: "00000000-0000-4000-8000-000000000000", percent: 80 },
    "keyId: No such key in this account",
  ],
])("POST %s %j is a 400 naming the problem", async (path, body, message) => {
  const user = await createUser(prisma, { credits: 1 });
  const cookie = await signedInCookie(gateways[0]!.baseUrl, user.email);
  const response = await fetch(`${gateways[0]!.baseUrl}${path}`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json", origin: gateways[0]!.baseUrl },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(400);
  expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
    message,
  );
});
