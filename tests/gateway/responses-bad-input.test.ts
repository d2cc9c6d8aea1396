// Malformed Responses API requests get a 4xx in OpenAI's error shape, naming
// the problem, and never reach a provider.
import { beforeAll, expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness();
let secret: string;

beforeAll(async () => {
  await createCatalogEntry(prisma, { modelSlug: "resp-test", providerSlug: "openai" });
  const user = await createUser(prisma, { credits: 100 });
  secret = (await createApiKey(prisma, user.id)).secret;
});

const valid = { model: "resp-test", input: "Hi" };
const items = (...input: unknown[]) => ({ ...valid, input });
const tool = { type: "function", name: "lookup", parameters: { type: "object" } };

type Case = [name: string, body: unknown, status: number, param: string | null, message: RegExp];
const CASES: Case[] = [
  ["empty object", {}, 400, "model", /^model/],
  ["array body", [valid], 400, null, /JSON object/],
  ["string body", "hello", 400, null, /JSON object/],
  ["null body", null, 400, null, /JSON object/],
  ["model is a number", { ...valid, model: 4 }, 400, "model", /^model/],
  ["model is huge", { ...valid, model: "m".repeat(500) }, 400, "model", /^model/],
  ["unknown model", { ...valid, model: "no-such-model" }, 404, "model", /does not exist/],
  ["missing input", { model: "resp-test" }, 400, "input", /^input/],
  ["input is empty text", { ...valid, input: "" }, 400, "input", /^input/],
  ["input is a number", { ...valid, input: 5 }, 400, "input", /^input/],
  ["input is an empty list", { ...valid, input: [] }, 400, "input", /^input/],
  ["item is a number", items(7), 400, "input[0]", /^input\[0\]/],
  ["unknown item type", items({ type: "local_shell_call" }), 400, "input[0].type", /item/],
  [
    "custom_tool_call without input",
    items({ type: "custom_tool_call", call_id: "c1", name: "apply_patch" }),
    400,
    "input[0].input",
    /input/,
  ],
  ["item_reference", items({ type: "item_reference", id: "msg_1" }), 400, "input[0].type", /item/],
  ["unknown role", items({ role: "tool", content: "x" }), 400, "input[0].role", /role/],
  ["content is a number", items({ role: "user", content: 5 }), 400, "input[0].content", /content/],
  [
    "unknown content part",
    items({ role: "user", content: [{ type: "input_audio" }] }),
    400,
    "input[0].content[0].type",
    /input_text/,
  ],
  [
    "input_file with a file id",
    items({ role: "user", content: [{ type: "input_file", file_id: "f" }] }),
    400,
    "input[0].content[0].file_data",
    /file ids and file URLs are not supported/,
  ],
  [
    "input_text without text",
    items({ role: "user", content: [{ type: "input_text" }] }),
    400,
    "input[0].content[0].text",
    /text/,
  ],
  [
    "input_image with a file id",
    items({ role: "user", content: [{ type: "input_image", file_id: "file_1" }] }),
    400,
    "input[0].content[0].image_url",
    /file ids/,
  ],
  [
    "input_image with a file URL",
    items({ role: "user", content: [{ type: "input_image", image_url: "file:///etc/x" }] }),
    400,
    "input[0].content[0].image_url",
    /http/,
  ],
  [
    "function_call without call_id",
    items({ type: "function_call", name: "lookup", arguments: "{}" }),
    400,
    "input[0].call_id",
    /call_id/,
  ],
  [
    "function_call with object arguments",
    items({ type: "function_call", call_id: "c", name: "lookup", arguments: {} }),
    400,
    "input[0].arguments",
    /arguments/,
  ],
  [
    "function_call_output without output",
    items({ type: "function_call_output", call_id: "c" }),
    400,
    "input[0].output",
    /output/,
  ],
  [
    "an image in a system message",
    items(
      { role: "system", content: [{ type: "input_image", image_url: "https://x.test/a.png" }] },
      { role: "user", content: "Hi" },
    ),
    400,
    "input[0].content[0]",
    /only supported in user messages/,
  ],
  [
    "only a developer message",
    items({ role: "developer", content: "Be brief." }),
    400,
    "input",
    /user or assistant turn/,
  ],
  ["only reasoning", items({ type: "reasoning", summary: [] }), 400, "input", /user or assistant/],
  ["instructions a number", { ...valid, instructions: 3 }, 400, "instructions", /^instructions/],
  ["tools is an object", { ...valid, tools: tool }, 400, "tools", /^tools/],
  [
    "an unknown tool type",
    { ...valid, tools: [{ type: "browser" }] },
    400,
    "tools[0].type",
    /function, custom, namespace or OpenAI-hosted tool/,
  ],
  [
    "a custom tool with an unknown format",
    { ...valid, tools: [{ type: "custom", name: "patch", format: { type: "regexp" } }] },
    400,
    "tools[0].format.type",
    /text or grammar/,
  ],
  [
    "tool without a name",
    { ...valid, tools: [{ type: "function" }] },
    400,
    "tools[0].name",
    /^tools\[0\]\.name/,
  ],
  [
    "tool name with a space",
    { ...valid, tools: [{ ...tool, name: "a b" }] },
    400,
    "tools[0].name",
    /letters/,
  ],
  [
    "tool parameters a string",
    { ...valid, tools: [{ ...tool, parameters: "{}" }] },
    400,
    "tools[0].parameters",
    /JSON schema/,
  ],
  [
    "tool_choice without tools",
    { ...valid, tool_choice: "required" },
    400,
    "tool_choice",
    /needs function or custom tools/,
  ],
  [
    "tool_choice with only hosted tools",
    { ...valid, tools: [{ type: "web_search" }], tool_choice: "required" },
    400,
    "tool_choice",
    /needs function or custom tools/,
  ],
  [
    "unknown tool_choice",
    { ...valid, tools: [tool], tool_choice: "always" },
    400,
    "tool_choice",
    /^tool_choice/,
  ],
  [
    "tool_choice of a built-in tool",
    { ...valid, tools: [tool], tool_choice: { type: "file_search" } },
    400,
    "tool_choice.type",
    /^tool_choice/,
  ],
  [
    "max_output_tokens zero",
    { ...valid, max_output_tokens: 0 },
    400,
    "max_output_tokens",
    /at least 1/,
  ],
  [
    "max_output_tokens a float",
    { ...valid, max_output_tokens: 2.5 },
    400,
    "max_output_tokens",
    /whole/,
  ],
  [
    "max_output_tokens above the model's",
    { ...valid, max_output_tokens: 9_000_000 },
    400,
    "max_output_tokens",
    /max tokens/,
  ],
  [
    "unknown text.format",
    { ...valid, text: { format: { type: "xml" } } },
    400,
    "text.format.type",
    /text, json_object or json_schema/,
  ],
  [
    "json_schema without a schema",
    { ...valid, text: { format: { type: "json_schema", name: "x" } } },
    400,
    "text.format.schema",
    /JSON schema/,
  ],
  [
    "json_schema without a name",
    { ...valid, text: { format: { type: "json_schema", schema: {} } } },
    400,
    "text.format.name",
    /name/,
  ],
  [
    "unknown reasoning effort",
    { ...valid, reasoning: { effort: "extreme" } },
    400,
    "reasoning.effort",
    /effort/,
  ],
  ["temperature above 2", { ...valid, temperature: 3 }, 400, "temperature", /^temperature/],
  ["top_p a string", { ...valid, top_p: "high" }, 400, "top_p", /^top_p/],
  ["stream a string", { ...valid, stream: "yes" }, 400, "stream", /^stream/],
  ["store a string", { ...valid, store: "no" }, 400, "store", /^store/],
  ["metadata values not strings", { ...valid, metadata: { a: 1 } }, 400, "metadata.a", /^metadata/],
  [
    "metadata with 17 keys",
    { ...valid, metadata: Object.fromEntries([...Array(17).keys()].map((i) => [`k${i}`, "v"])) },
    400,
    "metadata",
    /at most 16/,
  ],
  ["background responses", { ...valid, background: true }, 400, "background", /background/],
  [
    "a conversation",
    { ...valid, conversation: "conv_1" },
    400,
    "conversation",
    /previous_response_id/,
  ],
  [
    "previous_response_id a number",
    { ...valid, previous_response_id: 5 },
    400,
    "previous_response_id",
    /previous_response_id/,
  ],
  [
    "unknown previous_response_id",
    { ...valid, previous_response_id: "resp_nope" },
    404,
    "previous_response_id",
    /not found/,
  ],
];

const post = async (body: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${harness.baseUrl}/v1/responses`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${secret}`,
      ...headers,
    },
    body,
  });
  return {
    status: response.status,
    json: (await response.json()) as {
      error: { type: string; message: string; param: string | null; code: string | null };
    },
  };
};

