// Drives a client protocol's renderer with stream parts, as a completion run
// does: start with the first batch, each part, then the end (or a failure).
import type { GatewayError } from "../../app/http/gateway-error.ts";
import type { ChatRequest } from "../../app/llm/chat-request.ts";
import { EMPTY_USAGE, type StreamPart } from "../../app/llm/parts.ts";
import { CompletionAccumulator } from "../../app/protocols/completion-accumulator.ts";
import type { AnswerIdentity, Charge, WireFormat } from "../../app/protocols/wire-format.ts";

export const IDENTITY: AnswerIdentity = {
  requestId: "req_0123456789abcdef",
  created: 1_800_000_000,
  model: "gpt-test",
  provider: "OpenAI",
};

/** 12 input tokens (2 of them read from the cache), 5 output (1 of them reasoning), 1,234 µcr. */
export const CHARGE: Charge = {
  usage: {
    ...EMPTY_USAGE,
    inputTokens: 10,
    cachedInputTokens: 2,
    outputTokens: 5,
    reasoningTokens: 1,
  },
  cost: 1_234n,
  byok: false,
};

export const chatRequest = (fields: Partial<ChatRequest> = {}) =>
  ({ model: "gpt-test", messages: [{ role: "user", content: "Hi" }], ...fields }) as ChatRequest;

export const TEXT_ANSWER: StreamPart[] = [
  { type: "text-delta", text: "Hel" },
  { type: "text-delta", text: "lo" },
  { type: "usage", usage: CHARGE.usage },
  { type: "finish", finishReason: "stop" },
];

export const TOOL_ANSWER: StreamPart[] = [
  { type: "tool-call-start", index: 0, id: "call_1", name: "get_weather" },
  { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
  { type: "tool-call-delta", index: 0, argumentsDelta: '"Paris"}' },
  { type: "finish", finishReason: "tool_calls" },
];

/** The bytes of one streamed answer. */
export function renderStream(
  format: WireFormat,
  parts: StreamPart[],
  options: { request?: ChatRequest; failWith?: GatewayError } = {},
) {
  const renderer = format.stream(IDENTITY, options.request ?? chatRequest({ stream: true }));
  const body = renderer.start() + parts.map((part) => renderer.part(part)).join("");
  return body + (options.failWith ? renderer.fail(options.failWith) : renderer.end(CHARGE));
}

/** The parts collected into the whole answer, as a JSON answer is rendered from. */
export function accumulate(parts: StreamPart[]) {
  const answer = new CompletionAccumulator();
  for (const part of parts) answer.add(part);
  return answer;
}

/** The JSON of each `data:` line of an event stream, [DONE] as is. */
export const dataLines = (body: string) =>
  body
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => (line === "data: [DONE]" ? "[DONE]" : (JSON.parse(line.slice(6)) as unknown)));

/**
 * The bytes of TEXT_ANSWER as chat.completion.chunk events: a role chunk, a chunk per
 * delta, the finish, the usage chunk and [DONE]. `chunkEnd` closes every chunk but the
 * usage one (OpenAI's `,"usage":null}` with include_usage, OpenRouter's `}`).
 */
export function textAnswerChunks(envelope: string, usage: string, chunkEnd: string) {
  const delta = (content: string, finish = "null") =>
    `data: ${envelope},"choices":[{"index":0,"delta":${content},"logprobs":null,"finish_reason":${finish}}]${chunkEnd}\n\n`;
  return (
    delta('{"role":"assistant","content":""}') +
    delta('{"content":"Hel"}') +
    delta('{"content":"lo"}') +
    delta("{}", '"stop"') +
    `data: ${envelope},"choices":[],"usage":${usage}}\n\n` +
    "data: [DONE]\n\n"
  );
}
