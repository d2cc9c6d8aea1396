import { expect, test } from "vitest";
import {
  customToolInput,
  hostedToolTypes,
  toChatRequest,
  validateResponsesRequest,
} from "./responses-request.ts";

const chat = (body: Record<string, unknown>) =>
  toChatRequest(validateResponsesRequest({ model: "m", ...body }));

test("instructions come first, as a system message; a string input is one user turn", () => {
  expect(chat({ instructions: "Be brief.", input: "Hi" }).messages).toEqual([
    { role: "system", content: "Be brief." },
    { role: "user", content: "Hi" },
  ]);
});

test("function calls join the assistant turn before them; outputs become tool messages; reasoning is dropped", () => {
  const { messages } = chat({
    input: [
      { role: "user", content: [{ type: "input_text", text: "Weather?" }] },
      { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "..." },
      {
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "Checking.", annotations: [] }],
      },
      { type: "function_call", call_id: "c1", name: "weather", arguments: '{"city":"Oslo"}' },
      { type: "function_call", call_id: "c2", name: "weather", arguments: '{"city":"Rome"}' },
      { type: "function_call_output", call_id: "c1", output: "cold" },
      {
        type: "function_call_output",
        call_id: "c2",
        output: [{ type: "input_text", text: "warm" }],
      },
    ],
  });
  expect(messages).toEqual([
    { role: "user", content: [{ type: "text", text: "Weather?" }] },
    {
      role: "assistant",
      content: "Checking.",
      tool_calls: [
        { id: "c1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
        { id: "c2", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
      ],
    },
    { role: "tool", tool_call_id: "c1", content: "cold" },
    { role: "tool", tool_call_id: "c2", content: "warm" },
  ]);
});

test("a function call with no assistant text before it is an assistant turn of its own", () => {
  const { messages } = chat({
    input: [
      { role: "user", content: "Go" },
      { type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
    ],
  });
  expect(messages[1]).toEqual({
    role: "assistant",
    content: null,
    tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
  });
});

test("settings map to the canonical request's fields", () => {
  const request = chat({
    input: [
      {
        role: "user",
        content: [{ type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "low" }],
      },
    ],
    tools: [{ type: "function", name: "f", parameters: { type: "object" }, strict: true }],
    tool_choice: { type: "function", name: "f" },
    max_output_tokens: 99,
    text: { format: { type: "json_schema", name: "out", schema: { type: "object" } } },
    reasoning: { effort: "high" },
    stream: true,
  });
  expect(request).toMatchObject({
    messages: [
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" } },
        ],
      },
    ],
    tools: [
      { type: "function", function: { name: "f", parameters: { type: "object" }, strict: true } },
    ],
    tool_choice: { type: "function", function: { name: "f" } },
    max_completion_tokens: 99,
    response_format: {
      type: "json_schema",
      json_schema: { name: "out", schema: { type: "object" } },
    },
    stream: true,
  });
  expect(request).not.toHaveProperty("reasoning");
});

test("a custom tool is a function of one string; its calls and outputs join the conversation as such", () => {
  const request = chat({
    input: [
      { role: "user", content: "Patch it" },
      { type: "web_search_call", id: "ws_1", status: "completed" },
      { type: "custom_tool_call", call_id: "c1", name: "apply_patch", input: "*** Begin Patch" },
      { type: "custom_tool_call_output", call_id: "c1", output: "Done" },
    ],
    tools: [
      {
        type: "custom",
        name: "apply_patch",
        format: { type: "grammar", syntax: "lark", definition: "start: /.+/" },
      },
      { type: "web_search" },
    ],
  });
  expect(request.tools).toEqual([
    {
      type: "function",
      function: {
        name: "apply_patch",
        description: undefined,
        parameters: {
          type: "object",
          properties: {
            input: { type: "string", description: "Plain text in this lark grammar:\nstart: /.+/" },
          },
          required: ["input"],
          additionalProperties: false,
        },
      },
    },
  ]);
  expect(request.messages).toEqual([
    { role: "user", content: "Patch it" },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: "c1",
          type: "function",
          function: { name: "apply_patch", arguments: '{"input":"*** Begin Patch"}' },
        },
      ],
    },
    { role: "tool", tool_call_id: "c1", content: "Done" },
  ]);
});

test("a custom call's input: the text inside the arguments, or the arguments when the model broke them", () => {
  expect(customToolInput('{"input":"a\\nb"}')).toBe("a\nb");
  expect(customToolInput('{"input":"cut')).toBe('{"input":"cut');
  expect(customToolInput('{"patch":"x"}')).toBe('{"patch":"x"}');
});

test("only hosted tools: no tools reach the model, and they are named once each", () => {
  const input = validateResponsesRequest({
    model: "m",
    input: "Hi",
    tools: [
      { type: "web_search" },
      { type: "web_search" },
      { type: "file_search", vector_store_ids: [] },
    ],
  });
  expect(toChatRequest(input).tools).toBeUndefined();
  expect(hostedToolTypes(input)).toEqual(["web_search", "file_search"]);
});
