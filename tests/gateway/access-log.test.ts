// One JSON line per completion, with what operators look for, and none of the secrets.
import { Writable } from "node:stream";
import { pino } from "pino";
import { beforeAll, expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";
import { postCompletion } from "../support/completions.ts";

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});
const { prisma, harness } = setupGatewayHarness({ log: pino({ level: "info" }, sink) });

beforeAll(async () => {
  await createCatalogEntry(prisma, { modelSlug: "logged", upstreamModel: "logged" });
});

test("a completion and a refusal each leave one JSON line", async () => {
  const user = await createUser(prisma, { credits: 10 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  const answer = await postCompletion(harness.baseUrl, secret, {
    model: "logged",
    messages: [{ role: "user", content: "Hi" }],
  });
  expect(answer.status).toBe(200);
  const requestId = answer.headers.get("x-request-id");
  const refused = await postCompletion(harness.baseUrl, secret, {
    model: "no-such-model",
    messages: [{ role: "user", content: "Hi" }],
  });
  expect(refused.status).toBe(404);
  for (let i = 0; i < 50 && !lines.some((line) => line.msg === "completion"); i++)
    await new Promise((resolve) => setTimeout(resolve, 20));

  const row = await prisma.conversation.findFirstOrThrow({ where: { userId: user.id } });
  expect(lines.filter((line) => line.msg === "completion")).toEqual([
    expect.objectContaining({
      level: 30,
      requestId,
      key: apiKey.prefix,
      model: "logged",
      provider: "openai",
      stream: false,
      status: "SUCCESS",
      inputTokens: row.inputTokens,
      outputTokens: row.outputTokens,
      cost: row.cost.toString(),
      latencyMs: expect.any(Number),
      retries: 0,
    }),
  ]);
  expect(lines.filter((line) => line.msg === "completion answered with an error")).toEqual([
    expect.objectContaining({
      requestId: refused.headers.get("x-request-id"),
      status: 404,
      error: "model_not_found",
    }),
  ]);
  expect(JSON.stringify(lines)).not.toContain(secret);
});
