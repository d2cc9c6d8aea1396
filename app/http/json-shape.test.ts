import { expect, test } from "vitest";
import { tooDeepAt, unstorableMessage, unstorableTextAt } from "./json-shape.ts";

const nested = (depth: number, leaf: unknown = 1): unknown =>
  Array.from({ length: depth }).reduce<unknown>((inner) => ({ a: inner }), leaf);

test("depth: a body at the limit passes, one level more is named by its path", () => {
  expect(tooDeepAt({ tools: [{ parameters: nested(10) }] })).toBeUndefined();
  expect(tooDeepAt(nested(64))).toBeUndefined();
  expect(tooDeepAt(nested(65))).toBe("a.a.a.a.a.a.a.a… (64 levels)");
  expect(tooDeepAt({ x: [[[1]]] }, 3)).toBe("x.0.0");
});

test("depth: a hostile nesting of 100,000 levels is refused without walking it all", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  expect(tooDeepAt({ tools: [{ function: { parameters: deep } }] })).toMatch(
    /^tools\.0\.function\.parameters\.0\.0\.0\.0… \(64 levels\)$/,
  );
});

const nulAt = (value: unknown) => unstorableTextAt(value)?.path;

test("NUL: in a value or a key, named by its path", () => {
  expect(nulAt({ name: "fine", list: ["ok"] })).toBeUndefined();
  expect(nulAt({ user: { email: "a\0@b.c" } })).toBe("user.email");
  expect(nulAt({ list: ["ok", "b\0d"] })).toBe("list.1");
  expect(nulAt({ "k\0": 1 })).toBe("k\\0");
  expect(nulAt("\0")).toBe("(body)");
});

test("a lone surrogate: in a value or a key, named by its path with the unit escaped", () => {
  expect(unstorableTextAt({ name: "a pair 😀 is fine", list: ["\ud83d\ude00"] })).toBeUndefined();
  expect(unstorableTextAt({ name: "half \ud800" })).toEqual({
    path: "name",
    holds: "an unpaired surrogate",
  });
  expect(unstorableTextAt({ list: ["ok", "\udfff first"] })?.path).toBe("list.1");
  expect(unstorableTextAt({ "k\udc00": 1 })?.path).toBe("k\\udc00");
  expect(unstorableMessage({ path: "name", holds: "a NUL character" })).toBe(
    "name: must not contain NUL characters",
  );
  expect(unstorableMessage({ path: "name", holds: "an unpaired surrogate" })).toMatch(
    /^name: must be well-formed Unicode text, without an unpaired surrogate/,
  );
});
