// Anthropic's stream events, as its API sends them (shared PROVIDER-WIRE.md §2),
// mapped to parts: recorded streams in __fixtures__, one per shape.
import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, test } from "vitest";
import { collectParts, fixtureEvents, usagePart } from "../../../tests/support/adapter-parts.ts";
import { mapStopReason, toParts } from "./anthropic-parts.ts";

const partsOf = (fixture: string) =>
  collectParts(
    toParts(
      fixtureEvents<RawMessageStreamEvent>(import.meta.dirname, fixture),
      (error) => error as Error,
    ),
  );

const usage = usagePart;

describe("Anthropic stream -> parts", () => {
  test("text and a tool call; cache reads and writes kept apart from input", async () => {
    const cached = { inputTokens: 25, cachedInputTokens: 40, cacheWriteTokens: 12 };
    expect(await partsOf("tool-use.chunks.txt")).toEqual([
      usage({ ...cached, outputTokens: 1 }),
      { type: "text-delta", text: "Hello" },
      { type: "tool-call-start", index: 0, id: "toolu_01", name: "get_weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city": "Par' },
      { type: "tool-call-delta", index: 0, argumentsDelta: 'is"}' },
      // message_delta's output count is cumulative: it replaces, never adds.
      usage({ ...cached, outputTokens: 15 }),
      { type: "finish", finishReason: "tool_calls" },
    ]);
  });

  test("thinking and its signature, thinking tokens counted in the output", async () => {
    expect(await partsOf("thinking.chunks.txt")).toEqual([
      usage({ inputTokens: 30, outputTokens: 1 }),
      { type: "thinking-delta", text: "Two plus two" },
      { type: "thinking-delta", text: " is four." },
      { type: "thinking-signature", signature: "EqQBCgIYAhIM1gbcDa9GJwZA" },
      { type: "text-delta", text: "4" },
      usage({ inputTokens: 30, outputTokens: 42, reasoningTokens: 38 }),
      { type: "finish", finishReason: "length" },
    ]);
  });

  test.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["pause_turn", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
  ])("stop reason %s -> %s", (reason, finish) => {
    expect(mapStopReason(reason)).toBe(finish);
  });
});
