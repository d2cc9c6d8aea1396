// POST /v1/audio/speech through Gemini's TTS models (ADR 075), with the official openai client
// against the gateway against the fake Gemini: the PCM streamed as a WAV or raw, billed by the
// tokens Gemini reports (the text in, the audio out at its own price) when the stream ends;
// cut short, what was reported so far, else the audio given out at 25 tokens a second; every
// request Gemini cannot serve a 400 that asks no provider and spends nothing.
import { createWriteStream, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { GoogleGenAI, Modality } from "@google/genai";
import { beforeAll, describe, expect, test } from "vitest";
import { FAKE_GEMINI_TOKENS_PER_CHUNK, fakeGeminiSpeech } from "#scripts/fake-providers/audio.ts";
import { costOfTokens, creditsToMicro, usdToMicro } from "../../app/utils/money.ts";
import { createCatalogEntry } from "../support/factories.ts";
import { accountReads, sdkCustomer } from "../support/sdk-customer.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness({ checkLedger: true, resetFakes: true });

const MODEL = "gemini-speech";
const UPSTREAM = "gemini-2.5-flash-preview-tts";
const TEXT_PRICE = usdToMicro("0.50"); // per 1M text tokens in
const AUDIO_PRICE = usdToMicro("10.00"); // per 1M audio tokens out
/** The most audio a speech may come to (speech-charge.server.ts): its hold. */
const MAX_AUDIO_TOKENS = 16_384;

beforeAll(async () => {
  const { mapping } = await createCatalogEntry(prisma, {
    modelSlug: MODEL,
    providerSlug: "google",
    upstreamModel: UPSTREAM,
    usd: { input: "0.50", cachedInput: "0.50", output: "10.00" },
    maxOutputTokens: 0,
  });
  await prisma.modelProviderMapping.update({
    where: { id: mapping.id },
    data: { mediaPrices: { audio_output_token: String(AUDIO_PRICE) } },
  });
});

const customer = (credits = 100) => sdkCustomer(prisma, harness.baseUrl, credits);
const { balanceOf, rowsOf } = accountReads(prisma);

const received = () => harness.fakes.google.scripts.received;
/** What Gemini counts for the fake's text: a token a 4 characters (the fake's rule). */
const promptTokens = (prompt: string) => Math.ceil(prompt.length / 4);
const costOf = (inputTokens: number, audioTokens: number) =>
  costOfTokens(inputTokens, TEXT_PRICE) + costOfTokens(audioTokens, AUDIO_PRICE);
const holdFor = (prompt: string) =>
  costOfTokens(Buffer.byteLength(prompt) + 16, TEXT_PRICE) +
  costOfTokens(MAX_AUDIO_TOKENS, AUDIO_PRICE);

/** A 44-byte WAV header's fields. */
function wavHeader(bytes: Buffer) {
  return {
    riff: bytes.toString("ascii", 0, 4),
    riffSize: bytes.readUInt32LE(4),
    wave: bytes.toString("ascii", 8, 16),
    format: bytes.readUInt16LE(20),
    channels: bytes.readUInt16LE(22),
    sampleRate: bytes.readUInt32LE(24),
    byteRate: bytes.readUInt32LE(28),
    bitsPerSample: bytes.readUInt16LE(34),
    data: bytes.toString("ascii", 36, 40),
    dataSize: bytes.readUInt32LE(40),
  };
}

/** Waits for a condition with a deadline (no fixed sleeps). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("Gemini speech", () => {
  test("wav streamed to a file: a WAV whose PCM is Gemini's, billed by the tokens it reports", async () => {
    const who = await customer();
    const input = "The quick brown fox jumps over the lazy dog";
    const response = await who.client.audio.speech.create({
      model: MODEL,
      input,
      voice: "Kore",
      response_format: "wav",
    });
    expect(response.headers.get("content-type")).toBe("audio/wav");
    const file = join(mkdtempSync(join(tmpdir(), "gemini-speech-")), "fox.wav");
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(file));
    const wav = readFileSync(file);
    // A streaming WAV: its sizes unknown when the header was sent, at their maximum.
    expect(wavHeader(wav)).toEqual({
      riff: "RIFF",
      riffSize: 0xffff_ffff,
      wave: "WAVEfmt ",
      format: 1,
      channels: 1,
      sampleRate: 24_000,
      byteRate: 48_000,
      bitsPerSample: 16,
      data: "data",
      dataSize: 0xffff_ffff,
    });
    const pcm = fakeGeminiSpeech(input);
    expect(wav.subarray(44)).toEqual(Buffer.concat(pcm));

    const audioTokens = pcm.length * FAKE_GEMINI_TOKENS_PER_CHUNK;
    const [row] = await rowsOf(who.apiKey.id);
    console.log("gemini speech row:", {
      status: row!.status,
      inputTokens: row!.inputTokens,
      outputTokens: row!.outputTokens,
      unit: row!.unit,
      units: row!.units,
      unitPrice: String(row!.unitPrice),
      cost: String(row!.cost),
      usageSource: row!.usageSource,
    });
    const cost = costOf(promptTokens(input), audioTokens);
    expect(row).toMatchObject({
      endpoint: "/v1/audio/speech",
      status: "SUCCESS",
      upstreamModel: UPSTREAM,
      inputTokens: promptTokens(input),
      outputTokens: audioTokens,
      unit: "audio_output_token",
      units: audioTokens,
      unitPrice: AUDIO_PRICE,
      cost,
      usageSource: "REPORTED",
    });
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - cost);
    // Streamed from Gemini, in its own voice, as its TTS models are asked.
    expect(received()).toHaveLength(1);
    expect(received()[0]!.path).toMatch(
      new RegExp(`/models/${UPSTREAM}:streamGenerateContent\\?alt=sse$`),
    );
    expect(received()[0]!.body).toMatchObject({
      contents: [{ role: "user", parts: [{ text: input }] }],
      generationConfig: {
        responseModalities: ["AUDIO"],
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: "Kore" } } },
      },
    });
  });

  test("pcm: the raw bytes; instructions go in front of the text; a voice in any case", async () => {
    const who = await customer();
    const response = await who.client.audio.speech.create({
      model: MODEL,
      input: "Have a wonderful day!",
      instructions: "Say cheerfully.",
      voice: "puck",
      response_format: "pcm",
    });
    expect(response.headers.get("content-type")).toBe("audio/pcm");
    const prompt = "Say cheerfully: Have a wonderful day!";
    expect(Buffer.from(await response.arrayBuffer())).toEqual(
      Buffer.concat(fakeGeminiSpeech(prompt)),
    );
    expect(received()[0]!.body).toMatchObject({
      contents: [{ parts: [{ text: prompt }] }],
      generationConfig: {
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: "Puck" } } },
      },
    });
    const [row] = await rowsOf(who.apiKey.id);
    const audioTokens = fakeGeminiSpeech(prompt).length * FAKE_GEMINI_TOKENS_PER_CHUNK;
    expect(row).toMatchObject({
      status: "SUCCESS",
      inputTokens: promptTokens(prompt),
      outputTokens: audioTokens,
      cost: costOf(promptTokens(prompt), audioTokens),
    });
  });

  test("no response_format: a WAV (OpenAI's default, mp3, is not Gemini's to give)", async () => {
    const who = await customer();
    const response = await who.client.audio.speech.create({
      model: MODEL,
      input: "Hello",
      voice: "Kore",
    });
    expect(response.headers.get("content-type")).toBe("audio/wav");
    const wav = Buffer.from(await response.arrayBuffer());
    expect(wav.subarray(44)).toEqual(Buffer.concat(fakeGeminiSpeech("Hello")));
  });

  test("Gemini reports no usage: the text counted and the audio given out at 25 tokens a second", async () => {
    const who = await customer();
    harness.fakes.google.scripts.enqueue(UPSTREAM, { usage: "omit" });
    const input = "one two three four";
    const response = await who.client.audio.speech.create({
      model: MODEL,
      input,
      voice: "Kore",
      response_format: "pcm",
    });
    const pcm = Buffer.from(await response.arrayBuffer());
    // 0.2 s a chunk of 24 kHz 16-bit mono: 9,600 bytes, 5 tokens.
    const audioTokens = (pcm.length / 48_000) * 25;
    expect(audioTokens).toBe(4 * FAKE_GEMINI_TOKENS_PER_CHUNK);
    const [row] = await rowsOf(who.apiKey.id);
    expect(row).toMatchObject({
      status: "SUCCESS",
      outputTokens: audioTokens,
      units: audioTokens,
      usageSource: "ESTIMATED",
    });
    expect(row!.inputTokens).toBeGreaterThan(0);
    expect(row!.cost).toBe(costOf(row!.inputTokens, audioTokens));
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - row!.cost);
  });

  test("the stream breaks: what Gemini reported so far is charged, the row says ERROR", async () => {
    const who = await customer();
    harness.fakes.google.scripts.enqueue(UPSTREAM, { cutAfterChunks: 2 });
    const input = "one two three four five six";
    const response = await who.client.audio.speech.create({
      model: MODEL,
      input,
      voice: "Kore",
      response_format: "pcm",
    });
    await expect(response.arrayBuffer()).rejects.toThrow();
    const [row] = await until(
      () => rowsOf(who.apiKey.id),
      (rows) => rows.length > 0,
    );
    const audioTokens = 2 * FAKE_GEMINI_TOKENS_PER_CHUNK;
    expect(row).toMatchObject({
      status: "ERROR",
      outputTokens: audioTokens,
      usageSource: "ESTIMATED",
      cost: costOf(promptTokens(input), audioTokens),
    });
    expect(row!.errorCode).toBeTruthy();
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - row!.cost);
  });

  test("a client that leaves midway: CANCELLED, charged what Gemini reported, below the hold", async () => {
    const who = await customer();
    harness.fakes.google.scripts.enqueue(UPSTREAM, { chunkDelayMs: 100 });
    const input = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
    const leave = new AbortController();
    const response = await who.client.audio.speech.create(
      { model: MODEL, input, voice: "Kore", response_format: "pcm" },
      { signal: leave.signal },
    );
    const reader = response.body!.getReader();
    let bytes = 0;
    while (bytes < 3 * 9_600) bytes += (await reader.read()).value?.length ?? 0;
    leave.abort();
    await reader.cancel().catch(() => {});
    const [row] = await until(
      () => rowsOf(who.apiKey.id),
      (rows) => rows.length > 0,
    );
    console.log("cancelled gemini speech row:", {
      status: row!.status,
      outputTokens: row!.outputTokens,
      cost: String(row!.cost),
      usageSource: row!.usageSource,
      hold: String(holdFor(input)),
    });
    expect(row).toMatchObject({ status: "CANCELLED", usageSource: "ESTIMATED" });
    // Some of the speech, not all of it (30 chunks), in whole chunks as Gemini counted them.
    expect(row!.outputTokens).toBeGreaterThanOrEqual(3 * FAKE_GEMINI_TOKENS_PER_CHUNK);
    expect(row!.outputTokens).toBeLessThan(30 * FAKE_GEMINI_TOKENS_PER_CHUNK);
    expect(row!.outputTokens % FAKE_GEMINI_TOKENS_PER_CHUNK).toBe(0);
    expect(row!.cost).toBe(costOf(promptTokens(input), row!.outputTokens));
    expect(row!.cost).toBeLessThan(holdFor(input));
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - row!.cost);
    // The provider was stopped: its connection closed before it finished.
    expect((await received()[0]!.closed).completed).toBe(false);
  });

  test("a stopping server (or a revoked key) ends it midway: ERROR, charged as it stands, below the hold", async () => {
    const who = await customer();
    harness.fakes.google.scripts.enqueue(UPSTREAM, { chunkDelayMs: 100 });
    const input = Array.from({ length: 30 }, (_, i) => `word${i}`).join(" ");
    const response = await who.client.audio.speech.create({
      model: MODEL,
      input,
      voice: "Kore",
      response_format: "pcm",
    });
    const reader = response.body!.getReader();
    let bytes = 0;
    while (bytes < 3 * 9_600) bytes += (await reader.read()).value?.length ?? 0;
    // A running request like a chat's stream: the server's stop reaches it.
    harness.gateway.stopRunning();
    const ended = await (async () => {
      for (;;) if ((await reader.read()).done) return "done";
    })().catch((error: unknown) => error);
    expect(ended).not.toBe("done");
    const [row] = await until(
      () => rowsOf(who.apiKey.id),
      (rows) => rows.length > 0,
    );
    expect(row).toMatchObject({ status: "ERROR", errorCode: "server_shutting_down" });
    expect(row!.outputTokens).toBeGreaterThanOrEqual(3 * FAKE_GEMINI_TOKENS_PER_CHUNK);
    expect(row!.outputTokens).toBeLessThan(30 * FAKE_GEMINI_TOKENS_PER_CHUNK);
    expect(row!.cost).toBeGreaterThan(0n);
    expect(row!.cost).toBeLessThan(holdFor(input));
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100) - row!.cost);
  });

  const CASES: [string, Record<string, unknown>, RegExp][] = [
    ["mp3 (OpenAI's default)", { response_format: "mp3" }, /response_format.*wav or pcm/],
    ["opus", { response_format: "opus" }, /response_format.*wav or pcm/],
    ["an OpenAI voice", { voice: "alloy" }, /voice 'alloy'.*Kore/],
    ["a voice of no one", { voice: "Nobody" }, /voice 'Nobody'.*Puck/],
    ["a speed", { speed: 1.5 }, /speed is not supported/],
  ];
  test.each(CASES)("%s: 400 naming it, no provider asked", async (_name, fields, message) => {
    const who = await customer();
    const response = await fetch(`${harness.baseUrl}/v1/audio/speech`, {
      method: "POST",
      headers: { authorization: `Bearer ${who.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, input: "Hi", voice: "Kore", ...fields }),
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string; param?: string } };
    expect(error.message).toMatch(message);
    expect(error.param).toBe(Object.keys(fields)[0] === "speed" ? "speed" : Object.keys(fields)[0]);
    expect(received()).toHaveLength(0);
    expect(await rowsOf(who.apiKey.id)).toHaveLength(0);
    expect(await balanceOf(who.user.id)).toBe(creditsToMicro(100));
  });

  test("asked for a chat: 400 saying where to send it, no provider asked", async () => {
    const who = await customer();
    await expect(
      who.client.chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "Hi" }],
      }),
    ).rejects.toMatchObject({
      status: 400,
      code: "model_not_chat",
      message: expect.stringContaining("POST /v1/audio/speech"),
    });
    expect(received()).toHaveLength(0);
  });

  test("many at once near an empty balance: each holds the most audio, none overspends", async () => {
    // Two holds of ~16.4 credits fit in 40; the rest are refused before Gemini is asked.
    const who = await customer(40);
    for (let i = 0; i < 6; i++)
      harness.fakes.google.scripts.enqueue(UPSTREAM, { chunkDelayMs: 150 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, async () => {
        const response = await who.client.audio.speech.create({
          model: MODEL,
          input: "a few words to say",
          voice: "Kore",
          response_format: "pcm",
        });
        return Buffer.from(await response.arrayBuffer()).length;
      }),
    );
    const refused = outcomes.filter((outcome) => outcome.status === "rejected");
    const spoken = outcomes.filter((outcome) => outcome.status === "fulfilled");
    expect(spoken.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const outcome of refused) expect(outcome.reason).toMatchObject({ status: 402 });
    const rows = await rowsOf(who.apiKey.id);
    expect(rows.map((row) => row.status)).toEqual(spoken.map(() => "SUCCESS"));
    expect(received()).toHaveLength(spoken.length);
    const spent = rows.reduce((sum, row) => sum + row.cost, 0n);
    const balance = await balanceOf(who.user.id);
    expect(balance).toBe(creditsToMicro(40) - spent);
    expect(balance).toBeGreaterThanOrEqual(0n);
  });

  test("the fake Gemini's whole answer (:generateContent) is the same speech, counted alike", async () => {
    const gemini = new GoogleGenAI({
      apiKey: "AIza-fake",
      httpOptions: { baseUrl: harness.fakes.google.baseUrl },
    });
    const answer = await gemini.models.generateContent({
      model: UPSTREAM,
      contents: "Hello there",
      config: { responseModalities: [Modality.AUDIO] },
    });
    const part = answer.candidates![0]!.content!.parts![0]!;
    expect(part.inlineData!.mimeType).toBe("audio/L16;codec=pcm;rate=24000");
    expect(Buffer.from(part.inlineData!.data!, "base64")).toEqual(
      Buffer.concat(fakeGeminiSpeech("Hello there")),
    );
    expect(answer.usageMetadata).toMatchObject({
      promptTokenCount: 3,
      candidatesTokenCount: 10,
      candidatesTokensDetails: [{ modality: "AUDIO", tokenCount: 10 }],
    });
  });
});
