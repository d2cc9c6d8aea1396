// POST /v1/audio/speech and /v1/audio/transcriptions (ADR 072) through the official openai
// client against the fake OpenAI: speech streamed to a file, billed per 1M characters the
// gateway counts; transcriptions of a WAV in every response format, billed per second the
// provider reports; every malformed request or upload a 4xx (413, 415, 400) that asks no
// provider and spends nothing; many at once near an empty balance never overspend it.
import { createWriteStream, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import OpenAI, { toFile } from "openai";
import { beforeAll, describe, expect, test } from "vitest";
import { fakeSpeech, fakeWav } from "#scripts/fake-providers/audio.ts";
import { creditsToMicro, usdToMicro } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { accountReads, sdkCustomer } from "../support/sdk-customer.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness({ checkLedger: true, resetFakes: true });

const SPEECH_PRICE = usdToMicro("15.00"); // per 1M characters
const MINUTE_PRICE = usdToMicro("0.006");

beforeAll(async () => {
  for (const [slug, prices] of [
    ["speech-model", { character: String(SPEECH_PRICE) }],
    ["whisper-model", { minute: String(MINUTE_PRICE) }],
  ] as const) {
    const { mapping } = await createCatalogEntry(prisma, {
      modelSlug: slug,
      upstreamModel: slug === "whisper-model" ? "whisper-1" : "tts-1",
      usd: { input: "0", cachedInput: "0", output: "0" },
      maxOutputTokens: 0,
    });
    await prisma.modelProviderMapping.update({
      where: { id: mapping.id },
      data: { mediaPrices: prices },
    });
  }
  await createCatalogEntry(prisma, { modelSlug: "chat-only" });
});

const customer = (credits = 100) => sdkCustomer(prisma, harness.baseUrl, credits);
const { balanceOf, rowsOf } = accountReads(prisma);

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

describe("speech", () => {
  test("streamed to a file: the provider's audio byte for byte, billed per character counted", async () => {
    const who = await customer();
    const input = "The quick brown fox jumps over the lazy dog 🦊";
    const response = await who.client.audio.speech.create({
      model: "speech-model",
      input,
      voice: "alloy",
      response_format: "wav",
    });
    expect(response.headers.get("content-type")).toBe("audio/wav");
    const file = join(mkdtempSync(join(tmpdir(), "speech-")), "fox.wav");
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(file));
    expect(readFileSync(file)).toEqual(fakeSpeech(input));
    // The fox is one character, as providers count them (code points, not UTF-16 units).
    const characters = [...input].length;
    expect(characters).toBe(input.length - 1);
    const [row] = await rowsOf(who.apiKey.id);
    const cost = ceilDiv(BigInt(characters) * SPEECH_PRICE, 1_000_000n);
    console.log("speech row:", { unit: row!.unit, units: row!.units, cost: String(row!.cost) });
    expect(row).toMatchObject({
      endpoint: "/v1/audio/speech",
      status: "SUCCESS",
      unit: "character",
      units: characters,
      unitPrice: SPEECH_PRICE,
      cost,
      usageSource: "ESTIMATED",
    });
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - cost);
    expect(harness.fakes.openai.scripts.received[0]!.body).toMatchObject({
      model: "tts-1",
      input,
      voice: "alloy",
      response_format: "wav",
    });
  });

  test("a provider that refuses: the client hears why, nothing is charged", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("tts-1", { status: 400 });
    await expect(
      who.client.audio.speech.create({ model: "speech-model", input: "Hi", voice: "alloy" }),
    ).rejects.toMatchObject({ status: 400 });
    expect((await rowsOf(who.apiKey.id)).map((row) => [row.status, row.units, row.cost])).toEqual([
      ["ERROR", 0, 0n],
    ]);
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100));
  });

  const SPEECH_CASES: [string, unknown, RegExp][] = [
    ["no input", { model: "speech-model", voice: "alloy" }, /input/],
    ["an empty input", { model: "speech-model", input: "", voice: "alloy" }, /input/],
    [
      "an input over 4,096 characters",
      { model: "speech-model", input: "a".repeat(4_097), voice: "alloy" },
      /input/,
    ],
    ["no voice", { model: "speech-model", input: "Hi" }, /voice/],
    ["a voice of a number", { model: "speech-model", input: "Hi", voice: 3 }, /voice/],
    ["a speed of 5", { model: "speech-model", input: "Hi", voice: "alloy", speed: 5 }, /speed/],
    [
      "a format that is not one",
      { model: "speech-model", input: "Hi", voice: "alloy", response_format: "ogg" },
      /response_format/,
    ],
    [
      "server-sent events",
      { model: "speech-model", input: "Hi", voice: "alloy", stream_format: "sse" },
      /stream_format/,
    ],
    ["an unknown field", { model: "speech-model", input: "Hi", voice: "alloy", pitch: 2 }, /pitch/],
    ["a chat model", { model: "chat-only", input: "Hi", voice: "alloy" }, /does not make speech/],
    ["an image of a body", [1, 2], /JSON object/],
  ];
  test.each(SPEECH_CASES)("%s: 400 naming it, no provider asked", async (_name, body, message) => {
    const who = await customer();
    const response = await fetch(`${harness.baseUrl}/v1/audio/speech`, {
      method: "POST",
      headers: { authorization: `Bearer ${who.secret}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string; param?: string } };
    expect(`${error.message} ${error.param ?? ""}`).toMatch(message);
    expect(harness.fakes.openai.scripts.received).toHaveLength(0);
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100));
  });

  test("a speech model asked for a chat: 400 saying where to send it", async () => {
    const who = await customer();
    await expect(
      who.client.chat.completions.create({
        model: "speech-model",
        messages: [{ role: "user", content: "Hi" }],
      }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining("/v1/audio/speech") });
  });
});

describe("transcriptions", () => {
  const wav = new Uint8Array(fakeWav(3.2, "meeting"));

  test.each([
    [
      "json",
      (answer: unknown) =>
        expect(answer).toEqual({
          text: "Hello from the fake provider.",
          usage: { type: "duration", seconds: 4 },
        }),
    ],
    ["text", (answer: unknown) => expect(answer).toBe("Hello from the fake provider.\n")],
    [
      "srt",
      (answer: unknown) =>
        expect(answer).toBe("1\n00:00:00,000 --> 00:00:03,200\nHello from the fake provider.\n"),
    ],
    [
      "vtt",
      (answer: unknown) =>
        expect(answer).toBe(
          "WEBVTT\n\n00:00:00.000 --> 00:00:03.200\nHello from the fake provider.\n",
        ),
    ],
    [
      "verbose_json",
      (answer: unknown) =>
        expect(answer).toMatchObject({
          task: "transcribe",
          language: "english",
          duration: 3.2,
          text: "Hello from the fake provider.",
          segments: [{ start: 0, end: 3.2 }],
        }),
    ],
  ] as const)(
    "%s: the provider's text, billed by the seconds it reports",
    async (format, check) => {
      const who = await customer();
      const answer = await who.client.audio.transcriptions.create({
        model: "whisper-model",
        file: await toFile(wav, "meeting.wav"),
        response_format: format,
      });
      check(answer);
      const [row] = await rowsOf(who.apiKey.id);
      // whisper-1 reports whole seconds (4 for 3.2 s of audio): a minute's price × 4/60, rounded up.
      const cost = ceilDiv(4n * MINUTE_PRICE, 60n);
      expect(row).toMatchObject({
        endpoint: "/v1/audio/transcriptions",
        unit: "second",
        units: 4,
        unitPrice: MINUTE_PRICE,
        cost,
        usageSource: "REPORTED",
      });
      expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - cost);
      // The provider is always asked for verbose_json; the client gets the format it asked for.
      const sent = harness.fakes.openai.scripts.received[0]!;
      expect(sent.path).toBe("/v1/audio/transcriptions");
    },
  );

  const form = (fields: Record<string, string | Blob>, file: Blob | null = new Blob([wav])) => {
    const body = new FormData();
    if (file) body.set("file", file, "a.wav");
    for (const [name, value] of Object.entries({ model: "whisper-model", ...fields }))
      body.append(name, value);
    return body;
  };
  const UPLOAD_CASES: [string, () => FormData | string, string | undefined, number, RegExp][] = [
    ["no file", () => form({}, null), undefined, 400, /file is required/],
    ["an empty file", () => form({}, new Blob([])), undefined, 400, /empty/],
    [
      "text instead of audio",
      () => form({}, new Blob(["hello world, not audio at all"])),
      undefined,
      415,
      /not audio/,
    ],
    [
      "a PNG instead of audio",
      () =>
        form(
          {},
          new Blob([new Uint8Array(Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"))]),
        ),
      undefined,
      415,
      /not audio/,
    ],
    [
      "a file over 25 MB",
      () => form({}, new Blob([wav, new Uint8Array(25 * 1024 * 1024)])),
      undefined,
      413,
      /25 MB/,
    ],
    [
      "two files",
      () => {
        const f = form({});
        f.append("file", new Blob([wav]), "b.wav");
        return f;
      },
      undefined,
      400,
      /one file/,
    ],
    [
      "no model",
      () => {
        const f = form({});
        f.delete("model");
        return f;
      },
      undefined,
      400,
      /model/,
    ],
    [
      "a chat model",
      () => form({ model: "chat-only" }),
      undefined,
      400,
      /does not make transcriptions/,
    ],
    [
      "a format that is not one",
      () => form({ response_format: "docx" }),
      undefined,
      400,
      /response_format/,
    ],
    ["a temperature of 2", () => form({ temperature: "2" }), undefined, 400, /temperature/],
    ["a temperature of words", () => form({ temperature: "warm" }), undefined, 400, /temperature/],
    [
      "a language that is not a code",
      () => form({ language: "English" }),
      undefined,
      400,
      /language/,
    ],
    [
      "timestamps without verbose_json",
      () => form({ "timestamp_granularities[]": "word" }),
      undefined,
      400,
      /timestamp_granularities/,
    ],
    [
      "a granularity that is not one",
      () => form({ response_format: "verbose_json", "timestamp_granularities[]": "line" }),
      undefined,
      400,
      /timestamp_granularities/,
    ],
    ["stream", () => form({ stream: "true" }), undefined, 400, /stream/],
    ["an unknown field", () => form({ speakers: "2" }), undefined, 400, /speakers/],
    [
      "the model twice",
      () => {
        const f = form({});
        f.append("model", "whisper-model");
        return f;
      },
      undefined,
      400,
      /twice/,
    ],
    ["a field that is a file", () => form({ prompt: new Blob(["x"]) }), undefined, 400, /prompt/],
    [
      "JSON instead of a form",
      () => JSON.stringify({ model: "whisper-model", file: "abc" }),
      "application/json",
      415,
      /multipart/,
    ],
    [
      "a broken multipart body",
      () => "--XYZ\r\nnonsense",
      "multipart/form-data; boundary=XYZ",
      400,
      /malformed/,
    ],
  ];
  test.each(UPLOAD_CASES)(
    "%s: %i naming it, no provider asked",
    async (_name, body, type, status, message) => {
      const who = await customer();
      const response = await fetch(`${harness.baseUrl}/v1/audio/transcriptions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${who.secret}`,
          ...(type ? { "content-type": type } : {}),
        },
        body: body(),
      });
      expect(response.status).toBe(status);
      const { error } = (await response.json()) as { error: { message: string; param?: string } };
      expect(`${error.message} ${error.param ?? ""}`).toMatch(message);
      expect(harness.fakes.openai.scripts.received).toHaveLength(0);
      expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100));
    },
  );
});

describe("translations", () => {
  test("the SDK's audio.translations: English text, billed like a transcription", async () => {
    const who = await customer();
    const answer = await who.client.audio.translations.create({
      model: "whisper-model",
      file: await toFile(new Uint8Array(fakeWav(2.5, "hola")), "hola.wav"),
    });
    expect(answer).toEqual({
      text: "Hello from the fake provider.",
      usage: { type: "duration", seconds: 3 },
    });
    expect(harness.fakes.openai.scripts.received[0]!.path).toBe("/v1/audio/translations");
    const [row] = await rowsOf(who.apiKey.id);
    expect(row).toMatchObject({
      endpoint: "/v1/audio/translations",
      unit: "second",
      units: 3,
      cost: ceilDiv(3n * MINUTE_PRICE, 60n),
    });
  });

  test.each([
    ["a language (translations are always to English)", "language", "es"],
    ["timestamps", "timestamp_granularities[]", "word"],
  ])("%s: 400 naming it, no provider asked", async (_name, field, value) => {
    const who = await customer();
    const body = new FormData();
    body.set("file", new Blob([new Uint8Array(fakeWav(1))]), "a.wav");
    body.set("model", "whisper-model");
    body.set(field, value);
    const response = await fetch(`${harness.baseUrl}/v1/audio/translations`, {
      method: "POST",
      headers: { authorization: `Bearer ${who.secret}` },
      body,
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain(field);
    expect(harness.fakes.openai.scripts.received).toHaveLength(0);
  });
});

test("40 speeches at once on a balance that covers 5: exactly 5 are spoken and billed, the rest 402", async () => {
  const input = "x".repeat(4_000);
  const cost = ceilDiv(4_000n * SPEECH_PRICE, 1_000_000n);
  const user = await createUser(prisma, { credits: 0 });
  // Five speeches' worth, given as a grant so the ledger agrees with it.
  await prisma.$transaction([
    prisma.user.update({ where: { id: user.id }, data: { balance: 5n * cost } }),
    prisma.onrampTransaction.create({
      data: {
        userId: user.id,
        amount: 5n * cost,
        source: "GRANT",
        idempotencyKey: crypto.randomUUID(),
      },
    }),
  ]);
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  const answers = await Promise.allSettled(
    Array.from({ length: 40 }, async () => {
      const response = await client.audio.speech.create({
        model: "speech-model",
        input,
        voice: "alloy",
      });
      return (await response.arrayBuffer()).byteLength;
    }),
  );
  const spoken = answers.filter((answer) => answer.status === "fulfilled").length;
  const refused = answers.flatMap((answer) =>
    answer.status === "rejected" ? [(answer.reason as { status: number }).status] : [],
  );
  console.log(
    `speech near an empty balance: ${spoken} spoken, ${refused.length} refused (${[...new Set(refused)].join(", ")})`,
  );
  expect(spoken).toBe(5);
  expect(refused).toEqual(Array(35).fill(402));
  const rows = await rowsOf(apiKey.id);
  expect(rows.reduce((sum, row) => sum + row.cost, 0n)).toBe(5n * cost);
  expect(await balanceOf(user.id)).toBe(0n);
});

test("the Models listing says what the audio models take and give: text to audio, audio to text", async () => {
  const response = await fetch(`${harness.baseUrl}/api/v1/models`);
  const { data } = (await response.json()) as {
    data: { id: string; architecture: { modality: string } }[];
  };
  const modality = (slug: string) =>
    data.find((model) => model.id.endsWith(`/${slug}`))?.architecture.modality;
  expect([modality("speech-model"), modality("whisper-model"), modality("chat-only")]).toEqual([
    "text->audio",
    "audio->text",
    "text+image->text",
  ]);
});
