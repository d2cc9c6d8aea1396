// Malformed Messages API requests get a 4xx in Anthropic's error shape, naming
// the problem, and never reach a provider.
import { beforeAll, expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness();
let secret: string;

beforeAll(async () => {
  await createCatalogEntry(prisma, { modelSlug: "claude-test", providerSlug: "anthropic" });
  const user = await createUser(prisma, { credits: 100 });
  secret = (await createApiKey(prisma, user.id)).secret;
});

const user = (content: unknown) => ({ role: "user", content });
const valid = { model: "claude-test", max_tokens: 50, messages: [user("Hi")] };
const tool = { name: "lookup", input_schema: { type: "object" } };

type Case = [name: string, body: unknown, status: number, message: RegExp];
const CASES: Case[] = [
  ["empty object", {}, 400, /^model/],
  ["array body", [valid], 400, /JSON object/],
  ["string body", "hello", 400, /JSON object/],
  ["null body", null, 400, /JSON object/],
  ["missing model", { ...valid, model: undefined }, 400, /^model/],
  ["model is a number", { ...valid, model: 4 }, 400, /^model/],
  ["model is huge", { ...valid, model: "m".repeat(500) }, 400, /^model/],
  ["unknown model", { ...valid, model: "no-such-model" }, 404, /does not exist/],
  ["missing max_tokens", { ...valid, max_tokens: undefined }, 400, /^max_tokens: is required/],
  ["max_tokens zero", { ...valid, max_tokens: 0 }, 400, /^max_tokens: must be at least 1/],
  ["max_tokens negative", { ...valid, max_tokens: -5 }, 400, /^max_tokens/],
  ["max_tokens a float", { ...valid, max_tokens: 1.5 }, 400, /^max_tokens: must be a whole/],
  ["max_tokens a string", { ...valid, max_tokens: "50" }, 400, /^max_tokens/],
  [
    "max_tokens absurdly large",
    { ...valid, max_tokens: 20_000_000 },
    400,
    /^max_tokens: is too large/,
  ],
  ["missing messages", { ...valid, messages: undefined }, 400, /^messages/],
  ["messages is a string", { ...valid, messages: "Hi" }, 400, /^messages/],
  ["messages is empty", { ...valid, messages: [] }, 400, /^messages: must contain at least/],
  ["message is a string", { ...valid, messages: ["Hi"] }, 400, /^messages\[0\]/],
  ["unknown role", { ...valid, messages: [{ role: "tool", content: "x" }] }, 400, /role/],
  ["content is a number", { ...valid, messages: [user(5)] }, 400, /^messages\[0\]\.content/],
  ["content is null", { ...valid, messages: [user(null)] }, 400, /^messages\[0\]\.content/],
  ["unknown block type", { ...valid, messages: [user([{ type: "video" }])] }, 400, /block/],
  ["text block without text", { ...valid, messages: [user([{ type: "text" }])] }, 400, /text/],
  [
    "a document by URL",
    {
      ...valid,
      messages: [
        user([{ type: "document", source: { type: "url", url: "https://x.test/a.pdf" } }]),
      ],
    },
    400,
    /^messages\[0\]\.content\[0\]\.source\.type: .*send the PDF as base64/,
  ],
  [
    "a base64 document that is not a PDF",
    {
      ...valid,
      messages: [
        user([
          { type: "document", source: { type: "base64", media_type: "text/csv", data: "YQ==" } },
        ]),
      ],
    },
    400,
    /^messages\[0\]\.content\[0\]\.source\.media_type: must be "application\/pdf"/,
  ],
  [
    "a tool result with an unknown block",
    {
      ...valid,
      messages: [
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "lookup", input: {} }] },
        user([{ type: "tool_result", tool_use_id: "t1", content: [{ type: "video" }] }]),
      ],
      tools: [tool],
    },
    400,
    /^messages\[1\]\.content\[0\]\.content\[0\]\.type: must be a text, image or document block/,
  ],
  [
    "image with a bad media type",
    {
      ...valid,
      messages: [
        user([{ type: "image", source: { type: "base64", media_type: "image/bmp", data: "x" } }]),
      ],
    },
    400,
    /media_type/,
  ],
  [
    "image with a file URL",
    { ...valid, messages: [user([{ type: "image", source: { type: "url", url: "file:///x" } }])] },
    400,
    /url/,
  ],
  [
    "image with an unknown source",
    { ...valid, messages: [user([{ type: "image", source: { type: "file", file_id: "f" } }])] },
    400,
    /source/,
  ],
  [
    "tool_use without an id",
    {
      ...valid,
      messages: [
        user("Hi"),
        { role: "assistant", content: [{ type: "tool_use", name: "lookup", input: {} }] },
      ],
    },
    400,
    /^messages\[1\]\.content\[0\]\.id/,
  ],
  [
    "tool_use with a string input",
    {
      ...valid,
      messages: [
        user("Hi"),
        { role: "assistant", content: [{ type: "tool_use", id: "t", name: "x", input: "{}" }] },
      ],
    },
    400,
    /input/,
  ],
  [
    "tool_result without tool_use_id",
    { ...valid, messages: [user([{ type: "tool_result", content: "x" }])] },
    400,
    /tool_use_id/,
  ],
  [
    "tool_result with a number as content",
    { ...valid, messages: [user([{ type: "tool_result", tool_use_id: "t", content: 5 }])] },
    400,
    /content/,
  ],
  ["system is a number", { ...valid, system: 5 }, 400, /^system/],
  ["system block without text", { ...valid, system: [{ type: "text" }] }, 400, /^system/],
  [
    "only a system message",
    { ...valid, messages: [{ role: "system", content: "x" }] },
    400,
    /user or assistant/,
  ],
  ["tools is an object", { ...valid, tools: tool }, 400, /^tools/],
  ["tool without a name", { ...valid, tools: [{ input_schema: {} }] }, 400, /^tools\[0\]\.name/],
  [
    "tool name with a space",
    { ...valid, tools: [{ ...tool, name: "a b" }] },
    400,
    /^tools\[0\]\.name/,
  ],
  ["tool without input_schema", { ...valid, tools: [{ name: "x" }] }, 400, /input_schema/],
  [
    "tool_choice without tools",
    { ...valid, tool_choice: { type: "any" } },
    400,
    /^tool_choice: needs tools/,
  ],
  [
    "unknown tool_choice",
    { ...valid, tools: [tool], tool_choice: { type: "always" } },
    400,
    /^tool_choice/,
  ],
  [
    "tool_choice tool without name",
    { ...valid, tools: [tool], tool_choice: { type: "tool" } },
    400,
    /^tool_choice/,
  ],
  ["stop_sequences is a string", { ...valid, stop_sequences: "END" }, 400, /^stop_sequences/],
  [
    "five stop_sequences",
    { ...valid, stop_sequences: ["a", "b", "c", "d", "e"] },
    400,
    /at most 4/,
  ],
  ["temperature above 1", { ...valid, temperature: 1.5 }, 400, /^temperature/],
  ["top_p a string", { ...valid, top_p: "high" }, 400, /^top_p/],
  ["stream a string", { ...valid, stream: "yes" }, 400, /^stream/],
  [
    "assistant content is a number",
    { ...valid, messages: [user("Hi"), { role: "assistant", content: 7 }] },
    400,
    /^messages\[1\]\.content/,
  ],
];

