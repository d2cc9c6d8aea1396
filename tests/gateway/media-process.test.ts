// Images and audio through a real gateway process on the seeded catalog (ADR 072, 073), its
// providers configured as in production (their keys read into the providers table, each served
// through its key ring): the official openai client's images.generate, audio.speech.create
// (OpenAI's and Gemini's) and audio.transcriptions.create (whisper-1, and gpt-4o-transcribe
// streamed) with the shipped models, and a Gemini model's images in a chat.
// The in-process harness hands adapters in directly; only a process shows the ring passes
// every one of these on.
import OpenAI, { toFile } from "openai";
import { expect, test } from "vitest";
import { fakeWav } from "#scripts/fake-providers/audio.ts";
import { fakePng } from "#scripts/fake-providers/images.ts";
import {
  openRouterCustomer,
  setupOpenRouterGateway,
  startOpenRouterGateway,
} from "../support/openrouter-gateway.ts";

const { db, prisma, gw } = setupOpenRouterGateway();

const client = (secret: string) =>
  new OpenAI({ apiKey: secret, baseURL: `${gw.gateway.baseUrl}/v1`, maxRetries: 0 });

test("images, speech, transcriptions (one streamed) and a chat's image, each answered and billed with its usage row", async () => {
  const { secret, apiKey } = await openRouterCustomer(prisma);
  const openai = client(secret);

  const images = await openai.images.generate({
    model: "gpt-image-1",
    prompt: "A lighthouse",
    size: "1024x1024",
    quality: "low",
  });
  expect(Buffer.from(images.data![0]!.b64_json!, "base64")).toEqual(fakePng("A lighthouse#0"));

  const speech = await openai.audio.speech.create({
    model: "tts-1",
    voice: "alloy",
    input: "Hello there",
    response_format: "wav",
  });
  expect(
    Buffer.from(await speech.arrayBuffer())
      .subarray(0, 4)
      .toString(),
  ).toBe("RIFF");
  expect(speech.headers.get("content-type")).toMatch(/audio/);

  const transcription = await openai.audio.transcriptions.create({
    model: "whisper-1",
    file: await toFile(fakeWav(2), "two-seconds.wav"),
  });
  expect(transcription.text.length).toBeGreaterThan(0);

  const chat = await openai.chat.completions.create({
    model: "gemini-2.5-flash-image",
    messages: [{ role: "user", content: "Draw a boat" }],
    modalities: ["image", "text"] as unknown as ["text"],
  });
  const message = chat.choices[0]!.message as { images?: { image_url: { url: string } }[] };
  expect(message.images?.[0]?.image_url.url).toBe(
    `data:image/png;base64,${fakePng("Draw a boat").toString("base64")}`,
  );

  // Gemini's speech (ADR 075) and a streamed transcription priced by tokens (ADR 074).
  const geminiSpeech = await openai.audio.speech.create({
    model: "gemini-2.5-flash-preview-tts",
    voice: "Kore",
    input: "Hello there",
    response_format: "wav",
  });
  const wav = Buffer.from(await geminiSpeech.arrayBuffer());
  expect(wav.subarray(0, 4).toString()).toBe("RIFF");
  expect(wav.length).toBeGreaterThan(44);

  const events = await openai.audio.transcriptions.create({
    model: "gpt-4o-transcribe",
    file: await toFile(fakeWav(2), "two-seconds.wav"),
    stream: true,
  });
  let streamed = "";
  let done = "";
  for await (const event of events) {
    if (event.type === "transcript.text.delta") streamed += event.delta;
    if (event.type === "transcript.text.done") done = event.text;
  }
  expect(streamed).toBe(done);
  expect(done.length).toBeGreaterThan(0);

  const rows = await prisma.conversation.findMany({
    where: { apiKeyId: apiKey.id },
    orderBy: { id: "asc" },
  });
  expect(rows.map((row) => [row.endpoint, row.modelSlug, row.status, row.unit])).toEqual([
    ["/v1/images/generations", "gpt-image-1", "SUCCESS", "image"],
    ["/v1/audio/speech", "tts-1", "SUCCESS", "character"],
    ["/v1/audio/transcriptions", "whisper-1", "SUCCESS", "second"],
    ["/v1/chat/completions", "gemini-2.5-flash-image", "SUCCESS", "image_output_token"],
    ["/v1/audio/speech", "gemini-2.5-flash-preview-tts", "SUCCESS", "audio_output_token"],
    ["/v1/audio/transcriptions", "gpt-4o-transcribe", "SUCCESS", "audio_input_token"],
  ]);
  for (const row of rows) expect(row.cost).toBeGreaterThan(0n);
});

