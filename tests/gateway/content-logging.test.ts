// Prompts and answers are stored only when asked: for a key that opts in, or
// for all with LOG_CONTENT; and erased after the retention period.
import OpenAI from "openai";
import { afterAll, beforeAll, expect, test } from "vitest";
import { eraseContent } from "../../app/usage/content-retention.server.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startGatewayHarness, type GatewayHarness } from "../support/gateway-harness.ts";
import { setupTestPrisma } from "../support/test-prisma.ts";

// Content the database cannot hold as sent never cost a charge: every account adds up.
const { db, prisma } = setupTestPrisma({ checkLedger: true });
let harness: GatewayHarness;
let everything: GatewayHarness;

beforeAll(async () => {
  harness = await startGatewayHarness(db.url);
  everything = await startGatewayHarness(db.url, { logContent: true });
  await createCatalogEntry(prisma, { modelSlug: "recorded", upstreamModel: "recorded" });
});
afterAll(async () => {
  await harness.close();
  await everything.close();
});

async function ask(gateway: GatewayHarness, secret: string, stream: boolean) {
  const client = new OpenAI({ apiKey: secret, baseURL: `${gateway.baseUrl}/v1`, maxRetries: 0 });
  const request = {
    model: "recorded",
    messages: [{ role: "user" as const, content: "Remember me" }],
  };
  if (stream) {
    for await (const _chunk of await client.chat.completions.create({ ...request, stream }));
  } else {
    await client.chat.completions.create(request);
  }
}

async function rowOf(userId: string) {
  for (let i = 0; i < 100; i++) {
    const row = await prisma.conversation.findFirst({ where: { userId } });
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("no usage row");
}

test("nothing is stored for a key that did not opt in", async () => {
  const user = await createUser(prisma, { credits: 10 });
  const { secret } = await createApiKey(prisma, user.id);
  await ask(harness, secret, true);
  expect(await rowOf(user.id)).toMatchObject({ prompt: null, response: null });
});

test.each([false, true])(
  "a key that opts in has its prompt and answer stored (stream: %s)",
  async (stream) => {
    const user = await createUser(prisma, { credits: 10 });
    const { apiKey, secret } = await createApiKey(prisma, user.id);
    await prisma.apiKey.update({ where: { id: apiKey.id }, data: { logContent: true } });
    await ask(harness, secret, stream);
    const row = await rowOf(user.id);
    expect(row.prompt).toEqual({ messages: [{ role: "user", content: "Remember me" }] });
    expect(row.response).toBe("Hello from the fake provider.");
  },
);

// Issue #21, findings 11 and 12: PostgreSQL's json cannot hold a NUL or half a
// surrogate pair, and one such prompt made its whole settlement batch fail: the
// requests were answered and never charged.
test.each([
  ["a NUL", "nul\u0000byte", "nul\ufffdbyte"],
  ["a lone surrogate", "half \ud800 a pair", "half \ufffd a pair"],
])(
  "a logged prompt with %s is stored readable, and the request is charged",
  async (_what, text, stored) => {
    const user = await createUser(prisma, { credits: 10 });
    const { apiKey, secret } = await createApiKey(prisma, user.id);
    await prisma.apiKey.update({ where: { id: apiKey.id }, data: { logContent: true } });
    const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
    await client.chat.completions.create({
      model: "recorded",
      messages: [{ role: "user", content: text }],
    });
    const row = await rowOf(user.id);
    expect(row.cost).toBeGreaterThan(0n);
    expect(row.prompt).toEqual({ messages: [{ role: "user", content: stored }] });
    const account = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(account.balance).toBe(user.balance - row.cost);
  },
);

test("LOG_CONTENT stores them for every key", async () => {
  const user = await createUser(prisma, { credits: 10 });
  const { secret } = await createApiKey(prisma, user.id);
  await ask(everything, secret, false);
  expect((await rowOf(user.id)).response).toBe("Hello from the fake provider.");
});

test("the retention erases content older than its days, and only that", async () => {
  const user = await createUser(prisma, { credits: 10 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  await prisma.apiKey.update({ where: { id: apiKey.id }, data: { logContent: true } });
  await ask(harness, secret, false);
  await ask(harness, secret, false);
  let settled = await prisma.conversation.findMany({
    where: { userId: user.id },
    orderBy: { id: "asc" },
  });
  for (let i = 0; i < 100 && settled.length < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    settled = await prisma.conversation.findMany({
      where: { userId: user.id },
      orderBy: { id: "asc" },
    });
  }
  const [old] = settled;
  await prisma.conversation.update({
    where: { id: old!.id },
    data: { createdAt: new Date(Date.now() - 31 * 24 * 3600 * 1000) },
  });
  expect(await eraseContent(prisma, 30)).toBeGreaterThanOrEqual(1);
  const rows = await prisma.conversation.findMany({
    where: { userId: user.id },
    orderBy: { id: "asc" },
  });
  expect(rows.map((row) => row.response)).toEqual([null, "Hello from the fake provider."]);
  expect(rows[0]!.cost).toBe(old!.cost); // the usage itself stays
});

test("switching a key's content logging reaches a gateway that has the key cached", async () => {
  const user = await createUser(prisma, { credits: 10 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  await ask(harness, secret, false); // the key is cached now, without logging
  await prisma.apiKey.update({ where: { id: apiKey.id }, data: { logContent: true } });
  let logged = false;
  for (let attempt = 0; attempt < 30 && !logged; attempt++) {
    await ask(harness, secret, false);
    const rows = await prisma.conversation.findMany({ where: { userId: user.id } });
    logged = rows.some((row) => row.prompt !== null);
    if (!logged) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(logged).toBe(true);
});
