// Malformed requests get a 4xx naming the problem, never a 5xx, and never reach a provider.
import { beforeAll, describe, expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness();
let secret: string;

beforeAll(async () => {
  await createCatalogEntry(prisma, { modelSlug: "gpt-test" });
  const user = await createUser(prisma, { credits: 100 });
  secret = (await createApiKey(prisma, user.id)).secret;
});

const user = (content: unknown) => ({ role: "user", content });
const valid = { model: "gpt-test", messages: [user("Hi")] };

type Case = [name: string, body: unknown, status: number, message: RegExp];
const CASES: Case[] = [
  ["empty object", {}, 400, /model/],
  ["array body", [valid], 400, /JSON object/],
  ["string body", "hello", 400, /JSON object/],
  ["null body", null, 400, /JSON object/],
  ["number body", 42, 400, /JSON object/],
  ["missing model", { messages: [user("Hi")] }, 400, /^model/],
  ["model is a number", { ...valid, model: 4 }, 400, /^model/],
  ["model is empty", { ...valid, model: "" }, 400, /^model: must not be empty/],
  ["model is huge", { ...valid, model: "m".repeat(500) }, 400, /^model/],
  ["missing messages", { model: "gpt-test" }, 400, /^messages/],
  ["messages is a string", { ...valid, messages: "Hi" }, 400, /^messages/],
  [
    "messages is empty",
    { ...valid, messages: [] },
    400,
    /^messages: must contain at least one message/,
  ],
  ["message is a string", { ...valid, messages: ["Hi"] }, 400, /^messages\[0\]/],
  [
    "message without role",
    { ...valid, messages: [{ content: "Hi" }] },
    400,
    /^messages\[0\]\.role/,
  ],
  [
    "unknown role",
    { ...valid, messages: [{ role: "wizard", content: "Hi" }] },
    400,
    /^messages\[0\]\.role: must have a role of system, developer, user, assistant or tool/,
  ],
  [
    "role is a number",
    { ...valid, messages: [{ role: 1, content: "Hi" }] },
    400,
    /^messages\[0\]\.role/,
  ],
  [
    "user without content",
    { ...valid, messages: [{ role: "user" }] },
    400,
    /^messages\[0\]\.content/,
  ],
  ["content is a number", { ...valid, messages: [user(7)] }, 400, /^messages\[0\]\.content/],
  [
    "content is an object",
    { ...valid, messages: [user({ text: "Hi" })] },
    400,
    /^messages\[0\]\.content/,
  ],
  [
    "content part of unknown type",
    { ...valid, messages: [user([{ type: "video", url: "x" }])] },
    400,
    /^messages\[0\]\.content/,
  ],
  [
    "text part without text",
    { ...valid, messages: [user([{ type: "text" }])] },
    400,
    /^messages\[0\]\.content/,
  ],
  [
    "image part with a bad URL",
    { ...valid, messages: [user([{ type: "image_url", image_url: { url: "ftp://x/y.png" } }])] },
    400,
    /image_url\.url/,
  ],
  [
    "image detail unknown",
    {
      ...valid,
      messages: [
        user([{ type: "image_url", image_url: { url: "https://x/y.png", detail: "ultra" } }]),
      ],
    },
    400,
    /detail/,
  ],
  ["empty content array", { ...valid, messages: [user([])] }, 400, /^messages\[0\]\.content/],
  [
    "huge content string",
    { ...valid, messages: [user("x".repeat(4_000_001))] },
    400,
    /at most 4000000 characters/,
  ],
  [
    "tool message without tool_call_id",
    { ...valid, messages: [user("Hi"), { role: "tool", content: "42" }] },
    400,
    /^messages\[1\]\.tool_call_id/,
  ],
  [
    "assistant tool call without id",
    {
      ...valid,
      messages: [
        {
          role: "assistant",
          tool_calls: [{ type: "function", function: { name: "f", arguments: "{}" } }],
        },
      ],
    },
    400,
    /tool_calls\[0\]\.id/,
  ],
  ["temperature too high", { ...valid, temperature: 3 }, 400, /^temperature/],
  ["temperature is a string", { ...valid, temperature: "hot" }, 400, /^temperature/],
  ["top_p above 1", { ...valid, top_p: 1.5 }, 400, /^top_p/],
  ["max_tokens zero", { ...valid, max_tokens: 0 }, 400, /^max_tokens: must be at least 1/],
  [
    "max_tokens fractional",
    { ...valid, max_tokens: 1.5 },
    400,
    /^max_tokens: must be a whole number/,
  ],
  [
    "max_completion_tokens negative",
    { ...valid, max_completion_tokens: -5 },
    400,
    /^max_completion_tokens/,
  ],
  [
    "max tokens above the model's limit",
    { ...valid, max_completion_tokens: 1_000_000 },
    400,
    /at most 16384/,
  ],
  ["stream is a string", { ...valid, stream: "yes" }, 400, /^stream/],
  ["stop with five sequences", { ...valid, stop: ["a", "b", "c", "d", "e"] }, 400, /^stop/],
  ["n above 1", { ...valid, n: 3 }, 400, /^n: only n = 1 is supported/],
  ["tools is an object", { ...valid, tools: { type: "function" } }, 400, /^tools/],
  [
    "tool with a bad name",
    { ...valid, tools: [{ type: "function", function: { name: "has space" } }] },
    400,
    /^tools\[0\]\.function\.name/,
  ],
  [
    "tool_choice without tools",
    { ...valid, tool_choice: "required" },
    400,
    /^tool_choice: needs tools/,
  ],
  [
    "tool_choice unknown",
    { ...valid, tools: [{ type: "function", function: { name: "f" } }], tool_choice: "always" },
    400,
    /^tool_choice/,
  ],
  [
    "response_format unknown",
    { ...valid, response_format: { type: "xml" } },
    400,
    /^response_format/,
  ],
  ["stream_options is a string", { ...valid, stream_options: "usage" }, 400, /^stream_options/],
];

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(harness.baseUrl + path, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", ...headers },
    body,
  });
  return {
    status: response.status,
    json: (await response.json()) as {
      error: { message: string; type: string; code: string | null; param: string | null };
    },
  };
}

