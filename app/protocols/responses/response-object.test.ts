import { expect, test } from "vitest";
import { GatewayError } from "../../http/gateway-error.ts";
import { CHARGE, IDENTITY } from "../../../tests/support/render-parts.ts";
import {
  finishedStatus,
  responseError,
  responseIds,
  responseObject,
  responseSettings,
  responsesUsage,
} from "./response-object.ts";
import { validateResponsesRequest } from "./responses-request.ts";

// The pieces of OpenAI's `response` object. @see https://platform.openai.com/docs/api-reference/responses/object
test("the settings echo the request, with OpenAI's defaults for what it left out", () => {
  const settings = responseSettings(
    validateResponsesRequest({
      model: "gpt-test",
      input: "Hi",
      instructions: "Be brief.",
      store: false,
      tools: [
        { type: "function", name: "f", parameters: { type: "object" } },
        { type: "web_search" },
      ],
    }),
  );
  expect(settings).toEqual({
    instructions: "Be brief.",
    max_output_tokens: null,
    metadata: {},
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    // The hosted tool was left out: the model was not offered it.
    tools: [
      {
        type: "function",
        name: "f",
        description: null,
        parameters: { type: "object" },
        strict: null,
      },
    ],
    top_p: 1,
    truncation: "disabled",
  });
});

test("every id comes from the request id", () => {
  const ids = responseIds(IDENTITY);
  expect([ids.response, ids.message, ids.functionCall(2), ids.customToolCall(0)]).toEqual([
    "resp_0123456789abcdef",
    "msg_0123456789abcdef",
    "fc_0123456789abcdef_2",
    "ctc_0123456789abcdef_0",
  ]);
});

test("usage counts cached and cache-write tokens as input; the cost in dollars and credits", () => {
  expect(responsesUsage({ ...CHARGE, usage: { ...CHARGE.usage, cacheWriteTokens: 3 } })).toEqual({
    input_tokens: 15,
    input_tokens_details: { cached_tokens: 2, cache_write_tokens: 3 },
    output_tokens: 5,
    output_tokens_details: { reasoning_tokens: 1 },
    total_tokens: 20,
    cost: "0.00001234",
    cost_credits: "0.001234",
  });
});

test("a cut answer is incomplete, saying why; a failure is a rate limit or a server error", () => {
  expect(finishedStatus("stop")).toEqual({ status: "completed", incomplete_details: null });
  expect(finishedStatus("length").incomplete_details).toEqual({ reason: "max_output_tokens" });
  expect(finishedStatus("content_filter").incomplete_details).toEqual({ reason: "content_filter" });
  const error = (status: number) => new GatewayError(status, "no", { type: "server_error" });
  expect(responseError(error(429)).code).toBe("rate_limit_exceeded");
  expect(responseError(error(502)).code).toBe("server_error");
});

test("the object: completed_at only once completed, no usage until known", () => {
  const settings = responseSettings(validateResponsesRequest({ model: "m", input: "Hi" }));
  const inProgress = responseObject(IDENTITY, settings, { status: "in_progress", output: [] });
  expect(inProgress).toMatchObject({ completed_at: null, error: null, created_at: 1_800_000_000 });
  expect(inProgress).not.toHaveProperty("usage");
  const done = responseObject(IDENTITY, settings, { status: "completed", output: [], usage: {} });
  expect(done.completed_at).toBeGreaterThan(1_700_000_000);
  expect(done).toHaveProperty("usage", {});
});
