import { expect, test } from "vitest";
import { hostedToolTypes, validateResponsesRequest } from "./responses-request.ts";
import { customToolInput } from "./responses-tools.ts";
import { toChatRequest } from "./to-chat-request.ts";

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

// What the Codex CLI 0.171 sends (ADR 041): tools in `additional_tools` items and namespaces.
const NAMESPACED = {
  type: "namespace",
  name: "collaboration",
  description: "Agents",
  tools: [
    {
      type: "function",
      name: "send_message",
      parameters: {
        type: "object",
        properties: { message: { type: "string", encrypted: true } },
      },
    },
  ],
};

test("additional_tools items add their tools after the request's, namespaced ones by qualified name", () => {
  const request = chat({
    tools: [{ type: "function", name: "exec_command" }, NAMESPACED],
    input: [
      {
        type: "additional_tools",
        id: "at_1",
        role: "developer",
        tools: [
          {
            type: "namespace",
            name: "functions",
            description: "",
            tools: [{ type: "custom", name: "exec" }],
          },
          {
            type: "namespace",
            name: "clock",
            description: "",
            tools: [{ type: "function", name: "sleep" }],
          },
          { type: "web_search" },
        ],
      },
      { role: "user", content: "Hi" },
    ],
  });
  expect(request.tools?.map((tool) => tool.function.name)).toEqual([
    "exec_command",
    "collaboration__send_message",
    // The `functions` namespace is OpenAI's default: its tools keep their own names.
    "exec",
    "clock__sleep",
  ]);
  // The item itself is no turn of the conversation.
  expect(request.messages).toEqual([{ role: "user", content: "Hi" }]);
  // Unknown schema keys travel as they came; the adapters decide what each provider gets.
  expect(request.tools?.[1]?.function.parameters).toEqual(NAMESPACED.tools[0]!.parameters);
});

test("a tool declared again by a later item takes the later definition, in its first place", () => {
  const request = chat({
    input: [
      { type: "additional_tools", tools: [{ type: "function", name: "a", description: "old" }] },
      { role: "user", content: "Hi" },
      {
        type: "additional_tools",
        tools: [
          { type: "function", name: "b" },
          { type: "function", name: "a", description: "new" },
        ],
      },
    ],
  });
  expect(request.tools?.map((tool) => [tool.function.name, tool.function.description])).toEqual([
    ["a", "new"],
    ["b", undefined],
  ]);
});

test("calls in the history name their namespace: they get the qualified name the model was offered", () => {
  const { messages, tool_choice } = chat({
    tools: [NAMESPACED],
    tool_choice: { type: "function", name: "send_message", namespace: "collaboration" },
    input: [
      { role: "user", content: "Go" },
      {
        type: "function_call",
        call_id: "c1",
        namespace: "collaboration",
        name: "send_message",
        arguments: "{}",
      },
      { type: "function_call_output", call_id: "c1", output: "sent" },
      { type: "custom_tool_call", call_id: "c2", namespace: "functions", name: "exec", input: "1" },
    ],
  });
  expect(messages[1]).toMatchObject({
    tool_calls: [{ function: { name: "collaboration__send_message" } }],
  });
  expect(messages[3]).toMatchObject({
    tool_calls: [{ function: { name: "exec", arguments: '{"input":"1"}' } }],
  });
  expect(tool_choice).toEqual({
    type: "function",
    function: { name: "collaboration__send_message" },
  });
});

test("a qualified name past 64 characters is shortened, the same way every time", () => {
  const long = { type: "function", name: "x".repeat(60) };
  const names = [1, 2].map(
    () =>
      chat({
        input: "Hi",
        tools: [{ type: "namespace", name: "mcp__server", description: "", tools: [long] }],
      }).tools![0]!.function.name,
  );
  expect(names[0]).toMatch(/^mcp__server__x+_[0-9a-f]{8}$/);
  expect(names[0]).toHaveLength(64);
  expect(names[1]).toBe(names[0]);
});

