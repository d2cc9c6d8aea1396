// Our OpenAI-format answers validated against OpenAI's own OpenAPI schemas
// (tests/fixtures/openai-chat-schemas.json, from github.com/openai/openai-openapi).
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { openAISchemaValidator as validator } from "../support/openai-schema-validator.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const validChunk = validator("CreateChatCompletionStreamResponse");
const validCompletion = validator("CreateChatCompletionResponse");
const validError = validator("ErrorResponse");

const { prisma, harness } = setupGatewayHarness();
let secret: string;

beforeAll(async () => {
  await createCatalogEntry(prisma, { modelSlug: "gpt-test" });
  const user = await createUser(prisma, { credits: 100 });
  secret = (await createApiKey(prisma, user.id, { creditLimitCredits: 1 })).secret;
});
beforeEach(() => harness.fakes.openai.scripts.reset());

async function post(body: Record<string, unknown>) {
  return fetch(`${harness.baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({
      model: "gpt-test",
      messages: [{ role: "user", content: "Hi" }],
      ...body,
    }),
  });
}

function events(sse: string) {
  return sse
    .split("\n\n")
    .filter(Boolean)
    .map((event) => event.replace(/^data: /, ""))
    .filter((data) => data !== "[DONE]")
    .map((data) => JSON.parse(data) as unknown);
}

describe("OpenAI schema conformance", () => {
  test("every streamed chunk, including the usage chunk", async () => {
    harness.fakes.openai.scripts.enqueue("gpt-test", {
      chunks: ["a", "b"],
      usage: { input: 3, cached: 1, output: 2 },
    });
    const chunks = events(
      await (await post({ stream: true, stream_options: { include_usage: true } })).text(),
    );
    expect(chunks.length).toBe(5); // role, a, b, finish, usage
    for (const chunk of chunks) expect(validChunk(chunk)).toBe("valid");
  });

  test("streamed tool-call chunks", async () => {
    harness.fakes.openai.scripts.enqueue("gpt-test", {
      toolCalls: [{ id: "call_1", name: "f", arguments: '{"x":1}' }],
    });
    const chunks = events(
      await (
        await post({ stream: true, tools: [{ type: "function", function: { name: "f" } }] })
      ).text(),
    );
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    for (const chunk of chunks) expect(validChunk(chunk)).toBe("valid");
  });

  test("non-streaming text and tool-call completions", async () => {
    harness.fakes.openai.scripts.enqueue(
      "gpt-test",
      { text: "Hello" },
      { toolCalls: [{ id: "call_2", name: "f", arguments: "{}" }] },
    );
    expect(validCompletion(await (await post({})).json())).toBe("valid");
    expect(
      validCompletion(
        await (await post({ tools: [{ type: "function", function: { name: "f" } }] })).json(),
      ),
    ).toBe("valid");
  });

  test("error bodies: 400, 401, 403, 404", async () => {
    const responses = await Promise.all([
      post({ temperature: 9 }),
      fetch(`${harness.baseUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
      post({ max_completion_tokens: 16_000 }),
      post({ model: "nope" }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([400, 401, 403, 404]);
    for (const response of responses) expect(validError(await response.json())).toBe("valid");
  });

  test("the validator rejects a chunk that breaks the schema", () => {
    expect(
      validChunk({
        id: "x",
        object: "chat.completion.chunk",
        created: 1,
        model: "m",
        choices: [{ index: 0, delta: {}, finish_reason: "done" }],
      }),
    ).not.toBe("valid");
  });
});
