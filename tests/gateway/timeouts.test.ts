// A provider that keeps silent: before its first byte the next route takes
// over (or the client gets 504 and pays nothing); in the middle of a stream the
// stream ends with an error event and what was produced is billed. Whole (JSON)
// answers are timed too (issue #21, finding 6).
import { beforeAll, expect, test } from "vitest";
import { creditsToMicro } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";
import { postCompletion } from "../support/completions.ts";

const LIMITS = { firstByteMs: 300, betweenChunksMs: 300, answerMs: 300 };
// Whatever the tests did, every account still agrees with its history.
const { prisma, harness } = setupGatewayHarness({
  upstreamTimeouts: { openai: LIMITS, "openai-backup": LIMITS, anthropic: LIMITS },
  checkLedger: true,
  resetFakes: true,
});

beforeAll(async () => {
  await createCatalogEntry(prisma, { modelSlug: "slow", upstreamModel: "slow-primary" });
  await createCatalogEntry(prisma, {
    modelSlug: "slow",
    providerSlug: "openai-backup",
    upstreamModel: "slow-backup",
    priority: 1,
  });
  // JSON requests: a first model that keeps silent, and the one `models` falls back to.
  await createCatalogEntry(prisma, { modelSlug: "json-first", upstreamModel: "hang-json" });
  await createCatalogEntry(prisma, {
    modelSlug: "claude-first",
    providerSlug: "anthropic",
    upstreamModel: "hang-claude",
  });
  await createCatalogEntry(prisma, {
    modelSlug: "json-next",
    providerSlug: "openai-backup",
    upstreamModel: "next-json",
  });
});

async function stream(secret: string) {
  const started = performance.now();
  const response = await postCompletion(harness.baseUrl, secret, {
    model: "slow",
    stream: true,
    max_completion_tokens: 50,
    messages: [{ role: "user", content: "Hi" }],
  });
  const body = await response.text();
  return { status: response.status, body, ms: performance.now() - started };
}

/** A JSON (non-streamed) request; the client gives up after 8 s. */
async function json(secret: string, body: Record<string, unknown>) {
  const started = performance.now();
  const response = await postCompletion(
    harness.baseUrl,
    secret,
    { max_completion_tokens: 50, ...body },
    AbortSignal.timeout(8_000),
  );
  const answer = (await response.json()) as {
    model?: string;
    choices?: { message: { content: string } }[];
    error?: { code: string; message: string };
  };
  return { status: response.status, answer, ms: performance.now() - started };
}

async function customer() {
  const user = await createUser(prisma, { credits: 100 });
  const { secret } = await createApiKey(prisma, user.id);
  return { user, secret };
}

