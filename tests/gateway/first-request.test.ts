// The first requests after a start are about as fast as the later ones (issue #22, item 4):
// what a request path loads lazily (the gateway and its caches, the providers' SDKs and
// adapters, the protocols' code, Prisma's first queries) is loaded before /readyz says
// ready. A real gateway process, started as `npm start` starts it, in front of the fakes.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeAnthropic } from "#scripts/fake-providers/anthropic.ts";
import { startFakeGemini } from "#scripts/fake-providers/gemini.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { setupTestDatabase } from "../support/database.ts";
import { createApiKey, createUser } from "../support/factories.ts";
import { startGateway, type GatewayProcess } from "../support/gateway-process.ts";
import { expectLedgerClean } from "../support/ledger-totals.ts";

const db = setupTestDatabase();
let prisma: Prisma;
let fakes: FakeProvider[];
let gateway: GatewayProcess;

beforeAll(async () => {
  prisma = createPrismaClient(db.url);
  const [openai, anthropic, google] = await Promise.all([
    startFakeOpenAI(),
    startFakeAnthropic(),
    startFakeGemini(),
  ]);
  fakes = [openai, anthropic, google];
  // The fakes run in this process: their own first answers are made before the measurement.
  const post = (url: string, headers: Record<string, string>, body: unknown) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }).then((response) => response.text());
  const messages = [{ role: "user", content: "Hi" }];
  await post(
    `${openai.baseUrl}/chat/completions`,
    { authorization: "Bearer sk" },
    {
      model: "warm",
      messages,
    },
  );
  await post(
    `${anthropic.baseUrl}/v1/messages`,
    { "x-api-key": "sk" },
    {
      model: "warm",
      max_tokens: 100,
      stream: true,
      messages,
    },
  );
  await post(
    `${google.baseUrl}/v1beta/models/warm:generateContent`,
    { "x-goog-api-key": "k" },
    {
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    },
  );
  gateway = await startGateway({
    DATABASE_URL: db.url,
    // Adds the shipped catalog (gpt-6.2-sol, claude-sonnet-5-5, gemini-4-neon), as `npm start` does.
    MIGRATE_ON_START: "true",
    DATA_DIR: mkdtempSync(join(tmpdir(), "gw-first-")),
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: openai.baseUrl,
    ANTHROPIC_API_KEY: "sk-ant-fake",
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    GEMINI_API_KEY: "gemini-fake",
    GEMINI_BASE_URL: google.baseUrl,
    LOG_LEVEL: "warn",
  });
});
afterAll(async () => {
  await gateway?.stop();
  await expectLedgerClean(prisma);
  await Promise.all(fakes.map((fake) => fake.close()));
  await prisma.$disconnect();
});

/** One request of each kind a client starts with: each protocol, each provider's SDK. */
const KINDS = [
  {
    name: "chat, OpenAI",
    path: "/v1/chat/completions",
    body: { model: "gpt-6.2-sol", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] },
    answer: /"Hello from the fake provider\."/,
  },
  {
    name: "messages, Anthropic (stream)",
    path: "/v1/messages",
    body: {
      model: "claude-sonnet-5-5",
      max_tokens: 100,
      stream: true,
      messages: [{ role: "user", content: "Hi" }],
    },
    answer: /"text":"Hell"/,
  },
  {
    name: "responses, Gemini",
    path: "/v1/responses",
    body: { model: "gemini-4-neon", max_output_tokens: 100, input: "Hi", store: false },
    answer: /"Hello from the fake provider\."/,
  },
  {
    // Claude Code asks before it sends; counted here, with the tokenizer.
    name: "count_tokens",
    path: "/v1/messages/count_tokens",
    body: { model: "claude-sonnet-5-5", messages: [{ role: "user", content: "Hi" }] },
    answer: /^\{"input_tokens":\d+\}$/,
  },
] as const;

async function timed(secret: string, kind: (typeof KINDS)[number]) {
  const started = performance.now();
  const response = await fetch(`${gateway.baseUrl}${kind.path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    body: JSON.stringify(kind.body),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  expect(response.status, text).toBe(200);
  expect(text).toMatch(kind.answer);
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function newKey() {
  const user = await createUser(prisma, { credits: 100 });
  return (await createApiKey(prisma, user.id)).secret;
}

test("once /readyz says ready, the first request of each kind takes about as long as a warm one", async () => {
  const deadline = Date.now() + 30_000;
  while ((await fetch(`${gateway.baseUrl}/readyz`)).status !== 200) {
    expect(Date.now(), "the gateway never became ready").toBeLessThan(deadline);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Each request of a key not seen before: a key's first request looks the key up and
  // reserves its hold in the database wherever it runs, which is not the start's doing.
  const keys = await Promise.all(Array.from({ length: KINDS.length * 6 }, newKey));
  const first: number[] = [];
  for (const kind of KINDS) first.push(await timed(keys.pop()!, kind));
  const warmNewKey: number[] = [];
  const warmSameKey: number[] = [];
  for (const kind of KINDS) {
    const fresh = keys.splice(-5);
    const runs: number[] = [];
    for (const secret of fresh) runs.push(await timed(secret, kind));
    warmNewKey.push(median(runs));
    const again: number[] = [];
    for (let run = 0; run < 5; run++) again.push(await timed(fresh[0]!, kind));
    warmSameKey.push(median(again));
  }
  const ms = (value: number) => value.toFixed(0).padStart(5);
  const rows = KINDS.map(
    (kind, index) =>
      `${kind.name.padEnd(30)} first ${ms(first[index]!)} ms   warm, a new key ${ms(warmNewKey[index]!)} ms   warm, the same key ${ms(warmSameKey[index]!)} ms`,
  );
  console.log(`first requests after a start (medians of 5):\n${rows.join("\n")}`);

  // The machine is shared and noisy: a generous bound. Cold, the first chat took
  // 120-280 ms here against 10-25 ms warm, and count_tokens 280 ms against 3 ms.
  for (const [index, kind] of KINDS.entries())
    expect(first[index]!, `${kind.name}: first vs warm`).toBeLessThan(3 * warmNewKey[index]! + 50);
  expect(await prisma.conversation.count()).toBe((KINDS.length - 1) * 11);
});
