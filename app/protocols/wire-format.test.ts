import { expect, test } from "vitest";
import { GatewayError } from "../http/gateway-error.ts";
import { renderStream, TEXT_ANSWER } from "../../tests/support/render-parts.ts";
import { anthropicFormat } from "./anthropic/anthropic-format.ts";
import { contentEventsFormat, openAIFormat } from "./openai/openai-format.ts";
import { textCompletionFormat } from "./openai/text-completion-format.ts";
import { openRouterChatFormat } from "./openrouter/openrouter-chat-format.ts";
import { responseSettings } from "./responses/response-object.ts";
import { responsesFormat } from "./responses/responses-format.ts";
import type { WireFormat } from "./wire-format.ts";

// What every client protocol's WireFormat promises the completion run, whatever its shape.
const FORMATS: [string, WireFormat][] = [
  ["openai", openAIFormat],
  ["content events", contentEventsFormat],
  ["text completion", textCompletionFormat],
  ["anthropic", anthropicFormat],
  ["openrouter", openRouterChatFormat],
  ["responses", responsesFormat(responseSettings({ model: "m", input: "" }), new Map())],
];

test.each(FORMATS)(
  "%s: a stream is whole SSE events, the text in them, nothing after the end",
  (_, format) => {
    const body = renderStream(format, TEXT_ANSWER);
    expect(body.endsWith("\n\n")).toBe(true);
    for (const event of body.slice(0, -2).split("\n\n"))
      expect(event).toMatch(/^(event: [a-z_.]+\n)?data: [^\n]+$/);
    expect(body).toContain('"Hel"');
    expect(body).toContain('"lo"');
  },
);

test.each(FORMATS)(
  "%s: an error before the first byte keeps its status and Retry-After",
  async (_, format) => {
    const response = format.error(
      new GatewayError(429, "slow down", { type: "rate_limit_error", retryAfter: 2.5 }),
    );
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(JSON.stringify(await response.json())).toContain("slow down");
  },
);
