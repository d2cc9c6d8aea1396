// Guardrails as requests meet them (ADR 067): providers and prices narrow the
// routes, max tokens caps or refuses, content rules block or redact; a refusal
// is a 4xx in the endpoint's shape naming the rule, before any hold, and a
// redaction is counted in the usage row. A team's policy applies to its keys
// with the key's own, and a change reaches the running gateway.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { beforeAll, expect, test } from "vitest";
import type { Guardrails } from "../../app/accounts/guardrails/guardrail-policy.ts";
import {
  createApiKey,
  createCatalogEntry,
  createTeamAccount,
  createUser,
} from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness({ checkLedger: true, resetFakes: true });

const MODEL = "guarded-model";
beforeAll(async () => {
  // One model, three providers, OpenAI the cheapest and first.
  const offers = [
    ["openai", { input: "1.00", cachedInput: "0.10", output: "4.00" }],
    ["anthropic", { input: "3.00", cachedInput: "0.30", output: "15.00" }],
    ["google", { input: "2.00", cachedInput: "0.20", output: "8.00" }],
  ] as const;
  for (const [index, [providerSlug, usd]] of offers.entries())
    await createCatalogEntry(prisma, {
      modelSlug: MODEL,
      providerSlug,
      upstreamModel: `up-${providerSlug}`,
      usd,
      priority: index + 1,
    });
});

async function guardedKey(guardrails: Guardrails | null, accountId?: string, createdById?: string) {
  const userId = accountId ?? (await createUser(prisma, { credits: 10 })).id;
  const { apiKey, secret } = await createApiKey(prisma, userId, { createdById });
  await prisma.apiKey.update({
    where: { id: apiKey.id },
    data: { guardrails: guardrails ?? undefined },
  });
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  return { userId, apiKey, secret, client };
}

const ask = (
  content: string,
  extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {},
) => ({
  model: MODEL,
  messages: [{ role: "user" as const, content }],
  ...extra,
});

const received = () =>
  Object.fromEntries(
    Object.entries(harness.fakes).map(([slug, fake]) => [slug, fake.scripts.received.length]),
  );

/** Nothing was held, charged or asked of a provider. */
async function expectUntouched(userId: string) {
  expect(Object.values(received()).every((count) => count === 0)).toBe(true);
  expect(await prisma.conversation.count({ where: { userId } })).toBe(0);
  const account = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  expect(account.reserved).toBe(0n);
  expect(await prisma.creditHold.count({ where: { userId } })).toBe(0);
}

test("a denied provider is skipped: the next one serves", async () => {
  const { client, apiKey } = await guardedKey({ deniedProviders: ["openai"] });
  await client.chat.completions.create(ask("Hi"));
  expect(received()).toMatchObject({ openai: 0, anthropic: 1, google: 0 });
  const [row] = await prisma.conversation.findMany({ where: { apiKeyId: apiKey.id } });
  expect(row?.providerSlug).toBe("anthropic");
});

test("allowed providers that serve nothing of the model: 403 naming the rule, before any hold", async () => {
  const { client, userId } = await guardedKey({ allowedProviders: ["mistral"] });
  const refused = await client.chat.completions.create(ask("Hi")).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
  const { error } = refused as InstanceType<typeof OpenAI.PermissionDeniedError>;
  expect(error).toMatchObject({ code: "guardrail_provider_not_allowed" });
  expect((refused as Error).message).toContain("only mistral");
  await expectUntouched(userId);
});

test("max_price leaves the routes at or under it, and refuses when none is", async () => {
  const cheap = await guardedKey({ deniedProviders: ["openai"], maxPrice: { prompt: 2.5 } });
  await cheap.client.chat.completions.create(ask("Hi"));
  expect(received()).toMatchObject({ openai: 0, anthropic: 0, google: 1 });

  const none = await guardedKey({ maxPrice: { completion: 3 } });
  const refused = await none.client.chat.completions.create(ask("Hi")).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
  expect((refused as Error).message).toContain("max_price");
  expect(await prisma.conversation.count({ where: { userId: none.userId } })).toBe(0);
});

