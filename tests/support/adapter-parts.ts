// What the provider adapters' tests share: a call to make, the parts it
// yields, and recorded streams read back from __fixtures__.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StreamPart, Usage } from "../../app/llm/parts.ts";
import type { AdapterCall } from "../../app/providers/adapter.ts";
import { SseDecoder } from "../../app/providers/sse-decoder.ts";

/** A streamed call for `upstreamModel` with an output cap of 100. */
export const adapterCall = (
  model: string,
  upstreamModel: string,
  overrides: Partial<AdapterCall> = {},
): AdapterCall => ({
  request: { model, messages: [{ role: "user", content: "Hi" }] },
  upstreamModel,
  maxOutputTokens: 100,
  stream: true,
  signal: new AbortController().signal,
  ...overrides,
});

/** Every part of a stream, in order. */
export async function collectParts(
  batches: AsyncIterable<StreamPart[]> | AsyncIterable<StreamPart>,
) {
  const out: StreamPart[] = [];
  for await (const item of batches) out.push(...(Array.isArray(item) ? item : [item]));
  return out;
}

/** A usage part: the given counts, zero for the rest. */
export const usagePart = (values: Partial<Usage>): StreamPart => ({
  type: "usage",
  usage: {
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    ...values,
  },
});

/** The events of a recorded SSE stream (`dir/__fixtures__/name`), their data parsed as JSON. */
export async function* fixtureEvents<T>(dir: string, name: string): AsyncIterable<T> {
  const text = readFileSync(join(dir, "__fixtures__", name));
  for (const event of new SseDecoder().push(text)) yield JSON.parse(event.data) as T;
}
