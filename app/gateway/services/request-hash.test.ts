import { describe, expect, test } from "vitest";
import type { ChatRequest } from "../../llm/chat-request.ts";
import { canonicalJson, requestHash } from "./request-hash.ts";

const CHAT: ChatRequest = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hi" }],
  temperature: 0,
};

describe("requestHash", () => {
  test("the same question however it is written or streamed", () => {
    const same = requestHash("gpt-4o-mini", CHAT, undefined);
    expect(same).toMatch(/^[0-9a-f]{64}$/);
    const reordered = { temperature: 0, messages: CHAT.messages, model: "openai/gpt-4o-mini" };
    expect(requestHash("gpt-4o-mini", reordered, undefined)).toBe(same);
    const streamed = { ...CHAT, stream: true, stream_options: { include_usage: true } };
    expect(requestHash("gpt-4o-mini", streamed, undefined)).toBe(same);
    expect(requestHash("gpt-4o-mini", { ...CHAT, top_p: null }, undefined)).toBe(same);
  });

  test("another question, sampling, model or native body is another request", () => {
    const same = requestHash("gpt-4o-mini", CHAT, undefined);
    const others = [
      requestHash("gpt-4o", CHAT, undefined),
      requestHash("gpt-4o-mini", { ...CHAT, temperature: 1 }, undefined),
      requestHash(
        "gpt-4o-mini",
        { ...CHAT, messages: [{ role: "user", content: "Hi!" }] },
        undefined,
      ),
      requestHash("gpt-4o-mini", { ...CHAT, max_tokens: 10 }, undefined),
      requestHash("gpt-4o-mini", CHAT, { protocol: "anthropic", body: { a: 1 }, headers: {} }),
    ];
    expect(new Set([same, ...others]).size).toBe(6);
  });
});

test("canonicalJson sorts keys at every depth, keeps array order and nulls in arrays", () => {
  expect(canonicalJson({ b: [3, null, { d: 1, c: 2 }], a: "x", e: null })).toBe(
    '{"a":"x","b":[3,null,{"c":2,"d":1}]}',
  );
});
