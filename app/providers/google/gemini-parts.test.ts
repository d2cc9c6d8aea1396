// Gemini's stream chunks, as its API sends them (shared PROVIDER-WIRE.md §3:
// `data:` lines only, running usage, CRLF or LF), mapped to parts: recorded
// streams in __fixtures__, one per shape.
import type { GenerateContentResponse } from "@google/genai";
import { describe, expect, test } from "vitest";
import { collectParts, fixtureEvents, usagePart } from "../../../tests/support/adapter-parts.ts";
import { mapFinishReason, toParts } from "./gemini-parts.ts";

const partsOf = (fixture: string) =>
  collectParts(
    toParts(
      fixtureEvents<GenerateContentResponse>(import.meta.dirname, fixture),
      (error) => error as Error,
    ),
  );

const usage = usagePart;

describe("Gemini stream -> parts", () => {
  test("text with running usage: the last total counts", async () => {
    expect(await partsOf("text.chunks.txt")).toEqual([
      { type: "text-delta", text: "Hel" },
      usage({ inputTokens: 8 }),
      { type: "text-delta", text: "lo" },
      usage({ inputTokens: 8, outputTokens: 2 }),
      { type: "finish", finishReason: "stop" },
    ]);
  });

  test("thought parts are not shown but billed; a function call comes whole; cache apart", async () => {
    expect(await partsOf("function-call.chunks.txt")).toEqual([
      usage({ inputTokens: 4, cachedInputTokens: 16, outputTokens: 6, reasoningTokens: 6 }),
      { type: "tool-call-start", index: 0, id: "fc_9", name: "get_weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":"Paris"}' },
      usage({ inputTokens: 4, cachedInputTokens: 16, outputTokens: 11, reasoningTokens: 6 }),
      // STOP after a function call: Gemini has no tool-call reason of its own.
      { type: "finish", finishReason: "tool_calls" },
    ]);
  });

  test("a blocked prompt ends as content_filter", async () => {
    expect(await partsOf("blocked.chunks.txt")).toEqual([
      usage({ inputTokens: 9 }),
      { type: "finish", finishReason: "content_filter" },
    ]);
  });

  test.each([
    ["STOP", false, "stop"],
    ["STOP", true, "tool_calls"],
    ["MAX_TOKENS", false, "length"],
    ["SAFETY", false, "content_filter"],
    ["RECITATION", false, "content_filter"],
    ["PROHIBITED_CONTENT", false, "content_filter"],
  ] as const)("finish reason %s (tools called: %s) -> %s", (reason, called, finish) => {
    expect(mapFinishReason(reason, called)).toBe(finish);
  });
});
