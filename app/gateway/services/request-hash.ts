import { hash } from "node:crypto";
import type { ChatRequest } from "../../llm/chat-request.ts";
import type { NativeRequest } from "../../providers/adapter.ts";

// The response cache's key (ADR 066): what makes two requests the same question.
// Not the client's key, its protocol or whether it streams: an answer is kept as
// parts and replays in any of them. Object keys are sorted and null fields dropped,
// so `{"temperature": null}` and no temperature are one request.

/** Hex SHA-256 of the normalised request: the model that answers it and everything sent to it but `stream`. */
export function requestHash(
  modelSlug: string,
  chat: ChatRequest,
  native: NativeRequest | undefined,
): string {
  const { stream: _stream, stream_options: _options, model: _asked, ...question } = chat;
  const nativeQuestion = native && {
    headers: native.headers,
    body: { ...native.body, stream: undefined },
  };
  return hash("sha256", canonicalJson({ model: modelSlug, question, native: nativeQuestion }));
}

/** JSON with object keys in order and null or undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const members = Object.entries(value)
    .filter(([, member]) => member !== null && member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`);
  return `{${members.join(",")}}`;
}
