import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { startFakeOpenAI } from "#scripts/fake-providers/openai.ts";
import type { StreamPart } from "../../llm/parts.ts";
import { UpstreamError, type AdapterCall, type ProviderAdapter } from "../adapter.ts";
import { adapterCall, collectParts } from "../../../tests/support/adapter-parts.ts";
import { createOpenAIAdapter } from "./openai-adapter.server.ts";

let fake: FakeProvider;
let adapter: ProviderAdapter;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  adapter = createOpenAIAdapter({ apiKey: "sk-test", baseURL: fake.baseUrl });
});
afterAll(() => fake.close());
beforeEach(() => fake.scripts.reset());

// The client's max_tokens (5) is not what is sent: the gateway's cap (100) is.
const call = (overrides: Partial<AdapterCall> = {}) =>
  adapterCall("gpt-x", "upstream-gpt", {
    request: { model: "gpt-x", messages: [{ role: "user", content: "Hi" }], max_tokens: 5 },
    ...overrides,
  });
const collect = collectParts;

describe("OpenAI adapter", () => {
  test("streams text, finish and usage, sending the upstream model and our output cap", async () => {
    fake.scripts.enqueue("upstream-gpt", {
      chunks: ["Hel", "lo"],
      usage: { input: 7, cached: 3, output: 2, reasoning: 1 },
    });
    const parts = await collect(await adapter.streamParts(call()));
    expect(parts).toEqual([
      { type: "text-delta", text: "Hel" },
      { type: "text-delta", text: "lo" },
      { type: "finish", finishReason: "stop" },
      {
        type: "usage",
        usage: {
          inputTokens: 7,
          cachedInputTokens: 3,
          cacheWriteTokens: 0,
          outputTokens: 2,
          reasoningTokens: 1,
        },
      },
    ]);
    const body = fake.scripts.received[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      model: "upstream-gpt",
      max_completion_tokens: 100,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(body).not.toHaveProperty("max_tokens");
    expect(fake.scripts.received[0]!.headers.authorization).toBe("Bearer sk-test");
  });

  test("for a client that does not stream, asks for one answer and gives its parts", async () => {
    fake.scripts.enqueue("upstream-gpt", {
      chunks: ["Hel", "lo"],
      toolCalls: [{ id: "call_1", name: "lookup", arguments: '{"q":1}' }],
      usage: { input: 7, output: 2 },
    });
    const parts = await collect(await adapter.streamParts(call({ stream: false })));
    expect(parts).toEqual([
      { type: "text-delta", text: "Hello" },
      { type: "tool-call-start", index: 0, id: "call_1", name: "lookup" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"q":1}' },
      { type: "finish", finishReason: "tool_calls" },
      {
        type: "usage",
        usage: {
          inputTokens: 7,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 2,
          reasoningTokens: 0,
        },
      },
    ]);
    const body = fake.scripts.received[0]!.body as Record<string, unknown>;
    expect(body).not.toHaveProperty("stream");
    expect(body).not.toHaveProperty("stream_options");
  });

  test("an error event mid-stream throws the provider's message", async () => {
    fake.scripts.enqueue("upstream-gpt", { chunks: ["a", "b"], errorEventAfterChunks: 1 });
    const error = await collect(await adapter.streamParts(call())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/overloaded/);
  });

  test("streams tool calls as start and argument deltas", async () => {
    fake.scripts.enqueue("upstream-gpt", {
      toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
    });
    const parts = await collect(await adapter.streamParts(call()));
    expect(parts.filter((part) => part.type.startsWith("tool"))).toEqual([
      { type: "tool-call-start", index: 0, id: "call_1", name: "get_weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: '"Paris"}' },
    ]);
    expect(parts).toContainEqual({ type: "finish", finishReason: "tool_calls" });
  });

  test.each([
    [429, 429, true, 7],
    [500, 502, true, undefined],
    [503, 503, true, undefined],
    [401, 502, true, undefined],
    [400, 400, false, undefined],
  ])("upstream %i becomes %i (retryable: %s)", async (upstream, status, retryable, retryAfter) => {
    fake.scripts.enqueue("upstream-gpt", { status: upstream, retryAfterSeconds: retryAfter });
    const error = await adapter.streamParts(call()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ status, retryable, retryAfterSeconds: retryAfter });
  });

  test("a cut connection mid-stream throws an UpstreamError after the parts that arrived", async () => {
    fake.scripts.enqueue("upstream-gpt", { chunks: ["a", "b", "c"], cutAfterChunks: 2 });
    const parts: StreamPart[] = [];
    const error = await (async () => {
      for await (const batch of await adapter.streamParts(call())) parts.push(...batch);
    })().catch((e: unknown) => e);
    expect(parts).toEqual([
      { type: "text-delta", text: "a" },
      { type: "text-delta", text: "b" },
    ]);
    expect(error).toBeInstanceOf(UpstreamError);
  });

  test("a malformed chunk throws an UpstreamError", async () => {
    fake.scripts.enqueue("upstream-gpt", { chunks: ["a", "b"], malformedAfterChunks: 1 });
    await expect(collect(await adapter.streamParts(call()))).rejects.toBeInstanceOf(UpstreamError);
  });

  test("an unreachable provider is a retryable 502", async () => {
    const offline = createOpenAIAdapter({ apiKey: "k", baseURL: "http://127.0.0.1:1/v1" });
    await expect(offline.streamParts(call())).rejects.toMatchObject({
      status: 502,
      retryable: true,
    });
  });
});
