import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { fakeVector } from "#scripts/fake-providers/embeddings.ts";
import { startFakeGemini } from "#scripts/fake-providers/gemini.ts";
import { UpstreamError, type AdapterCall, type ProviderAdapter } from "../adapter.ts";
import { adapterCall, collectParts } from "../../../tests/support/adapter-parts.ts";
import { createGeminiAdapter } from "./gemini-adapter.server.ts";

let fake: FakeProvider;
let adapter: ProviderAdapter;
beforeAll(async () => {
  fake = await startFakeGemini();
  adapter = createGeminiAdapter({ apiKey: "AIza-test", baseURL: fake.baseUrl });
});
afterAll(() => fake.close());
beforeEach(() => fake.scripts.reset());

const call = (overrides: Partial<AdapterCall> = {}) =>
  adapterCall("gemini-x", "upstream-gemini", overrides);
const collect = collectParts;

describe("Gemini adapter", () => {
  test("text, running usage (the last counts: thinking billed as output, cache apart), the finish", async () => {
    fake.scripts.enqueue("upstream-gemini", {
      chunks: ["Hel", "lo"],
      usage: { input: 7, cached: 3, output: 4, reasoning: 2 },
    });
    const parts = await collect(await adapter.streamParts(call()));
    expect(parts.filter((part) => part.type === "text-delta")).toEqual([
      { type: "text-delta", text: "Hel" },
      { type: "text-delta", text: "lo" },
    ]);
    expect(parts.filter((part) => part.type === "usage").at(-1)).toEqual({
      type: "usage",
      usage: {
        inputTokens: 7,
        cachedInputTokens: 3,
        cacheWriteTokens: 0,
        outputTokens: 4,
        reasoningTokens: 2,
      },
    });
    expect(parts.at(-1)).toEqual({ type: "finish", finishReason: "stop" });
    const sent = fake.scripts.received[0]!;
    expect(sent.path).toMatch(/\/models\/upstream-gemini:streamGenerateContent/);
    expect(sent.body).toMatchObject({ generationConfig: { maxOutputTokens: 100 } });
  });

  test("function calls come whole: a start and one delta with all the arguments", async () => {
    fake.scripts.enqueue("upstream-gemini", {
      toolCalls: [{ id: "fc_1", name: "lookup", arguments: '{"q":"x"}' }],
    });
    const parts = await collect(await adapter.streamParts(call()));
    const start = parts.find((part) => part.type === "tool-call-start");
    expect(start).toMatchObject({ type: "tool-call-start", index: 0, name: "lookup" });
    expect(parts.find((part) => part.type === "tool-call-delta")).toEqual({
      type: "tool-call-delta",
      index: 0,
      argumentsDelta: '{"q":"x"}',
    });
    expect(parts.at(-1)).toEqual({ type: "finish", finishReason: "tool_calls" });
  });

  test.each([
    [429, 429, true],
    [503, 503, true],
    [500, 502, true],
    [400, 400, false],
    [403, 502, true],
  ])("upstream %i becomes %i (retryable: %s)", async (upstream, status, retryable) => {
    fake.scripts.enqueue("upstream-gemini", { status: upstream });
    const error = await adapter.streamParts(call()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ status, retryable });
  });

  test("Gemini's retry hint (RetryInfo in the body) becomes retryAfterSeconds", async () => {
    fake.scripts.enqueue("upstream-gemini", { status: 429, retryAfterSeconds: 7 });
    const error = await adapter.streamParts(call()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 7 });
  });

  test("embeddings: one vector per input in order, no token count (Gemini reports none)", async () => {
    const answer = await adapter.embed!({
      upstreamModel: "upstream-embed",
      inputs: ["one", "two"],
      dimensions: 6,
      signal: new AbortController().signal,
    });
    expect(answer).toEqual({
      vectors: [fakeVector("one", 6), fakeVector("two", 6)],
      inputTokens: undefined,
    });
    expect(fake.scripts.received[0]!.path).toMatch(/upstream-embed:batchEmbedContents$/);
  });
});