async function settled(userId: string) {
  for (let i = 0; i < 100; i++) {
    const row = await prisma.conversation.findFirst({ where: { userId } });
    const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
    if (row && user.reserved === 0n) return { row, user };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the request did not settle");
}

test("a provider silent before its first byte is left for the next route, without a second wait", async () => {
  const { secret, user } = await customer();
  harness.fakes.openai.scripts.enqueue("slow-primary", { firstByteDelayMs: 5_000, text: "late" });
  harness.fakes["openai-backup"].scripts.enqueue("slow-backup", { text: "Backup here." });
  const answer = await stream(secret);
  expect(answer.status).toBe(200);
  expect(answer.body).toContain('"content":"Back"');
  expect(answer.ms).toBeLessThan(3_000);
  expect(harness.fakes.openai.scripts.received).toHaveLength(1);
  const { row } = await settled(user.id);
  expect(row).toMatchObject({ status: "SUCCESS", providerSlug: "openai-backup" });
});

test("when every route is silent the client gets 504 and pays nothing", async () => {
  const { secret, user } = await customer();
  harness.fakes.openai.scripts.enqueue("slow-primary", { firstByteDelayMs: 5_000 });
  harness.fakes["openai-backup"].scripts.enqueue("slow-backup", { firstByteDelayMs: 5_000 });
  const answer = await stream(secret);
  expect(answer.status).toBe(504);
  expect(JSON.parse(answer.body).error).toMatchObject({ code: "upstream_timeout" });
  expect(answer.ms).toBeLessThan(3_000);
  const { row, user: after } = await settled(user.id);
  expect(row).toMatchObject({ status: "ERROR", cost: 0n });
  expect(after.balance).toBe(creditsToMicro(100));
});

test("a provider silent mid-stream: an error event ends the stream, what was produced is billed", async () => {
  const { secret, user } = await customer();
  harness.fakes.openai.scripts.enqueue("slow-primary", {
    chunks: ["One", " two", " three"],
    stallAfterChunks: 2,
    stallMs: 5_000,
  });
  const answer = await stream(secret);
  expect(answer.status).toBe(200);
  expect(answer.body).toContain('"content":" two"');
  expect(answer.body).not.toContain("three");
  expect(answer.body).toMatch(/data: \{"error":\{"message":"[^"]*sent nothing for 0.3 s[^"]*"/);
  expect(answer.body).toContain('"code":"upstream_timeout"');
  expect(answer.ms).toBeLessThan(3_000);
  expect(harness.fakes["openai-backup"].scripts.received).toHaveLength(0);
  const { row, user: after } = await settled(user.id);
  expect(row).toMatchObject({ status: "ERROR", usageSource: "ESTIMATED", outputTokens: 2 });
  expect(row.cost).toBeGreaterThan(0n);
  expect(after.balance).toBe(creditsToMicro(100) - row.cost);
});

test("a whole (JSON) answer that never comes: the next model of `models` answers, the silence costs nothing", async () => {
  const { secret, user } = await customer();
  harness.fakes.openai.scripts.enqueue("hang-json", { firstByteDelayMs: 60_000, text: "late" });
  harness.fakes["openai-backup"].scripts.enqueue("next-json", { text: "Next model here." });
  const reply = await json(secret, { model: "json-first", models: ["json-next"] });
  expect(reply.status).toBe(200);
  expect(reply.answer.choices![0]!.message.content).toBe("Next model here.");
  expect(reply.ms).toBeLessThan(5_000);
  const { row, user: after } = await settled(user.id);
  expect(row).toMatchObject({ status: "SUCCESS", modelSlug: "json-next" });
  expect(row.fallbacks).toEqual([{ provider: "openai", code: "upstream_timeout" }]);
  // Billed for the answer it got, and only that.
  expect(after.balance).toBe(creditsToMicro(100) - row.cost);
});

test("a whole answer whose body stalls after its headers is cut at the answer limit: 504, nothing billed", async () => {
  const { secret, user } = await customer();
  harness.fakes.openai.scripts.enqueue("hang-json", {
    text: "Half of this answer never comes.",
    bodyStallMs: 5_000,
  });
  const reply = await json(secret, { model: "json-first" });
  expect(reply.status).toBe(504);
  expect(reply.answer.error).toMatchObject({ code: "upstream_timeout" });
  expect(reply.answer.error!.message).toMatch(/within 0.3 s/);
  expect(reply.ms).toBeLessThan(5_000);
  const { row, user: after } = await settled(user.id);
  expect(row).toMatchObject({ status: "ERROR", errorCode: "upstream_timeout", cost: 0n });
  expect(after.balance).toBe(creditsToMicro(100));
});

test("a JSON request to a provider that streams upstream (Claude) is cut at the first-byte limit", async () => {
  const { secret, user } = await customer();
  harness.fakes.anthropic.scripts.enqueue("hang-claude", { firstByteDelayMs: 60_000 });
  harness.fakes["openai-backup"].scripts.enqueue("next-json", { text: "Next model here." });
  const reply = await json(secret, { model: "claude-first", models: ["json-next"] });
  expect(reply.status).toBe(200);
  expect(reply.answer.choices![0]!.message.content).toBe("Next model here.");
  expect(reply.ms).toBeLessThan(5_000);
  const { row } = await settled(user.id);
  expect(row.fallbacks).toEqual([{ provider: "anthropic", code: "upstream_timeout" }]);
});
