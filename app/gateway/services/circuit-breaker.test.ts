import { expect, test } from "vitest";
import { CircuitBreaker } from "./circuit-breaker.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("opens after the threshold of failures in a row; a success in between resets the count", () => {
  const breaker = new CircuitBreaker({ threshold: 3, openMs: 60_000 });
  breaker.failed("p");
  breaker.failed("p");
  breaker.succeeded("p");
  breaker.failed("p");
  breaker.failed("p");
  expect(breaker.allows("p")).toBe(true);
  breaker.failed("p");
  expect(breaker.allows("p")).toBe(false);
  expect(breaker.skippedProviders()).toEqual(["p"]);
  expect(breaker.allows("other")).toBe(true);
});

test("after the window one trial request may go; its failure opens the circuit again, its success closes it", async () => {
  const breaker = new CircuitBreaker({ threshold: 1, openMs: 30 });
  breaker.failed("p");
  expect(breaker.allows("p")).toBe(false);
  await sleep(40);
  expect(breaker.allows("p")).toBe(true);
  // Only one trial at a time.
  expect(breaker.allows("p")).toBe(false);
  breaker.failed("p");
  expect(breaker.allows("p")).toBe(false);
  await sleep(40);
  expect(breaker.allows("p")).toBe(true);
  breaker.succeeded("p");
  expect(breaker.allows("p")).toBe(true);
  expect(breaker.skippedProviders()).toEqual([]);
});

test("a trial that ended saying nothing of the provider frees the slot for the next", async () => {
  const breaker = new CircuitBreaker({ threshold: 1, openMs: 10 });
  breaker.failed("p");
  await sleep(20);
  expect(breaker.allows("p")).toBe(true);
  breaker.release("p");
  expect(breaker.allows("p")).toBe(true);
});

test("says when a provider's circuit opens and when it closes again, once each (the provider.* events)", async () => {
  const changes: [string, boolean][] = [];
  const breaker = new CircuitBreaker({ threshold: 2, openMs: 30 }, (provider, open) =>
    changes.push([provider, open]),
  );
  breaker.failed("p");
  expect(changes).toEqual([]);
  breaker.failed("p");
  breaker.failed("p"); // already open: not said again
  expect(changes).toEqual([["p", true]]);
  await sleep(40);
  expect(breaker.allows("p")).toBe(true);
  breaker.succeeded("p");
  breaker.succeeded("p");
  expect(changes).toEqual([
    ["p", true],
    ["p", false],
  ]);
});
