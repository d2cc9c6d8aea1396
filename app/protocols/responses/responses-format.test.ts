import { describe, expect, test } from "vitest";
import { GatewayError } from "../../http/gateway-error.ts";
import {
  openAIResponsesSchemaValidator,
  validResponsesEvent,
} from "../../../tests/support/openai-schema-validator.ts";
import {
  accumulate,
  CHARGE,
  IDENTITY,
  renderStream,
  TEXT_ANSWER,
  TOOL_ANSWER,
} from "../../../tests/support/render-parts.ts";
import { responseSettings } from "./response-object.ts";
import { responsesFormat } from "./responses-format.ts";
import { callableTools, validateResponsesRequest } from "./responses-request.ts";
import { callTargets } from "./responses-tools.ts";

// OpenAI's Responses API as rendered from stream parts: every event named, numbered in
// order and valid against its own schema. @see https://platform.openai.com/docs/api-reference/responses-streaming
const validResponse = openAIResponsesSchemaValidator("Response");

const request = validateResponsesRequest({
  model: "gpt-test",
  input: "Weather in Paris?",
  tools: [{ type: "function", name: "get_weather", parameters: { type: "object" } }],
});
const format = responsesFormat(responseSettings(request), callTargets(callableTools(request)));

/** Each event's name and its JSON, checking the frame: `event:` names the data's type. */
function events(body: string) {
  const frames = body.split("\n\n").filter(Boolean);
  expect(frames.join("\n\n") + "\n\n").toBe(body);
  return frames.map((frame) => {
    const [eventLine, dataLine, ...rest] = frame.split("\n");
    expect(rest).toEqual([]);
    const data = JSON.parse(dataLine!.replace(/^data: /, "")) as {
      type: string;
      sequence_number: number;
    };
    expect(eventLine).toBe(`event: ${data.type}`);
    return data;
  });
}

function expectValid(list: { type: string }[]) {
  for (const event of list) expect(validResponsesEvent(event), event.type).toBe("valid");
}

describe("streamed", () => {
  test("text: created, in progress, the message item and its deltas, then done events and completed", () => {
    const list = events(renderStream(format, TEXT_ANSWER));
    expect(list.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(list.map((event) => event.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(list[6]).toMatchObject({ item_id: "msg_0123456789abcdef", text: "Hello" });
    expect(list[9]).toMatchObject({
      response: {
        id: "resp_0123456789abcdef",
        status: "completed",
        usage: { input_tokens: 12, output_tokens: 5, total_tokens: 17, cost: "0.00001234" },
      },
    });
    expectValid(list);
  });

  test("a function call: its item under the declared name, arguments as deltas, then done", () => {
    const list = events(renderStream(format, TOOL_ANSWER));
    expect(list.map((event) => event.type).slice(2)).toEqual([
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(list[5]).toMatchObject({ name: "get_weather", arguments: '{"city":"Paris"}' });
    expect(list[6]).toMatchObject({
      item: { id: "fc_0123456789abcdef_0", call_id: "call_1", status: "completed" },
    });
    expectValid(list);
  });

  test("cut at the output limit: incomplete, saying why", () => {
    const cut = TEXT_ANSWER.map((part) =>
      part.type === "finish" ? { ...part, finishReason: "length" as const } : part,
    );
    const last = events(renderStream(format, cut)).at(-1);
    expect(last).toMatchObject({
      type: "response.incomplete",
      response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } },
    });
    expectValid([last!]);
  });

  test("a failure after the first byte: response.failed, then an error event", () => {
    const failWith = new GatewayError(429, "slow down", {
      type: "rate_limit_error",
      code: "rate_limited",
    });
    const list = events(renderStream(format, TEXT_ANSWER.slice(0, 1), { failWith }));
    expect(list.slice(-2)).toMatchObject([
      {
        type: "response.failed",
        response: {
          status: "failed",
          error: { code: "rate_limit_exceeded", message: "slow down" },
        },
      },
      { type: "error", code: "rate_limited", message: "slow down", param: null },
    ]);
    expectValid(list.slice(-2));
  });
});

test("not streamed: one response object with the message and the call, valid against the schema", () => {
  const response = format.json(
    IDENTITY,
    accumulate([...TEXT_ANSWER.slice(0, 2), ...TOOL_ANSWER]),
    CHARGE,
  );
  expect(response).toMatchObject({
    id: "resp_0123456789abcdef",
    object: "response",
    status: "completed",
    model: "gpt-test",
    output: [
      { type: "message", content: [{ type: "output_text", text: "Hello" }] },
      { type: "function_call", name: "get_weather", arguments: '{"city":"Paris"}' },
    ],
    tools: [{ type: "function", name: "get_weather" }],
  });
  expect(validResponse(response)).toBe("valid");
});
