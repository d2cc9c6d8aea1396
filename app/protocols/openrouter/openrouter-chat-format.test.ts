import { expect, test } from "vitest";
import { GatewayError } from "../../http/gateway-error.ts";
import {
  accumulate,
  CHARGE,
  IDENTITY,
  renderStream,
  TEXT_ANSWER,
  textAnswerChunks,
} from "../../../tests/support/render-parts.ts";
import { openRouterChatFormat } from "./openrouter-chat-format.ts";
import { openRouterErrorResponse } from "./openrouter-error.ts";

// OpenRouter's chat completions as rendered from stream parts (ADR 038).
// @see https://openrouter.ai/docs/api-reference/chat-completion
const ENVELOPE =
  '{"id":"chatcmpl-0123456789abcdef","object":"chat.completion.chunk","created":1800000000,"model":"gpt-test","provider":"OpenAI"';
const USAGE =
  '{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,"prompt_tokens_details":{"cached_tokens":2,"cache_write_tokens":0},' +
  '"completion_tokens_details":{"reasoning_tokens":1},"cost":0.00001234,"is_byok":false,"cost_credits":"0.001234"}';

test("streamed: chunks name the provider, carry no usage until the last, which always has it", () => {
  expect(renderStream(openRouterChatFormat, TEXT_ANSWER)).toBe(
    textAnswerChunks(ENVELOPE, USAGE, "}"),
  );
});

test("a failure after the first byte: a last chunk with the error and finish_reason error", () => {
  const failWith = new GatewayError(504, "too slow", {
    type: "upstream_error",
    code: "upstream_timeout",
  });
  const body = renderStream(openRouterChatFormat, [], { failWith });
  expect(body.slice(body.indexOf("\n\n") + 2)).toBe(
    `data: ${ENVELOPE},"error":{"code":504,"message":"too slow","metadata":{"error_type":"timeout",` +
      '"gateway_code":"upstream_timeout","param":null}},"choices":[{"index":0,"delta":{"content":""},' +
      '"finish_reason":"error"}]}\n\ndata: [DONE]\n\n',
  );
});

test("not streamed: OpenAI's completion with the provider, system_fingerprint and OpenRouter's usage", () => {
  expect(openRouterChatFormat.json(IDENTITY, accumulate(TEXT_ANSWER), CHARGE)).toMatchObject({
    id: "chatcmpl-0123456789abcdef",
    object: "chat.completion",
    provider: "OpenAI",
    system_fingerprint: null,
    choices: [{ message: { role: "assistant", content: "Hello" }, finish_reason: "stop" }],
    usage: JSON.parse(USAGE) as unknown,
  });
});

test("errors: the HTTP status as the code, ours in metadata, Retry-After rounded up", async () => {
  const cases = [
    [400, "invalid_request_error", "invalid_request"],
    [402, "insufficient_credits", "payment_required"],
    [429, "rate_limit_error", "rate_limit_exceeded"],
    [502, "upstream_error", "provider_unavailable"],
    [500, "server_error", "server"],
  ] as const;
  for (const [status, type, errorType] of cases) {
    const error = new GatewayError(status, "no", { type, code: "c", param: "p", retryAfter: 0.2 });
    const response = openRouterErrorResponse(error);
    expect(response.status).toBe(status);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(await response.json()).toEqual({
      error: {
        code: status,
        message: "no",
        metadata: { error_type: errorType, gateway_code: "c", param: "p" },
      },
    });
  }
});
