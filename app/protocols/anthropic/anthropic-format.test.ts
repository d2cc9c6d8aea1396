import { describe, expect, test } from "vitest";
import { GatewayError } from "../../http/gateway-error.ts";
import type { StreamPart } from "../../llm/parts.ts";
import {
  accumulate,
  CHARGE,
  IDENTITY,
  renderStream,
  TOOL_ANSWER,
} from "../../../tests/support/render-parts.ts";
import { anthropicFormat } from "./anthropic-format.ts";

// Anthropic Messages as rendered from stream parts, byte for byte.
// @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
const THINKING_THEN_TEXT: StreamPart[] = [
  { type: "thinking-delta", text: "Hm" },
  { type: "thinking-signature", signature: "sig" },
  { type: "text-delta", text: "Hi" },
  { type: "usage", usage: CHARGE.usage },
  { type: "finish", finishReason: "length" },
];

const event = (name: string, data: string) => `event: ${name}\ndata: ${data}\n\n`;
const MESSAGE_START = event(
  "message_start",
  '{"type":"message_start","message":{"id":"msg_0123456789abcdef","type":"message","role":"assistant",' +
    '"model":"gpt-test","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,' +
    '"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}',
);
const USAGE =
  '{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":2,"output_tokens":5}';

describe("streamed", () => {
  test("thinking, then text: a block each, closed before the next; the stop reason and usage last", () => {
    expect(renderStream(anthropicFormat, THINKING_THEN_TEXT)).toBe(
      MESSAGE_START +
        event(
          "content_block_start",
          '{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}',
        ) +
        event(
          "content_block_delta",
          '{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hm"}}',
        ) +
        event(
          "content_block_delta",
          '{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig"}}',
        ) +
        event("content_block_stop", '{"type":"content_block_stop","index":0}') +
        event(
          "content_block_start",
          '{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}',
        ) +
        event(
          "content_block_delta",
          '{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi"}}',
        ) +
        event("content_block_stop", '{"type":"content_block_stop","index":1}') +
        event(
          "message_delta",
          `{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":${USAGE}}`,
        ) +
        event("message_stop", '{"type":"message_stop"}'),
    );
  });

  test("a tool call: a tool_use block, its arguments as input_json_delta, stop reason tool_use", () => {
    const body = renderStream(anthropicFormat, TOOL_ANSWER);
    expect(body).toContain(
      event(
        "content_block_start",
        '{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"call_1","name":"get_weather","input":{}}}',
      ) +
        event(
          "content_block_delta",
          '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\":"}}',
        ),
    );
    expect(body).toContain('"delta":{"stop_reason":"tool_use","stop_sequence":null}');
  });

  test("a failure after the first byte: the open block closed, then an error event", () => {
    const failWith = new GatewayError(429, "slow down", { type: "rate_limit_error" });
    const body = renderStream(anthropicFormat, THINKING_THEN_TEXT.slice(2, 3), { failWith });
    expect(
      body.endsWith(
        event("content_block_stop", '{"type":"content_block_stop","index":0}') +
          event(
            "error",
            '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}',
          ),
      ),
    ).toBe(true);
  });
});

test("not streamed: one message, thinking before text and tool calls, usage without cached tokens", () => {
  const answer = accumulate([...THINKING_THEN_TEXT.slice(0, 3), ...TOOL_ANSWER]);
  expect(anthropicFormat.json(IDENTITY, answer, CHARGE)).toEqual({
    id: "msg_0123456789abcdef",
    type: "message",
    role: "assistant",
    model: "gpt-test",
    content: [
      { type: "thinking", thinking: "Hm", signature: "sig" },
      { type: "text", text: "Hi" },
      { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
    ],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: JSON.parse(USAGE) as unknown,
  });
});

test("an error before the first byte: Anthropic's error shape and the request id twice", async () => {
  const error = new GatewayError(402, "no credits", {
    type: "insufficient_credits",
    retryAfter: 1.5,
  });
  const response = anthropicFormat.error(error, { "x-request-id": "req_1" });
  expect(response.status).toBe(402);
  expect(response.headers.get("request-id")).toBe("req_1");
  expect(response.headers.get("retry-after")).toBe("2");
  expect(await response.json()).toEqual({
    type: "error",
    error: { type: "billing_error", message: "no credits" },
    request_id: "req_1",
  });
});
