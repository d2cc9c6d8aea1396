import { expect, test } from "vitest";
import { EMPTY_USAGE } from "../llm/parts.ts";
import { CompletionAccumulator } from "./completion-accumulator.ts";

test("parts add up to the whole answer: text, thinking, tool calls by index, the finish", () => {
  const answer = new CompletionAccumulator();
  for (const part of [
    { type: "thinking-delta", text: "Hm" },
    { type: "thinking-signature", signature: "sig" },
    { type: "text-delta", text: "Hel" },
    { type: "text-delta", text: "lo" },
    { type: "tool-call-start", index: 1, id: "call_b", name: "b" },
    { type: "tool-call-start", index: 0, id: "call_a", name: "a" },
    { type: "tool-call-delta", index: 0, argumentsDelta: '{"x":' },
    { type: "tool-call-delta", index: 0, argumentsDelta: "1}" },
    { type: "tool-call-delta", index: 7, argumentsDelta: "lost" },
    { type: "finish", finishReason: "tool_calls" },
  ] as const)
    answer.add(part);
  expect(answer).toMatchObject({ text: "Hello", thinking: "Hm", signature: "sig" });
  expect(answer.toolCalls).toEqual([
    { id: "call_a", name: "a", arguments: '{"x":1}' },
    { id: "call_b", name: "b", arguments: "" },
  ]);
  expect(answer.finishReason).toBe("tool_calls");
  expect(answer.producedText()).toBe('HmHelloa{"x":1}b');
});

test("usage: the latest report wins, field by field, over zeros", () => {
  const answer = new CompletionAccumulator();
  expect(answer.reportedUsage).toBeUndefined();
  answer.add({ type: "usage", usage: { ...EMPTY_USAGE, inputTokens: 10, outputTokens: 1 } });
  answer.add({ type: "usage", usage: { ...EMPTY_USAGE, inputTokens: 10, outputTokens: 5 } });
  expect(answer.reportedUsage).toEqual({ ...EMPTY_USAGE, inputTokens: 10, outputTokens: 5 });
});
