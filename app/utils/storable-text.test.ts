import { expect, test } from "vitest";
import { isStorableText, storableJson, storableJsonValue, storableText } from "./storable-text.ts";

test("NUL characters and lone surrogates are what PostgreSQL cannot store", () => {
  expect(isStorableText("plain, ünïcode, 😀 and \u001b control")).toBe(true);
  expect(isStorableText("a\0b")).toBe(false);
  expect(isStorableText("a\ud800b")).toBe(false);
  expect(isStorableText("a\udc00")).toBe(false);
  expect(isStorableText("\ud83d\ude00")).toBe(true);
});

test("storableText replaces each with U+FFFD and keeps the rest", () => {
  expect(storableText("a\0b\ud800c\udfffd😀")).toBe("a\ufffdb\ufffdc\ufffdd😀");
  expect(storableText("fine")).toBe("fine");
});

test("storableJson: the same JSON, with only the unstorable escapes replaced", () => {
  const value = {
    nul: "a\0b",
    half: "x\ud800",
    pair: "😀",
    control: "\u001f",
    backslashes: "\\u0000 is text here, and so is \\\\ud800",
    "key\0": ["\udc00"],
  };
  const json = storableJson(value);
  expect(JSON.parse(json)).toEqual({
    nul: "a\ufffdb",
    half: "x\ufffd",
    pair: "😀",
    control: "\u001f",
    backslashes: "\\u0000 is text here, and so is \\\\ud800",
    "key\ufffd": ["\ufffd"],
  });
  expect(storableJson({ n: 1n }, (_key, v) => (typeof v === "bigint" ? v.toString() : v))).toBe(
    '{"n":"1"}',
  );
  expect(storableJsonValue({ a: ["\0"] })).toEqual({ a: ["\ufffd"] });
});
