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
import { openRouterCustomer, setupOpenRouterGateway } from "../support/openrouter-gateway.ts";

const { prisma, gw } = setupOpenRouterGateway();

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