const post = async (body: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${harness.baseUrl}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": secret, ...headers },
    body,
  });
  return {
    status: response.status,
    json: (await response.json()) as { type: string; error: { type: string; message: string } },
  };
};

test("the table is long enough", () => {
  expect(CASES.length).toBeGreaterThanOrEqual(40);
});

test.each(CASES)("%s -> %i", async (_name, body, status, message) => {
  const answer = await post(JSON.stringify(body));
  expect(answer.status).toBe(status);
  expect(answer.json).toMatchObject({
    type: "error",
    error: { type: status === 404 ? "not_found_error" : "invalid_request_error" },
  });
  expect(answer.json.error.message).toMatch(message);
  expect(harness.fakes.anthropic.scripts.received).toHaveLength(0);
});

test.each([
  ["invalid JSON", '{"model": "claude-test", "messages": [', {}, 400, /not valid JSON/],
  ["an empty body", "", {}, 400, /empty/],
  [
    "a form body",
    "model=x",
    { "content-type": "application/x-www-form-urlencoded" },
    415,
    /Content-Type/,
  ],
  [
    "nesting 10,000 deep",
    `{"model":"claude-test","metadata":${"[".repeat(10_000)}${"]".repeat(10_000)}}`,
    {},
    400,
    /nested deeper/,
  ],
  ["a wrong key", JSON.stringify(valid), { "x-api-key": "gw-wrong" }, 401, /Invalid API key/],
] as const)("%s -> %i", async (_name, body, headers, status, message) => {
  const answer = await post(body, headers);
  expect(answer.status).toBe(status);
  expect(answer.json.type).toBe("error");
  expect(answer.json.error.message).toMatch(message);
});

test("GET -> 405", async () => {
  const response = await fetch(`${harness.baseUrl}/v1/messages`, { method: "GET" });
  expect(response.status).toBe(405);
});
