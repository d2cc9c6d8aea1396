// A provider's reported usage is untrusted input (issue #21, items 1–3): fractions,
// negatives, strings, nulls and absurd counts from any provider kind, streamed or
// not, end in an answer billed by our own count (ESTIMATED), a warning naming the
// provider, the hold given back and a usage row, never a crash or a lost charge.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import OpenAI from "openai";
import { pino } from "pino";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";
import { startGateway, stopCleanly } from "../support/gateway-process.ts";
import { ledgerTotals } from "../support/ledger-totals.ts";

const logLines: { level: number; msg: string; provider?: string; problems?: string[] }[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split("\n").filter(Boolean))
      logLines.push(JSON.parse(line));
    done();
  },
});
// Whatever the providers said, every account agrees with its history.
const { db, prisma, harness } = setupGatewayHarness({
  log: pino({ level: "warn" }, sink),
  checkLedger: true,
});

beforeAll(async () => {
  for (const provider of ["openai", "anthropic", "google"])
    await createCatalogEntry(prisma, {
      modelSlug: `untrusted-${provider}`,
      providerSlug: provider,
      upstreamModel: `untrusted-${provider}`,
    });
  await createCatalogEntry(prisma, {
    modelSlug: "untrusted-embed",
    upstreamModel: "untrusted-embed",
  });
});
beforeEach(() => {
  Object.values(harness.fakes).forEach((fake) => fake.scripts.reset());
  logLines.length = 0;
});

const REPLY = "The quick brown fox jumps over the lazy dog.";

/** What each provider kind's wire carries, as a broken upstream sends it. */
const BAD_USAGE = {
  openai: [
    { completion_tokens: 2.5 },
    { completion_tokens: -3 },
    { completion_tokens: "eight" },
    { completion_tokens: null },
    { completion_tokens: 1e20 },
    { prompt_tokens: "eight" },
    { prompt_tokens: 1e20 },
  ],
  anthropic: [
    { input_tokens: -500 },
    { output_tokens: 2.5 },
    { input_tokens: 1e20 },
    { output_tokens: 1e20 },
  ],
  google: [
    { candidatesTokenCount: null },
    { candidatesTokenCount: 2.5 },
    { promptTokenCount: -3 },
    { candidatesTokenCount: 1e20 },
  ],
} as const;

const cases = Object.entries(BAD_USAGE).flatMap(([provider, overrides]) =>
  overrides.flatMap((override) => [false, true].map((stream) => ({ provider, override, stream }))),
);

