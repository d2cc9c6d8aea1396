// Guardrails across two gateway processes (ADR 067): a key's policy changed
// through one instance's JSON API is obeyed by the other, which had the key
// cached, from its next request: the e-mail address is redacted before the
// provider sees it, and the usage row counts the redaction.
import OpenAI from "openai";
import { expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayProcesses } from "../support/setup-gateway.ts";
import { signedInCookie } from "../support/sign-in.ts";

const { prisma, fake, gateways } = setupGatewayProcesses({
  instances: 2,
  prepare: (prisma) =>
    createCatalogEntry(prisma, { modelSlug: "guarded", upstreamModel: "up-guarded" }),
  env: (fake) => ({
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: fake.baseUrl,
    LOG_LEVEL: "warn",
    SESSION_SECRET: "g".repeat(32),
  }),
  checkLedger: true,
});

test("a policy set through one instance is obeyed by the other, redactions counted in the usage row", async () => {
  const user = await createUser(prisma, { credits: 10 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  const client = new OpenAI({
    apiKey: secret,
    baseURL: `${gateways[1]!.baseUrl}/v1`,
    maxRetries: 0,
  });
  const ask = () =>
    client.chat.completions.create({
      model: "guarded",
      messages: [{ role: "user", content: "Mail the report to ops@example.com" }],
    });
  await ask(); // instance 1 has the key cached now
  expect(JSON.stringify(fake.scripts.received.at(-1)!.body)).toContain("ops@example.com");

  const cookie = await signedInCookie(gateways[0]!.baseUrl, user.email);
  const put = await fetch(`${gateways[0]!.baseUrl}/api/api-keys`, {
    method: "PUT",
    headers: { cookie, "content-type": "application/json", origin: gateways[0]!.baseUrl },
    body: JSON.stringify({
      id: apiKey.id,
      guardrails: { contentRules: [{ name: "email", pattern: "email", action: "redact" }] },
    }),
  });
  expect(put.status).toBe(200);
  await expect
    .poll(async () => {
      await ask();
      return JSON.stringify(fake.scripts.received.at(-1)!.body);
    })
    .toContain("Mail the report to [REDACTED:email]");
  const [row] = await prisma.conversation.findMany({
    where: { apiKeyId: apiKey.id },
    orderBy: { id: "desc" },
    take: 1,
  });
  console.log(
    "redacted request's usage row:",
    JSON.stringify({
      requestId: row!.requestId,
      status: row!.status,
      redactions: row!.redactions,
      prompt: row!.prompt,
      cost: String(row!.cost),
    }),
  );
  expect(row).toMatchObject({ status: "SUCCESS", redactions: 1, prompt: null });
  expect(JSON.stringify(fake.scripts.received.at(-1)!.body)).not.toContain("ops@example.com");
});