test("every effort level Codex offers is accepted; ultra asks for max", () => {
  for (const effort of ["none", "minimal", "low", "medium", "high", "xhigh", "max"])
    expect(
      chat({ input: "Hi", reasoning: { effort, context: "all_turns" } }).reasoning_effort,
    ).toBe(effort);
  expect(chat({ input: "Hi", reasoning: { effort: "ultra" } }).reasoning_effort).toBe("max");
  expect(chat({ input: "Hi", reasoning: { summary: "auto" } }).reasoning_effort).toBeUndefined();
  expect(() => chat({ input: "Hi", reasoning: { effort: "extreme" } })).toThrow(
    /reasoning\.effort: must be one of none, minimal, low, medium, high, xhigh, max, ultra/,
  );
});

test("images a tool returned follow its output as a user turn, after every tool message", () => {
  const image = { type: "input_image", image_url: "data:image/png;base64,AAAA" };
  const { messages } = chat({
    input: [
      { role: "user", content: "Look" },
      { type: "function_call", call_id: "c1", name: "view_image", arguments: "{}" },
      { type: "function_call", call_id: "c2", name: "view_image", arguments: "{}" },
      { type: "function_call_output", call_id: "c1", output: [image] },
      {
        type: "custom_tool_call_output",
        call_id: "c2",
        output: [{ type: "input_text", text: "Here:" }, image],
      },
    ],
  });
  expect(messages.slice(2)).toEqual([
    { role: "tool", tool_call_id: "c1", content: "(attachments, in the next message)" },
    { role: "tool", tool_call_id: "c2", content: "Here:" },
    {
      role: "user",
      content: [
        { type: "text", text: "What tool call c1 returned:" },
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
        { type: "text", text: "What tool call c2 returned:" },
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
      ],
    },
  ]);
});

test("a namespace holds function and custom tools only", () => {
  expect(() =>
    chat({
      input: "Hi",
      tools: [{ type: "namespace", name: "n", description: "", tools: [{ type: "web_search" }] }],
    }),
  ).toThrow(/tools\[0\]\.tools\[0\]\.type: must be a function or custom tool/);
});

const PDF_DATA = "data:application/pdf;base64,JVBERi0xLjQK";

test("a PDF given whole (input_file) is a file part, in a user turn or a tool's output", () => {
  const { messages } = chat({
    input: [
      {
        role: "user",
        content: [
          { type: "input_text", text: "Summarize" },
          { type: "input_file", file_data: PDF_DATA, filename: "a.pdf" },
        ],
      },
      { type: "function_call", call_id: "c1", name: "fetch", arguments: "{}" },
      {
        type: "function_call_output",
        call_id: "c1",
        output: [{ type: "input_file", file_data: PDF_DATA }],
      },
    ],
  });
  expect(messages[0]).toEqual({
    role: "user",
    content: [
      { type: "text", text: "Summarize" },
      { type: "file", file: { file_data: PDF_DATA, filename: "a.pdf" } },
    ],
  });
  expect(messages.at(-1)).toEqual({
    role: "user",
    content: [
      { type: "text", text: "What tool call c1 returned:" },
      { type: "file", file: { file_data: PDF_DATA } },
    ],
  });
});

test("files OpenAI holds (ids, URLs), files that are not PDFs and files outside user turns are a 400", () => {
  const input = (part: Record<string, unknown>, role = "user") => ({
    input: [{ role, content: [{ type: "input_file", ...part }] }],
  });
  expect(() => chat(input({ file_id: "file-1" }))).toThrow(
    /input\[0\]\.content\[0\]\.file_data: is required: file ids and file URLs are not supported/,
  );
  expect(() => chat(input({ file_data: "data:text/csv;base64,YQ==" }))).toThrow(
    /must be a data:application\/pdf;base64, URL \(PDFs only\)/,
  );
  expect(() => chat(input({ file_data: PDF_DATA }, "assistant"))).toThrow(
    /input\[0\]\.content\[0\]: images and files are only supported in user messages/,
  );
});
