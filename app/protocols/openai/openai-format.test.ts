import { describe, expect, test } from "vitest";
import { GatewayError } from "../../http/gateway-error.ts";
import { openAISchemaValidator } from "../../../tests/support/openai-schema-validator.ts";
import {
  accumulate,
  CHARGE,
  chatRequest,
  dataLines,
  IDENTITY,
  renderStream,
  TEXT_ANSWER,
  textAnswerChunks,
  TOOL_ANSWER,
} from "../../../tests/support/render-parts.ts";
import { contentEventsFormat, openAIFormat } from "./openai-format.ts";

// OpenAI Chat Completions as rendered from stream parts, checked byte for byte and
// against OpenAI's own schemas. @see https://platform.openai.com/docs/api-reference/chat/streaming
const validChunk = openAISchemaValidator("CreateChatCompletionStreamResponse");
const validCompletion = openAISchemaValidator("CreateChatCompletionResponse");
const validError = openAISchemaValidator("ErrorResponse");

const ENVELOPE =
  '{"id":"chatcmpl-0123456789abcdef","object":"chat.completion.chunk","created":1800000000,"model":"gpt-test"';
const USAGE =
  '{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,"prompt_tokens_details":{"cached_tokens":2},' +
  '"completion_tokens_details":{"reasoning_tokens":1},"cost":"0.00001234","cost_credits":"0.001234"}';

describe("streamed", () => {
  test("text: a role chunk, a chunk per delta, the finish, then the usage chunk and [DONE]", () => {
    const request = chatRequest({ stream: true, stream_options: { include_usage: true } });
    const body = renderStream(openAIFormat, TEXT_ANSWER, { request });
    expect(body).toBe(textAnswerChunks(ENVELOPE, USAGE, ',"usage":null}'));
    for (const chunk of dataLines(body).slice(0, -1)) expect(validChunk(chunk)).toBe("valid");
  });

  test("without include_usage: no usage field, no usage chunk", () => {
    const body = renderStream(openAIFormat, TEXT_ANSWER);
    expect(body).not.toContain("usage");
    expect(body.endsWith(`"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`)).toBe(true);
  });

  test("tool calls: the call's id and name first, then its arguments in pieces", () => {
    const chunks = dataLines(renderStream(openAIFormat, TOOL_ANSWER)) as {
      choices: { delta: unknown; finish_reason: string | null }[];
    }[];
    expect(chunks.slice(1, 4).map((chunk) => chunk.choices[0]!.delta)).toEqual([
      {
        tool_calls: [
          {
            index: 0,
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: "" },
          },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
    ]);
    expect(chunks[4]!.choices[0]!.finish_reason).toBe("tool_calls");
    for (const chunk of chunks.slice(0, -1)) expect(validChunk(chunk)).toBe("valid");
  });

  test("a failure after the first byte: the error object as an event, then [DONE]", () => {
    const failWith = new GatewayError(502, "upstream broke", {
      type: "upstream_error",
      code: "upstream_error",
    });
    const body = renderStream(openAIFormat, TEXT_ANSWER.slice(0, 1), { failWith });
    expect(body.slice(body.indexOf('data: {"error"'))).toBe(
      'data: {"error":{"message":"upstream broke","type":"upstream_error","code":"upstream_error","param":null}}\n\n' +
        "data: [DONE]\n\n",
    );
    expect(validError(dataLines(body).at(-2))).toBe("valid");
  });
});

describe("not streamed", () => {
  test("text: one chat.completion with the whole message and the usage", () => {
    const completion = openAIFormat.json(IDENTITY, accumulate(TEXT_ANSWER), CHARGE);
    expect(completion).toEqual({
      id: "chatcmpl-0123456789abcdef",
      object: "chat.completion",
      created: 1_800_000_000,
      model: "gpt-test",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello", refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: JSON.parse(USAGE) as unknown,
    });
    expect(validCompletion(completion)).toBe("valid");
  });

  test("tool calls: content null, the calls whole", () => {
    const completion = openAIFormat.json(IDENTITY, accumulate(TOOL_ANSWER), CHARGE) as {
      choices: { message: unknown; finish_reason: string }[];
    };
    expect(completion.choices[0]).toMatchObject({
      message: {
        content: null,
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      finish_reason: "tool_calls",
    });
    expect(validCompletion(completion)).toBe("valid");
  });
});

test("POST /completions' content events: text only, no envelope, then [DONE]", () => {
  expect(renderStream(contentEventsFormat, [...TEXT_ANSWER, ...TOOL_ANSWER])).toBe(
    'data: {"content":"Hel"}\n\ndata: {"content":"lo"}\n\ndata: [DONE]\n\n',
  );
});