async function customer() {
  const user = await createUser(prisma, { credits: 100 });
  const { secret } = await createApiKey(prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  return { user, client };
}

/** The account once nothing is held for it (a hold goes back after the last settlement). */
async function atRest(userId: string) {
  for (let i = 0; ; i++) {
    const totals = await ledgerTotals(prisma, userId);
    if ((totals.reserved === 0n && totals.chargeCount > 0) || i === 100) return totals;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("a provider's bad usage numbers", () => {
  test.each(cases)(
    "$provider $override (stream: $stream): answered, billed by our count, hold released",
    async ({ provider, override, stream }) => {
      const { user, client } = await customer();
      const fake = harness.fakes[provider as keyof typeof BAD_USAGE];
      fake.scripts.enqueue(`untrusted-${provider}`, { text: REPLY, usageOverride: override });
      const request = {
        model: `untrusted-${provider}`,
        messages: [{ role: "user" as const, content: "Say the sentence" }],
        max_completion_tokens: 100,
      };
      let text = "";
      if (stream) {
        const chunks = await client.chat.completions.create({
          ...request,
          stream: true,
          stream_options: { include_usage: true },
        });
        let usage: OpenAI.CompletionUsage | undefined | null;
        for await (const chunk of chunks) {
          text += chunk.choices[0]?.delta.content ?? "";
          usage = chunk.usage ?? usage;
        }
        // What the client is told is what it was billed: whole numbers.
        expect(Number.isSafeInteger(usage?.completion_tokens)).toBe(true);
      } else {
        const completion = await client.chat.completions.create(request);
        text = completion.choices[0]!.message.content ?? "";
        expect(completion.usage?.completion_tokens).toBe(10);
      }
      expect(text).toBe(REPLY);

      const totals = await atRest(user.id);
      expect(totals.reserved).toBe(0n);
      expect(totals.chargeCount).toBe(1);
      const row = await prisma.conversation.findFirstOrThrow({ where: { userId: user.id } });
      // o200k counts the reply as 10 tokens; the prompt is counted too.
      expect(row).toMatchObject({ status: "SUCCESS", usageSource: "ESTIMATED", outputTokens: 10 });
      expect(row.inputTokens).toBeGreaterThan(0);
      expect(row.cost).toBeGreaterThan(0n);
      const warning = logLines.find((line) => line.msg.startsWith("provider reported usage"));
      expect(warning).toMatchObject({ level: 40, provider });
      expect(warning?.problems?.length).toBeGreaterThan(0);
    },
  );

  test("embeddings: a bad prompt_tokens is counted by us", async () => {
    const { user, client } = await customer();
    harness.fakes.openai.scripts.enqueue("untrusted-embed", {
      usageOverride: { prompt_tokens: -7 },
    });
    const answer = await client.embeddings.create({
      model: "untrusted-embed",
      input: ["hello world"],
    });
    expect(answer.usage.prompt_tokens).toBe(2);
    const totals = await atRest(user.id);
    expect(totals.reserved).toBe(0n);
    const row = await prisma.conversation.findFirstOrThrow({ where: { userId: user.id } });
    expect(row).toMatchObject({ usageSource: "ESTIMATED", inputTokens: 2 });
    expect(logLines.find((line) => line.msg.startsWith("provider reported usage"))).toMatchObject({
      level: 40,
      provider: "openai",
    });
  });
});

test("a real gateway process lives through a bad stream while another client's stream goes on", async () => {
  const fake = await startFakeOpenAI();
  await createCatalogEntry(prisma, { modelSlug: "untrusted-process", upstreamModel: "untrusted" });
  const gateway = await startGateway({
    DATABASE_URL: db.url,
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: fake.baseUrl,
    DATA_DIR: mkdtempSync(join(tmpdir(), "gw-untrusted-")),
    LOG_LEVEL: "warn",
  });
  try {
    const user = await createUser(prisma, { credits: 100 });
    const { secret } = await createApiKey(prisma, user.id);
    const client = new OpenAI({ apiKey: secret, baseURL: `${gateway.baseUrl}/v1`, maxRetries: 0 });
    const request = {
      model: "untrusted-process",
      messages: [{ role: "user" as const, content: "Hi" }],
      max_completion_tokens: 100,
      stream: true as const,
    };
    // A slow, well-behaved stream first; then, while it runs, one that reports nonsense.
    fake.scripts.enqueue("untrusted", { chunks: Array(20).fill("ok "), chunkDelayMs: 50 });
    fake.scripts.enqueue("untrusted", { text: REPLY, usageOverride: { completion_tokens: 2.5 } });
    const slowStream = (await client.chat.completions.create(request))[Symbol.asyncIterator]();
    const first = await slowStream.next(); // it runs
    const slow = (async () => {
      let text = first.done ? "" : (first.value.choices[0]?.delta.content ?? "");
      for (let next = await slowStream.next(); !next.done; next = await slowStream.next())
        text += next.value.choices[0]?.delta.content ?? "";
      return text;
    })();
    let bad = "";
    for await (const chunk of await client.chat.completions.create(request))
      bad += chunk.choices[0]?.delta.content ?? "";
    expect(bad).toBe(REPLY);
    expect(await slow).toBe("ok ".repeat(20));
    expect(gateway.child.exitCode).toBeNull();
    const rows = await prisma.conversation.findMany({ where: { userId: user.id } });
    expect(rows.map((row) => row.usageSource).sort()).toEqual(["ESTIMATED", "REPORTED"]);
    expect(gateway.messages()).toContain("provider reported usage that cannot be right");
    await stopCleanly(gateway);
  } finally {
    if (gateway.child.exitCode === null) await gateway.stop("SIGKILL");
    await fake.close();
  }
});
