// Transcription models priced by tokens (gpt-4o-transcribe, ADR 074) through the official openai
// client against the fake OpenAI: streamed transcript events (the SDK's Stream) and json or text,
// billed from the provider's token usage with the audio tokens at their own price; what these
// models refuse (and what whisper-1 refuses: stream) a 400 that asks no provider; a client that
// leaves mid-stream billed our count of the audio and the text it got, never more than the
// hold; many streams at once near an empty balance never overspend it.
import OpenAI, { toFile } from "openai";
import { beforeAll, describe, expect, test } from "vitest";
import { fakeWav } from "#scripts/fake-providers/audio.ts";
import { creditsToMicro, usdToMicro } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { accountReads, sdkCustomer } from "../support/sdk-customer.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness({ checkLedger: true, resetFakes: true });

// gpt-4o-transcribe's prices per 1M tokens: audio in, text in, text out.
const AUDIO_PRICE = usdToMicro("6.00");
const TEXT_INPUT_PRICE = usdToMicro("2.50");
const OUTPUT_PRICE = usdToMicro("10.00");
const MINUTE_PRICE = usdToMicro("0.006");
const TEXT = "Hello from the fake provider.";

beforeAll(async () => {
  const token = await createCatalogEntry(prisma, {
    modelSlug: "transcribe-model",
    upstreamModel: "gpt-4o-transcribe",
    usd: { input: "2.50", cachedInput: "2.50", output: "10.00" },
    maxOutputTokens: 0,
  });
  await prisma.modelProviderMapping.update({
    where: { id: token.mapping.id },
    data: { mediaPrices: { audio_input_token: String(AUDIO_PRICE) } },
  });
  const whisper = await createCatalogEntry(prisma, {
    modelSlug: "whisper-model",
    upstreamModel: "whisper-1",
    usd: { input: "0", cachedInput: "0", output: "0" },
    maxOutputTokens: 0,
  });
  await prisma.modelProviderMapping.update({
    where: { id: whisper.mapping.id },
    data: { mediaPrices: { minute: String(MINUTE_PRICE) } },
  });
});

const customer = (credits = 100) => sdkCustomer(prisma, harness.baseUrl, credits);
const { balanceOf, rowsOf } = accountReads(prisma);

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
/** µcr for `tokens` at a price per 1M, rounded up (as each kind is charged). */
const at = (tokens: number, price: bigint) => ceilDiv(BigInt(tokens) * price, 1_000_000n);

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// 3.2 s of WAV: the fake bills 10 audio tokens a second (32), a token per 4 characters of text (8).
const wav = new Uint8Array(fakeWav(3.2, "meeting"));
const AUDIO_TOKENS = 32;
const OUTPUT_TOKENS = Math.ceil(TEXT.length / 4);
const COST = at(AUDIO_TOKENS, AUDIO_PRICE) + at(OUTPUT_TOKENS, OUTPUT_PRICE);
// The hold: 4 s (the WAV's length, rounded up) at 32 audio tokens a second, and 2,000 tokens out.
const HOLD = at(4 * 32, AUDIO_PRICE) + at(2_000, OUTPUT_PRICE);
const REPORTED_USAGE = {
  type: "tokens",
  input_tokens: AUDIO_TOKENS,
  input_token_details: { text_tokens: 0, audio_tokens: AUDIO_TOKENS },
  output_tokens: OUTPUT_TOKENS,
  total_tokens: AUDIO_TOKENS + OUTPUT_TOKENS,
};