test("an upload over the endpoint's limit is a 413 before it is read, in OpenAI's error shape", async () => {
  const { secret, user } = await openRouterCustomer(prisma);
  const tooBig = Buffer.concat([fakeWav(1), Buffer.alloc(27 * 1024 * 1024)]);
  const failure = await client(secret)
    .audio.transcriptions.create({ model: "whisper-1", file: await toFile(tooBig, "long.wav") })
    .then(
      () => undefined,
      (error: unknown) => error as { status: number; code: string },
    );
  expect(failure).toMatchObject({ status: 413, code: "request_too_large" });
  const rows = await prisma.conversation.count({ where: { userId: user.id } });
  expect(rows).toBe(0);
});

test("a gateway killed mid-speech and mid-transcript: the survivor bills what each had recorded (INTERRUPTED) and releases the holds", async () => {
  const { secret, user } = await openRouterCustomer(prisma);
  const before = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
  const victim = await startOpenRouterGateway(db.url);
  try {
    // 40 words: 40 chunks of 0.2 s of audio (5 tokens each), one every 100 ms; a transcript of
    // 8-character deltas, one every 100 ms.
    victim.fakes.google.scripts.enqueue("gemini-2.5-flash-preview-tts", { chunkDelayMs: 100 });
    victim.fakes.openai.scripts.enqueue("gpt-4o-transcribe", {
      text: "word ".repeat(80),
      chunkDelayMs: 100,
    });
    const post = (path: string, init: RequestInit) =>
      fetch(`${victim.gateway.baseUrl}${path}`, {
        method: "POST",
        ...init,
        headers: { authorization: `Bearer ${secret}`, ...init.headers },
      });
    const speech = await post("/v1/audio/speech", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "gemini-2.5-flash-preview-tts",
        voice: "Kore",
        response_format: "pcm",
        input: Array.from({ length: 40 }, (_, i) => `word${i}`).join(" "),
      }),
    });
    const form = new FormData();
    form.set("model", "gpt-4o-transcribe");
    form.set("stream", "true");
    form.set("file", new Blob([new Uint8Array(fakeWav(30))]), "thirty-seconds.wav");
    const transcript = await post("/v1/audio/transcriptions", { body: form });
    expect([speech.status, transcript.status]).toEqual([200, 200]);
    // Read both as they come: each run records its progress once it has run a second.
    const readers = [speech.body!.getReader(), transcript.body!.getReader()];
    const reading = readers.map(async (reader) => {
      while (!(await reader.read().catch(() => ({ done: true }))).done);
    });
    await expect.poll(() => prisma.requestProgress.count(), { timeout: 5_000 }).toBe(2);
    await victim.gateway.stop("SIGKILL");
    await Promise.all(reading);

    // The survivor's sweeper finds the dead instance's lock free, and still free 3 s on.
    await expect
      .poll(() => prisma.conversation.count({ where: { userId: user.id } }), { timeout: 20_000 })
      .toBe(2);
    const rows = await prisma.conversation.findMany({
      where: { userId: user.id },
      orderBy: { endpoint: "asc" },
    });
    console.log(
      "killed mid-stream:",
      rows.map((row) => [row.endpoint, row.status, row.unit, row.units, String(row.cost)]),
    );
    expect(rows.map((row) => [row.endpoint, row.status, row.usageSource, row.unit])).toEqual([
      ["/v1/audio/speech", "INTERRUPTED", "ESTIMATED", "audio_output_token"],
      ["/v1/audio/transcriptions", "INTERRUPTED", "ESTIMATED", "audio_input_token"],
    ]);
    // Part of the speech (of 200 audio tokens), not all of it; every row charged.
    expect(rows[0]!.units).toBeGreaterThan(0);
    expect(rows[0]!.units).toBeLessThan(200);
    for (const row of rows) expect(row.cost).toBeGreaterThan(0n);
    const after = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.reserved).toBe(0n);
    expect(after.balance).toBe(before.balance - rows[0]!.cost - rows[1]!.cost);
    expect(await prisma.creditHold.count({ where: { userId: user.id } })).toBe(0);
  } finally {
    await victim.close().catch(() => {});
  }
}, 60_000);