test("the table is long enough", () => {
  expect(CASES.length).toBeGreaterThanOrEqual(40);
});

test.each(CASES)("%s -> %i", async (_name, body, status, param, message) => {
  const answer = await post(JSON.stringify(body));
  expect(answer.status).toBe(status);
  expect(answer.json.error).toMatchObject({
    type: status === 404 ? "not_found_error" : "invalid_request_error",
    param,
  });
  expect(answer.json.error.message).toMatch(message);
  expect(Object.keys(answer.json.error).sort()).toEqual(["code", "message", "param", "type"]);
  for (const fake of Object.values(harness.fakes)) expect(fake.scripts.received).toHaveLength(0);
});

test.each([
  ["invalid JSON", '{"model": "resp-test", "input": [', {}, 400, /not valid JSON/],
  ["an empty body", "", {}, 400, /empty/],
  [
    "a form body",
    "model=x",
    { "content-type": "application/x-www-form-urlencoded" },
    415,
    /Content-Type/,
  ],
  ["no key", JSON.stringify(valid), { authorization: "" }, 401, /Authorization: Bearer/],
  [
    "a wrong key",
    JSON.stringify(valid),
    { authorization: "Bearer gw-wrong" },
    401,
    /Invalid API key/,
  ],
] as const)("%s -> %i", async (_name, body, headers, status, message) => {
  const answer = await post(body, headers);
  expect(answer.status).toBe(status);
  expect(answer.json.error.message).toMatch(message);
});

test("GET -> 405", async () => {
  const response = await fetch(`${harness.baseUrl}/v1/responses`, { method: "GET" });
  expect(response.status).toBe(405);
});