describe("bad request bodies", () => {
  test("the table is long enough", () => {
    expect(CASES.length + 6).toBeGreaterThanOrEqual(40);
  });

  test.each(CASES)("%s -> %i", async (_name, body, status, message) => {
    const { status: actual, json } = await post("/v1/chat/completions", JSON.stringify(body));
    expect(actual).toBe(status);
    expect(json.error.type).toBe("invalid_request_error");
    expect(json.error.message).toMatch(message);
    expect(harness.fakes.openai.scripts.received).toHaveLength(0);
  });

  test.each([
    ["tools", 100_000, /^tools\.0\.function\.parameters\.p\.p.*: nested deeper than 64 levels/],
    [
      "response_format",
      5_000,
      /^response_format\.json_schema\.schema\.p.*: nested deeper than 64 levels/,
    ],
  ])("%s nested %i levels deep -> 400 naming the field", async (field, depth, message) => {
    // Written as text: JSON.stringify itself cannot nest this deep.
    const deep = '{"p":'.repeat(depth) + '{"type":"string"}' + "}".repeat(depth);
    const extra =
      field === "tools"
        ? `"tools":[{"type":"function","function":{"name":"f","parameters":${deep}}}]`
        : `"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":${deep}}}`;
    const body = `{"model":"gpt-test","messages":[{"role":"user","content":"Hi"}],${extra}}`;
    const { status, json } = await post("/v1/chat/completions", body);
    expect(status).toBe(400);
    expect(json.error.message).toMatch(message);
    expect(json.error.param).toMatch(new RegExp(`^${field}\\.`));
    expect(harness.fakes.openai.scripts.received).toHaveLength(0);
  });

  test("invalid JSON -> 400", async () => {
    const { status, json } = await post(
      "/v1/chat/completions",
      '{"model": "gpt-test", "messages": [',
    );
    expect(status).toBe(400);
    expect(json.error).toMatchObject({
      code: "invalid_json",
      message: expect.stringMatching(/not valid JSON/),
    });
  });

  test("empty body -> 400", async () => {
    const { status, json } = await post("/v1/chat/completions", "");
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/empty/);
  });

  test("wrong content type -> 415", async () => {
    const { status, json } = await post("/v1/chat/completions", "model=gpt-test", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(status).toBe(415);
    expect(json.error.message).toMatch(/Content-Type must be application\/json/);
  });

  test("a body over 20 MB -> 413", async () => {
    const { status, json } = await post(
      "/v1/chat/completions",
      JSON.stringify({ ...valid, messages: [user("x".repeat(21 * 1024 * 1024))] }),
    );
    expect(status).toBe(413);
    expect(json.error.code).toBe("request_too_large");
  });

  test("seed format: apiKey of the wrong type -> 400", async () => {
    const { status, json } = await post(
      "/completions",
      JSON.stringify({ ...valid, apiKey: 12345 }),
      { authorization: "" },
    );
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/^apiKey/);
  });

  test("seed format: no key anywhere -> 401", async () => {
    const { status, json } = await post("/completions", JSON.stringify(valid), {
      authorization: "",
    });
    expect(status).toBe(401);
    expect(json.error.code).toBe("missing_api_key");
  });

  test("GET on a POST endpoint -> 405", async () => {
    const response = await fetch(`${harness.baseUrl}/v1/chat/completions`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});
