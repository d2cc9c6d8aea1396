import { expect, test } from "vitest";
import { UpstreamError, type AdapterCall, type ProviderAdapter } from "./adapter.ts";
import { keyRing, type KeyEvent } from "./key-ring.ts";

/** An adapter that answers with its name, or throws the error it is given. */
function fakeAdapter(name: string, failWith?: () => UpstreamError): ProviderAdapter {
  return {
    streamParts() {
      if (failWith) return Promise.reject(failWith());
      return Promise.resolve(
        (async function* () {
          yield [{ type: "text-delta" as const, text: name }];
        })(),
      );
    },
  };
}

const call = {} as AdapterCall;
async function answer(adapter: ProviderAdapter) {
  for await (const parts of await adapter.streamParts(call))
    for (const part of parts) if (part.type === "text-delta") return part.text;
  return "";
}
const rateLimited = () =>
  new UpstreamError("429", {
    status: 429,
    retryable: true,
    code: "upstream_rate_limited",
    retryAfterSeconds: 30,
  });
const refused = () =>
  new UpstreamError("401", { status: 502, retryable: true, code: "upstream_auth_failed" });

test("keys are taken in turn", async () => {
  const ring = keyRing(
    "p",
    [
      { id: 1, adapter: fakeAdapter("a"), coolingUntil: 0 },
      { id: 2, adapter: fakeAdapter("b"), coolingUntil: 0 },
    ],
    () => {},
  );
  expect([await answer(ring), await answer(ring), await answer(ring)]).toEqual(["a", "b", "a"]);
});

test("a 429 cools the key for its Retry-After; the error says retry now, since another key is ready", async () => {
  const events: KeyEvent[] = [];
  const ring = keyRing(
    "p",
    [
      { id: 1, adapter: fakeAdapter("a", rateLimited), coolingUntil: 0 },
      { id: 2, adapter: fakeAdapter("b"), coolingUntil: 0 },
    ],
    (event) => events.push(event),
  );
  const error = await ring.streamParts(call).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: "upstream_rate_limited", retryAfterSeconds: 0 });
  expect(events).toMatchObject([{ kind: "cooling", keyId: 1 }]);
  const until = (events[0] as { until: Date }).until.getTime();
  expect(until - Date.now()).toBeGreaterThan(29_000);
  expect([await answer(ring), await answer(ring)]).toEqual(["b", "b"]);
});

test("a refused key leaves the ring; with none left, a retryable 502; all cooling, a 429 with the soonest end", async () => {
  const events: KeyEvent[] = [];
  const ring = keyRing(
    "p",
    [{ id: 7, adapter: fakeAdapter("a", refused), coolingUntil: 0 }],
    (event) => events.push(event),
  );
  expect(await ring.streamParts(call).catch((caught: unknown) => caught)).toMatchObject({
    code: "upstream_auth_failed",
  });
  expect(events).toMatchObject([{ kind: "invalid", keyId: 7 }]);
  expect(await ring.streamParts(call).catch((caught: unknown) => caught)).toMatchObject({
    status: 502,
    code: "upstream_keys_invalid",
    retryable: true,
  });

  const cooling = keyRing(
    "p",
    [{ id: 1, adapter: fakeAdapter("a"), coolingUntil: Date.now() + 5_000 }],
    () => {},
  );
  const limited = (await cooling
    .streamParts(call)
    .catch((caught: unknown) => caught)) as UpstreamError;
  expect(limited).toMatchObject({ status: 429, code: "upstream_rate_limited" });
  expect(limited.retryAfterSeconds).toBeGreaterThan(4);
});

test("requests failing together on one key: it is set aside once, the other keys stay", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const refusedLater: ProviderAdapter = {
    streamParts: () => gate.then(() => Promise.reject(refused())),
  };
  const events: KeyEvent[] = [];
  const ring = keyRing(
    "p",
    [
      { id: 1, adapter: refusedLater, coolingUntil: 0 },
      { id: 2, adapter: fakeAdapter("b"), coolingUntil: 0 },
    ],
    (event) => events.push(event),
  );
  // Keys in turn: 1, 2, 1. Both requests on key 1 are under way before either fails.
  const first = ring.streamParts(call).catch((error: unknown) => error);
  expect(await answer(ring)).toBe("b");
  const third = ring.streamParts(call).catch((error: unknown) => error);
  release();
  await Promise.all([first, third]);
  expect(events).toEqual([expect.objectContaining({ kind: "invalid", keyId: 1 })]);
  expect([await answer(ring), await answer(ring)]).toEqual(["b", "b"]);
});

test("the ring can do what its provider's adapter can: audio in, images out, embeddings, images, speech, transcriptions, streamed ones", async () => {
  const { createAdapter } = await import("./create-adapter.server.ts");
  for (const kind of ["openai", "google", "anthropic"] as const) {
    const adapter = await createAdapter(kind, { apiKey: "k", baseURL: "http://127.0.0.1:9" });
    const ring = keyRing("p", [{ id: 1, adapter, coolingUntil: 0 }], () => {});
    // Every flag as it is, every call a function.
    const abilities = (of: ProviderAdapter) =>
      Object.fromEntries(
        Object.entries(of).map(([name, value]) => [
          name,
          typeof value === "function" ? "function" : value,
        ]),
      );
    expect(abilities(ring), kind).toEqual(abilities(adapter));
  }
  // Each call takes the keys in turn, as chats do.
  const imagesBy = (name: string): ProviderAdapter => ({
    ...fakeAdapter(name),
    generateImages: () => Promise.resolve({ images: [{ base64: name, mimeType: "image/png" }] }),
  });
  const ring = keyRing(
    "p",
    [
      { id: 1, adapter: imagesBy("a"), coolingUntil: 0 },
      { id: 2, adapter: imagesBy("b"), coolingUntil: 0 },
    ],
    () => {},
  );
  const made = async () =>
    (
      await ring.generateImages!(
        {} as Parameters<NonNullable<ProviderAdapter["generateImages"]>>[0],
      )
    ).images[0]!.base64;
  expect([await made(), await made()]).toEqual(["a", "b"]);
});