describe("a transcription priced by tokens", () => {
  test("streamed: the deltas join to the done event's text, billed once from its usage", async () => {
    const who = await customer();
    const stream = await who.client.audio.transcriptions.create({
      model: "transcribe-model",
      file: await toFile(wav, "meeting.wav"),
      stream: true,
    });
    const deltas: string[] = [];
    let done: OpenAI.Audio.TranscriptionTextDoneEvent | undefined;
    for await (const event of stream) {
      if (event.type === "transcript.text.delta") deltas.push(event.delta);
      if (event.type === "transcript.text.done") done = event;
    }
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe(TEXT);
    expect(done).toEqual({ type: "transcript.text.done", text: TEXT, usage: REPORTED_USAGE });
    const [row] = await rowsOf(who.apiKey.id);
    console.log("streamed transcription row:", {
      status: row!.status,
      input: row!.inputTokens,
      output: row!.outputTokens,
      unit: row!.unit,
      units: row!.units,
      unitPrice: String(row!.unitPrice),
      cost: String(row!.cost),
      source: row!.usageSource,
    });
    expect(row).toMatchObject({
      endpoint: "/v1/audio/transcriptions",
      stream: true,
      status: "SUCCESS",
      inputTokens: AUDIO_TOKENS,
      outputTokens: OUTPUT_TOKENS,
      unit: "audio_input_token",
      units: AUDIO_TOKENS,
      unitPrice: AUDIO_PRICE,
      outputPrice: OUTPUT_PRICE,
      cost: COST,
      usageSource: "REPORTED",
    });
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - COST);
    // The provider was asked to stream, for json (not verbose_json: these models refuse it).
    const sent = String(harness.fakes.openai.scripts.received[0]!.body);
    expect(sent).toMatch(/name="stream"\r\n\r\ntrue/);
    expect(sent).toMatch(/name="response_format"\r\n\r\njson\r\n/);
  });

  test("json with a prompt: the provider's tokens, the prompt's at the text price", async () => {
    const who = await customer();
    const prompt = "Names: Ada, Grace.";
    const answer = await who.client.audio.transcriptions.create({
      model: "transcribe-model",
      file: await toFile(wav, "meeting.wav"),
      prompt,
    });
    const promptTokens = Math.ceil(prompt.length / 4);
    expect(answer).toEqual({
      text: TEXT,
      usage: {
        ...REPORTED_USAGE,
        input_tokens: AUDIO_TOKENS + promptTokens,
        input_token_details: { text_tokens: promptTokens, audio_tokens: AUDIO_TOKENS },
        total_tokens: AUDIO_TOKENS + promptTokens + OUTPUT_TOKENS,
      },
    });
    const cost = COST + at(promptTokens, TEXT_INPUT_PRICE);
    const [row] = await rowsOf(who.apiKey.id);
    expect(row).toMatchObject({
      stream: false,
      status: "SUCCESS",
      inputTokens: AUDIO_TOKENS + promptTokens,
      units: AUDIO_TOKENS,
      cost,
      usageSource: "REPORTED",
    });
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - cost);
  });

  test("text: the transcript as text, billed from the json the provider was asked for", async () => {
    const who = await customer();
    const answer = await who.client.audio.transcriptions.create({
      model: "transcribe-model",
      file: await toFile(wav, "meeting.wav"),
      response_format: "text",
    });
    expect(answer).toBe(`${TEXT}\n`);
    expect(String(harness.fakes.openai.scripts.received[0]!.body)).toMatch(
      /name="response_format"\r\n\r\njson\r\n/,
    );
    const [row] = await rowsOf(who.apiKey.id);
    expect(row).toMatchObject({ cost: COST, usageSource: "REPORTED" });
  });

  test("no usage reported: billed at our count (1,000 audio tokens a minute, the text tokenized)", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("gpt-4o-transcribe", { usage: "omit" });
    await who.client.audio.transcriptions.create({
      model: "transcribe-model",
      file: await toFile(wav, "meeting.wav"),
    });
    const [row] = await rowsOf(who.apiKey.id);
    const audioTokens = Math.ceil((3.2 * 1_000) / 60);
    expect(row).toMatchObject({ units: audioTokens, usageSource: "ESTIMATED" });
    expect(row!.outputTokens).toBeGreaterThan(0);
    expect(row!.cost).toBe(at(audioTokens, AUDIO_PRICE) + at(row!.outputTokens, OUTPUT_PRICE));
    expect(row!.cost).toBeLessThanOrEqual(HOLD);
  });

  test("a chat to it: 400 model_not_chat naming where to send it", async () => {
    const who = await customer();
    await expect(
      who.client.chat.completions.create({
        model: "transcribe-model",
        messages: [{ role: "user", content: "Hi" }],
      }),
    ).rejects.toMatchObject({
      status: 400,
      code: "model_not_chat",
      message: expect.stringContaining("/v1/audio/transcriptions"),
    });
  });
});

describe("what these models (and whisper-1) refuse: 400 naming it, no provider asked", () => {
  const form = (fields: Record<string, string>) => {
    const body = new FormData();
    body.set("file", new Blob([wav]), "a.wav");
    for (const [name, value] of Object.entries({ model: "transcribe-model", ...fields }))
      body.append(name, value);
    return body;
  };
  const CASES: [string, string, () => FormData, RegExp][] = [
    [
      "verbose_json",
      "transcriptions",
      () => form({ response_format: "verbose_json" }),
      /response_format/,
    ],
    ["srt", "transcriptions", () => form({ response_format: "srt" }), /response_format/],
    ["vtt", "transcriptions", () => form({ response_format: "vtt" }), /response_format/],
    [
      "timestamps",
      "transcriptions",
      () => form({ response_format: "verbose_json", "timestamp_granularities[]": "word" }),
      /timestamp_granularities/,
    ],
    [
      "a stream of verbose_json",
      "transcriptions",
      () => form({ stream: "true", response_format: "verbose_json" }),
      /response_format/,
    ],
    [
      "stream with whisper-1",
      "transcriptions",
      () => form({ model: "whisper-model", stream: "true" }),
      /stream.*gpt-4o-transcribe/,
    ],
    ["a stream that is not a boolean", "transcriptions", () => form({ stream: "yes" }), /stream/],
    [
      "a translation (whisper-1's only)",
      "translations",
      () => form({}),
      /does not make translations/,
    ],
  ];
  test.each(CASES)("%s", async (_name, path, body, message) => {
    const who = await customer();
    const response = await fetch(`${harness.baseUrl}/v1/audio/${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${who.secret}` },
      body: body(),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string; param?: string } };
    expect(`${error.param ?? ""} ${error.message}`).toMatch(message);
    expect(harness.fakes.openai.scripts.received).toHaveLength(0);
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100));
    expect(await rowsOf(who.apiKey.id)).toHaveLength(0);
  });
});

