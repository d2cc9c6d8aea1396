import { expect, test } from "vitest";
import { nulAt, tooDeepAt } from "./json-shape.ts";

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

test("NUL: in a value or a key, named by its path", () => {
  expect(nulAt({ name: "fine", list: ["ok"] })).toBeUndefined();
  expect(nulAt({ user: { email: "a\0@b.c" } })).toBe("user.email");
  expect(nulAt({ list: ["ok", "b\0d"] })).toBe("list.1");
  expect(nulAt({ "k\0": 1 })).toBe("k\\0");
  expect(nulAt("\0")).toBe("(body)");
});
