// Audio in a chat (`input_audio` parts, ADR 072) through the official openai client: passed
// on to OpenAI as it came, given to Gemini inline, never sent to Claude (a model served only
// by Claude answers 400; one served by Claude and OpenAI goes to OpenAI); its hold is sized
// by the audio's length, not its base64 text.
import type { ChatCompletionContentPart } from "openai/resources/chat/completions";
import { beforeAll, expect, test } from "vitest";
import { fakeWav } from "#scripts/fake-providers/audio.ts";
import { createCatalogEntry } from "../support/factories.ts";
import { sdkCustomer } from "../support/sdk-customer.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness({ checkLedger: true, resetFakes: true });

beforeAll(async () => {
  for (const provider of ["openai", "google", "anthropic"] as const)
    await createCatalogEntry(prisma, {
      modelSlug: `hear-${provider}`,
      providerSlug: provider,
      upstreamModel: `hear-${provider}`,
    });
  // Claude first, OpenAI second.
  await createCatalogEntry(prisma, {
    modelSlug: "hear-both",
    providerSlug: "anthropic",
    upstreamModel: "both-claude",
    priority: 0,
  });
  await createCatalogEntry(prisma, {
    modelSlug: "hear-both",
    providerSlug: "openai",
    upstreamModel: "both-openai",
    priority: 1,
  });
});

const customer = (credits = 100) => sdkCustomer(prisma, harness.baseUrl, credits);

const audio = (seconds: number): ChatCompletionContentPart => ({
  type: "input_audio",
  input_audio: { data: fakeWav(seconds).toString("base64"), format: "wav" },
});
const ask = (model: string, part: ChatCompletionContentPart) => ({
  model,
  max_completion_tokens: 50,
  messages: [
    { role: "user" as const, content: [{ type: "text" as const, text: "What is said?" }, part] },
  ],
});

test("OpenAI gets the audio part as it came", async () => {
  const who = await customer();
  const part = audio(0.5);
  const answer = await who.client.chat.completions.create(ask("hear-openai", part));
  expect(answer.choices[0]!.message.content).toBe("Hello from the fake provider.");
  const sent = harness.fakes.openai.scripts.received[0]!.body as {
    messages: { content: unknown[] }[];
  };
  expect(sent.messages[0]!.content[1]).toEqual(part);
});

test("Gemini gets it inline, as audio/wav", async () => {
  const who = await customer();
  const part = audio(0.5) as { input_audio: { data: string } };
  await who.client.chat.completions.create(ask("hear-google", part as ChatCompletionContentPart));
  const sent = harness.fakes.google.scripts.received[0]!.body as {
    contents: { parts: unknown[] }[];
  };
  expect(sent.contents[0]!.parts).toContainEqual({
    inlineData: { mimeType: "audio/wav", data: part.input_audio.data },
  });
});

test("Claude takes none: a Claude-only model answers 400; a model Claude and OpenAI serve goes to OpenAI", async () => {
  const who = await customer();
  await expect(
    who.client.chat.completions.create(ask("hear-anthropic", audio(0.5))),
  ).rejects.toMatchObject({
    status: 400,
    code: "audio_not_supported",
  });
  expect(harness.fakes.anthropic.scripts.received).toHaveLength(0);
  await who.client.chat.completions.create(ask("hear-both", audio(0.5)));
  expect(harness.fakes.anthropic.scripts.received).toHaveLength(0);
  expect((harness.fakes.openai.scripts.received[0]!.body as { model: string }).model).toBe(
    "both-openai",
  );
  const rows = await prisma.conversation.findMany({ where: { apiKeyId: who.apiKey.id } });
  expect(rows.map((row) => row.providerSlug)).toEqual(["openai"]);
});

test("a minute of audio is held by its length: a small balance is enough", async () => {
  // 1.9 MB of WAV is 2.6M base64 characters: held as text that would be US$2.56 at US$1 per 1M;
  // held as 60 seconds of audio tokens it is a fraction of a cent.
  const who = await customer(1);
  const answer = await who.client.chat.completions.create(ask("hear-openai", audio(60)));
  expect(answer.choices[0]!.message.content).toBeTruthy();
});

test.each([
  [
    "a format that is not one",
    { type: "input_audio", input_audio: { data: "AAAA", format: "ogg" } },
    /format/,
  ],
  [
    "data that is not base64",
    { type: "input_audio", input_audio: { data: "not base64!", format: "wav" } },
    /base64/,
  ],
  ["no data", { type: "input_audio", input_audio: { format: "wav" } }, /data/],
])("%s: 400 naming it", async (_name, part, message) => {
  const who = await customer();
  await expect(
    who.client.chat.completions.create(ask("hear-openai", part as ChatCompletionContentPart)),
  ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(message) });
  expect(harness.fakes.openai.scripts.received).toHaveLength(0);
});