describe("a stream that ends early", () => {
  const slow = { text: "One two three four five six seven eight nine ten.", chunkDelayMs: 150 };

  test("the client leaves after the first delta: CANCELLED, the audio and the text it got, at most the hold", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("gpt-4o-transcribe", slow);
    const stream = await who.client.audio.transcriptions.create({
      model: "transcribe-model",
      file: await toFile(wav, "meeting.wav"),
      stream: true,
    });
    const got: string[] = [];
    for await (const event of stream) {
      if (event.type === "transcript.text.delta") got.push(event.delta);
      break; // leaves: the SDK aborts the request
    }
    expect(got).toEqual(["One two "]);
    const [row] = await eventually(
      () => rowsOf(who.apiKey.id),
      (rows) => rows.length === 1,
    );
    console.log("cancelled stream row:", {
      status: row!.status,
      units: row!.units,
      output: row!.outputTokens,
      cost: String(row!.cost),
      hold: String(HOLD),
    });
    const audioTokens = Math.ceil((3.2 * 1_000) / 60);
    expect(row).toMatchObject({
      status: "CANCELLED",
      units: audioTokens,
      usageSource: "ESTIMATED",
    });
    expect(row!.outputTokens).toBeGreaterThan(0);
    expect(row!.outputTokens).toBeLessThan(10);
    expect(row!.cost).toBe(at(audioTokens, AUDIO_PRICE) + at(row!.outputTokens, OUTPUT_PRICE));
    expect(row!.cost).toBeLessThanOrEqual(HOLD);
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - row!.cost);
    // The provider's stream was stopped, not read to its end.
    const closed = await harness.fakes.openai.scripts.received[0]!.closed;
    expect(closed.completed).toBe(false);
  });

  test("the provider's connection is cut: the client hears an error, billed like a client that left (ERROR)", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("gpt-4o-transcribe", { ...slow, cutAfterChunks: 2 });
    const stream = await who.client.audio.transcriptions.create({
      model: "transcribe-model",
      file: await toFile(wav, "meeting.wav"),
      stream: true,
    });
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const event of stream)
          if (event.type === "transcript.text.delta") got.push(event.delta);
      })(),
    ).rejects.toThrow();
    expect(got).toHaveLength(2);
    const [row] = await eventually(
      () => rowsOf(who.apiKey.id),
      (rows) => rows.length === 1,
    );
    expect(row).toMatchObject({ status: "ERROR", usageSource: "ESTIMATED" });
    expect(row!.errorCode).toMatch(/^upstream_/);
    expect(row!.cost).toBeGreaterThan(0n);
    expect(row!.cost).toBeLessThanOrEqual(HOLD);
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - row!.cost);
  });
});

test("40 streams at once on a balance that covers 5 holds: 5 transcribed and billed, the rest 402", async () => {
  const user = await createUser(prisma, { credits: 0 });
  await prisma.$transaction([
    prisma.user.update({ where: { id: user.id }, data: { balance: 5n * HOLD } }),
    prisma.onrampTransaction.create({
      data: {
        userId: user.id,
        amount: 5n * HOLD,
        source: "GRANT",
        idempotencyKey: crypto.randomUUID(),
      },
    }),
  ]);
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  // Every answer waits until all 40 were either refused or reached the provider.
  const gate = Promise.withResolvers<void>();
  harness.fakes.openai.scripts.enqueue(
    "gpt-4o-transcribe",
    ...Array.from({ length: 40 }, () => ({ text: TEXT, heldUntil: gate.promise })),
  );
  let refusedSoFar = 0;
  const runs = Promise.allSettled(
    Array.from({ length: 40 }, async () => {
      try {
        const stream = await client.audio.transcriptions.create({
          model: "transcribe-model",
          file: await toFile(wav, "meeting.wav"),
          stream: true,
        });
        let text = "";
        for await (const event of stream)
          if (event.type === "transcript.text.done") text = event.text;
        return text;
      } catch (error) {
        refusedSoFar += 1;
        throw error;
      }
    }),
  );
  await eventually(
    async () => refusedSoFar + harness.fakes.openai.scripts.received.length,
    (count) => count === 40,
  );
  gate.resolve();
  const answers = await runs;
  const transcribed = answers.filter((answer) => answer.status === "fulfilled");
  const refused = answers.flatMap((answer) =>
    answer.status === "rejected" ? [(answer.reason as { status: number }).status] : [],
  );
  console.log(
    `streams near an empty balance: ${transcribed.length} transcribed, ${refused.length} refused (${[...new Set(refused)].join(", ")})`,
  );
  expect(transcribed.map((answer) => answer.status === "fulfilled" && answer.value)).toEqual(
    Array(5).fill(TEXT),
  );
  expect(refused).toEqual(Array(35).fill(402));
  const rows = await rowsOf(apiKey.id);
  expect(rows.map((row) => row.cost)).toEqual(Array(5).fill(COST));
  expect(await balanceOf(user.id)).toBe(5n * HOLD - 5n * COST);
});
