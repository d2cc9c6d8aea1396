import { expect, test } from "vitest";
import type { StreamPart } from "../../llm/parts.ts";
import { UpstreamWatchdog } from "./upstream-watchdog.ts";

const LIMITS = { firstByteMs: 100, betweenChunksMs: 100, answerMs: 100 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A provider that has every part ready at once. */
async function* readyParts(): AsyncGenerator<StreamPart[]> {
  for (const text of ["One", " two", " three"]) yield [{ type: "text-delta", text }];
}

test("the between-parts limit runs only while the gateway waits for the provider", async () => {
  const run = new AbortController();
  const watchdog = new UpstreamWatchdog(run.signal, LIMITS, "fake");
  const parts = watchdog.guard(readyParts());
  expect((await parts.next()).done).toBe(false);
  // The gateway asks for nothing more for a while (its client is not reading): not the provider's silence.
  await sleep(400);
  expect(watchdog.signal.aborted).toBe(false);
  expect(await parts.next()).toEqual({
    done: false,
    value: [{ type: "text-delta", text: " two" }],
  });
  await parts.return!();
});

test("a provider silent while the gateway waits is cut at the limit", async () => {
  const run = new AbortController();
  const watchdog = new UpstreamWatchdog(run.signal, LIMITS, "fake");
  async function* silentAfterOne(): AsyncGenerator<StreamPart[]> {
    yield [{ type: "text-delta", text: "One" }];
    await new Promise((resolve) => watchdog.signal.addEventListener("abort", resolve));
  }
  const parts = watchdog.guard(silentAfterOne());
  await parts.next();
  await expect(parts.next()).rejects.toMatchObject({
    code: "upstream_timeout",
    message: "fake sent nothing for 0.1 s in the middle of its answer",
  });
});