test("max tokens: a larger ask is a 400 naming the parameter; no ask is capped at it upstream", async () => {
  const { client, userId } = await guardedKey({ maxTokens: 64 });
  const refused = await client.chat.completions
    .create(ask("Hi", { max_completion_tokens: 65 }))
    .catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
  expect((refused as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({
    code: "guardrail_max_tokens",
    param: "max_tokens",
  });
  await expectUntouched(userId);

  await client.chat.completions.create(ask("Hi"));
  const upstream = harness.fakes.openai.scripts.received[0]!.body as Record<string, unknown>;
  expect(upstream.max_completion_tokens ?? upstream.max_tokens).toBe(64);
});

test("a block rule refuses the request with a 400 naming the rule; other text passes", async () => {
  const { client, userId } = await guardedKey({
    contentRules: [{ name: "codename", pattern: "project[ -]x", action: "block" }],
  });
  const refused = await client.chat.completions
    .create(ask("Tell me about project-x"))
    .catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
  expect((refused as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({
    code: "guardrail_content_blocked",
  });
  expect((refused as Error).message).toContain("'codename'");
  await expectUntouched(userId);
  // Case matters in a custom pattern: it is the pattern as written.
  await client.chat.completions.create(ask("Tell me about Project-X"));
  expect(received().openai).toBe(1);
});

test("redact rules replace e-mail addresses, card numbers and keys before the provider sees them; the usage row counts them", async () => {
  const { client, apiKey } = await guardedKey({
    contentRules: [
      { name: "email", pattern: "email", action: "redact" },
      { name: "card", pattern: "card-number", action: "redact" },
      { name: "keys", pattern: "api-key", action: "redact" },
    ],
  });
  const secret = `sk-proj-${"a1B2".repeat(8)}`;
  await client.chat.completions.create({
    model: MODEL,
    messages: [
      { role: "system", content: "Reply to ops@example.com" },
      {
        role: "user",
        content: [
          { type: "text", text: `Card 4111 1111 1111 1111, order 1234567890123, key ${secret}` },
        ],
      },
    ],
  });
  const upstream = JSON.stringify(harness.fakes.openai.scripts.received[0]!.body);
  expect(upstream).toContain("Reply to [REDACTED:email]");
  expect(upstream).toContain("Card [REDACTED:card], order 1234567890123, key [REDACTED:keys]");
  for (const secretText of ["ops@example.com", "4111 1111 1111 1111", secret])
    expect(upstream).not.toContain(secretText);
  const [row] = await prisma.conversation.findMany({ where: { apiKeyId: apiKey.id } });
  expect(row?.redactions).toBe(3);
  expect(row?.prompt).toBeNull(); // the content itself is not kept (content logging is off)
});

test("through the Messages API the refusal is Anthropic's error shape, and redaction reaches a native request", async () => {
  const { secret, apiKey } = await guardedKey({
    contentRules: [
      { name: "email", pattern: "email", action: "redact" },
      { name: "codename", pattern: "project x", action: "block" },
    ],
  });
  const client = new Anthropic({ apiKey: secret, baseURL: harness.baseUrl, maxRetries: 0 });
  const refused = await client.messages
    .create({ model: MODEL, max_tokens: 50, messages: [{ role: "user", content: "project x?" }] })
    .catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
  expect((refused as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
    type: "error",
    error: { type: "invalid_request_error" },
  });

  await prisma.apiKey.update({
    where: { id: apiKey.id },
    data: {
      guardrails: {
        deniedProviders: ["openai", "google"],
        contentRules: [{ name: "email", pattern: "email", action: "redact" }],
      },
    },
  });
  await expect
    .poll(async () => {
      await client.messages.create({
        model: MODEL,
        max_tokens: 50,
        system: "Mail me at me@example.org",
        messages: [{ role: "user", content: [{ type: "text", text: "or you@example.org" }] }],
      });
      return harness.fakes.anthropic.scripts.received.length;
    })
    .toBeGreaterThan(0);
  const upstream = JSON.stringify(harness.fakes.anthropic.scripts.received.at(-1)!.body);
  expect(upstream).toContain("Mail me at [REDACTED:email]");
  expect(upstream).toContain("or [REDACTED:email]");
  expect(upstream).not.toContain("example.org");
});

test("a team's guardrails apply to its keys with their own, and a change reaches the running gateway", async () => {
  const team = await createTeamAccount(prisma, { credits: 10 });
  const onlyOpenAI = await guardedKey({ allowedProviders: ["openai"] }, team.teamId, team.owner.id);
  const plain = await guardedKey(null, team.teamId, team.owner.id);
  await plain.client.chat.completions.create(ask("Hi")); // cached by the gateway from now on
  await prisma.team.update({
    where: { accountId: team.teamId },
    data: { guardrails: { deniedProviders: ["openai"] } },
  });
  // The plain key now skips OpenAI, through the teams trigger's notification.
  await expect
    .poll(async () => {
      await plain.client.chat.completions.create(ask("Hi"));
      return harness.fakes.anthropic.scripts.received.length;
    })
    .toBeGreaterThan(0);
  // The key allows only OpenAI, its team denies it: nothing is left.
  const refused = await onlyOpenAI.client.chat.completions
    .create(ask("Hi"))
    .catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
  expect((refused as Error).message).toContain("only openai; never openai");
});
