import { expect, test } from "vitest";
import {
  accumulate,
  CHARGE,
  chatRequest,
  IDENTITY,
  renderStream,
  TEXT_ANSWER,
  TOOL_ANSWER,
} from "../../../tests/support/render-parts.ts";
import { textCompletionFormat } from "./text-completion-format.ts";

// OpenAI's legacy Completions API as rendered from stream parts.
// @see https://platform.openai.com/docs/api-reference/completions/object
const ENVELOPE =
  '{"id":"cmpl-0123456789abcdef","object":"text_completion","created":1800000000,"model":"gpt-test"';

test("streamed: a chunk per text delta and the finish, the usage chunk when asked, then [DONE]", () => {
  const request = chatRequest({ stream: true, stream_options: { include_usage: true } });
  const chunk = (text: string, finish: string) =>
    `data: ${ENVELOPE},"choices":[{"text":${JSON.stringify(text)},"index":0,"logprobs":null,"finish_reason":${finish}}],"usage":null}\n\n`;
  expect(renderStream(textCompletionFormat, TEXT_ANSWER, { request })).toBe(
    chunk("Hel", "null") +
      chunk("lo", "null") +
      chunk("", '"stop"') +
      `data: ${ENVELOPE},"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,` +
      '"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":1},' +
      '"cost":"0.00001234","cost_credits":"0.001234"}}\n\n' +
      "data: [DONE]\n\n",
  );
});

test("a tool call (none is offered) ends as a stop; without include_usage no usage at all", () => {
  const body = renderStream(textCompletionFormat, TOOL_ANSWER);
  expect(body).toBe(
    `data: ${ENVELOPE},"choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}]}\n\n` +
      "data: [DONE]\n\n",
  );
});

test("not streamed: one text_completion with the whole text", () => {
  expect(textCompletionFormat.json(IDENTITY, accumulate(TEXT_ANSWER), CHARGE)).toMatchObject({
    id: "cmpl-0123456789abcdef",
    object: "text_completion",
    created: 1_800_000_000,
    model: "gpt-test",
    choices: [{ text: "Hello", index: 0, logprobs: null, finish_reason: "stop" }],
    usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
  });
});
