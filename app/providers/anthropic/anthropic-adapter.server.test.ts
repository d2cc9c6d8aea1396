import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { startFakeAnthropic, THINKING_SIGNATURE } from "#scripts/fake-providers/anthropic.ts";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import type { StreamPart } from "../../llm/parts.ts";
import { UpstreamError, type AdapterCall, type ProviderAdapter } from "../adapter.ts";
import { adapterCall, collectParts, usagePart } from "../../../tests/support/adapter-parts.ts";
import { createAnthropicAdapter } from "./anthropic-adapter.server.ts";

let fake: FakeProvider;
let adapter: ProviderAdapter;
beforeAll(async () => {
  fake = await startFakeAnthropic();
  adapter = createAnthropicAdapter({ apiKey: "sk-ant-test", baseURL: fake.baseUrl });
});
afterAll(() => fake.close());
beforeEach(() => fake.scripts.reset());

const call = (overrides: Partial<AdapterCall> = {}) =>
  adapterCall("claude-x", "upstream-claude", overrides);
const collect = collectParts;

const usage = (input: number, cached: number, cacheWrite: number, output: number) =>
  usagePart({
    inputTokens: input,
    cachedInputTokens: cached,
    cacheWriteTokens: cacheWrite,
    outputTokens: output,
  });

describe("Anthropic adapter", () => {
  test("input usage at message_start, text, then the cumulative output and the stop reason", async () => {
    fake.scripts.enqueue("upstream-claude", {
      chunks: ["Hel", "lo"],
      usage: { input: 7, cached: 3, cacheWrite: 2, output: 2 },
    });
    const parts = await collect(await adapter.streamParts(call()));
    expect(parts).toEqual([
      // message_start reports one output token so far, as Anthropic does.
      usage(7, 3, 2, 1),
      { type: "text-delta", text: "Hel" },
      { type: "text-delta", text: "lo" },
      usage(7, 3, 2, 2),
      { type: "finish", finishReason: "stop" },
    ]);
    const sent = fake.scripts.received[0]!;
    expect(sent.body).toMatchObject({ model: "upstream-claude", max_tokens: 100, stream: true });
    expect(sent.headers.authorization).toBe("Bearer sk-ant-test");
  });

  test("tool_use blocks become tool calls, numbered from 0 whatever their block index", async () => {
    fake.scripts.enqueue("upstream-claude", {
      chunks: ["Checking."],
      toolCalls: [{ id: "toolu_1", name: "lookup", arguments: '{"q":"x"}' }],
    });
    const parts = await collect(await adapter.streamParts(call()));
    expect(parts.filter((part) => part.type.startsWith("tool-call"))).toEqual([
      { type: "tool-call-start", index: 0, id: "toolu_1", name: "lookup" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"q":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: '"x"}' },
    ]);
    expect(parts.at(-1)).toEqual({ type: "finish", finishReason: "tool_calls" });
  });

  test("a native request goes as it came, with its beta header; thinking comes back as parts", async () => {
    fake.scripts.enqueue("upstream-claude", { thinking: "Hmm.", text: "Yes." });
    const body = {
      model: "claude-x",
      max_tokens: 5000,
      thinking: { type: "enabled", budget_tokens: 1024 },
      system: [{ type: "text", text: "S", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: "Hi" }],
    };
    const parts = await collect(
      await adapter.streamParts(
        call({
          native: { protocol: "anthropic", body, headers: { "anthropic-beta": "b-1,b-2" } },
          maxOutputTokens: 5000,
        }),
      ),
    );
    expect(parts.filter((part) => part.type.startsWith("thinking"))).toEqual([
      { type: "thinking-delta", text: "Hmm." },
      { type: "thinking-signature", signature: THINKING_SIGNATURE },
    ]);
    const sent = fake.scripts.received[0]!;
    expect(sent.headers["anthropic-beta"]).toBe("b-1,b-2");
    expect(sent.body).toEqual({ ...body, model: "upstream-claude", stream: true });
  });

  test.each([
    [429, 429, true],
    [529, 503, true],
    [500, 502, true],
    [400, 400, false],
    [401, 502, true],
  ])("upstream %i becomes %i (retryable: %s)", async (upstream, status, retryable) => {
    fake.scripts.enqueue("upstream-claude", { status: upstream });
    const error = await adapter.streamParts(call()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ status, retryable });
  });

  test("a cut connection mid-stream throws an UpstreamError after the parts that arrived", async () => {
    fake.scripts.enqueue("upstream-claude", { chunks: ["a", "b", "c"], cutAfterChunks: 1 });
    const seen: StreamPart[] = [];
    const error = await (async () => {
      for await (const batch of await adapter.streamParts(call())) seen.push(...batch);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(seen.filter((part) => part.type === "text-delta")).toEqual([
      { type: "text-delta", text: "a" },
    ]);
  });
});
