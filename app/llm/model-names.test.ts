import { expect, test } from "vitest";
import { closestNames, nameIndex, openRouterId, splitVariant } from "./model-names.ts";

const NAMES = [
  "gpt-6.2-sol",
  "gpt-6.2-astra",
  "openai/gpt-6.2-sol",
  "claude-sonnet-5-5",
  "claude-opus-5-5",
  "anthropic/claude-sonnet-5-5",
  "anthropic/claude-opus-5-5",
  "gemini-4-neon",
  "fast",
];

test.each([
  ["gpt-6.2-soll", ["gpt-6.2-sol"]],
  ["openai/gpt-6.2-soll", ["openai/gpt-6.2-sol"]],
  ["anthropic/claude-sonet-5-5", ["anthropic/claude-sonnet-5-5"]],
  ["GPT-6.2-SOL", ["gpt-6.2-sol"]],
  // No typo close enough: the names that contain it.
  ["sonnet", ["claude-sonnet-5-5", "anthropic/claude-sonnet-5-5"]],
  ["zzzz-9", []],
  ["fst", ["fast"]],
])("closestNames(%s) -> %o", (unknown, expected) => {
  expect(closestNames(unknown, NAMES)).toEqual(expected);
});

test("variants, OpenRouter ids and the names' precedence", () => {
  expect(splitVariant("gpt-6.2-sol:nitro")).toEqual({ name: "gpt-6.2-sol", variant: "nitro" });
  expect(splitVariant("openai/gpt-6.2-sol:floor")).toEqual({
    name: "openai/gpt-6.2-sol",
    variant: "floor",
  });
  expect(splitVariant("gpt-6.2-sol:free")).toEqual({ name: "gpt-6.2-sol:free" });
  expect(openRouterId("gpt-6.2-sol", "openai")).toBe("openai/gpt-6.2-sol");
  // An imported model whose slug has an author already is its own id.
  expect(openRouterId("meta-llama/llama-3.3-70b", "groq")).toBe("meta-llama/llama-3.3-70b");
  // A slug wins over an OpenRouter id, which wins over an alias: an alias never hides a model.
  const names = nameIndex(
    [
      { slug: "a", openRouterId: "x/a" },
      { slug: "x/a", openRouterId: "x/a" },
    ],
    [
      ["a", "x/a"],
      ["fast", "a"],
    ],
  );
  expect(Object.fromEntries(names)).toEqual({ a: "a", "x/a": "x/a", fast: "a" });
});
