// The openai SDK pointed at the gateway's `/api/v1` as OpenRouter's docs point
// it at OpenRouter (base URL `…/api/v1`, OpenRouter-style ids).
import OpenAI from "openai";
import { expect, test } from "vitest";
import { microToCredits, microToUsdNumber } from "../../app/utils/money.ts";
import { openRouterCustomer, setupOpenRouterGateway } from "../support/openrouter-gateway.ts";

const { prisma, gw } = setupOpenRouterGateway();

const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: gw.apiBase, maxRetries: 0 });
const USAGE = { input: 50, cached: 10, output: 6, reasoning: 1 };

/** OpenRouter's usage: the cost a number, our exact credits beside it. */
type OpenRouterUsage = OpenAI.CompletionUsage & { cost: number; cost_credits: string };

async function generation(secret: string, id: string) {
  const response = await fetch(`${gw.apiBase}/generation?id=${id}`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

const rowOf = (requestId: string) =>
  prisma.conversation.findUniqueOrThrow({ where: { requestId } });

test("JSON: OpenRouter's usage with its cost, exact credits beside it, the id finds the generation", async () => {
  const { secret } = await openRouterCustomer(prisma);
  gw.fakes.openai.scripts.enqueue("gpt-6.2-sol", { text: "Answer.", usage: USAGE });
  const completion = await client(secret).chat.completions.create({
    model: "openai/gpt-6.2-sol",
    messages: [{ role: "user", content: "Question?" }],
  });
  expect(completion.model).toBe("openai/gpt-6.2-sol");
  expect(completion.choices[0]!.message.content).toBe("Answer.");
  const found = await generation(secret, completion.id);
  const row = await rowOf(found.request_id as string);
  expect(completion.usage).toMatchObject({
    prompt_tokens: 60,
    completion_tokens: 6,
    prompt_tokens_details: { cached_tokens: 10 },
    completion_tokens_details: { reasoning_tokens: 1 },
    cost: microToUsdNumber(row.cost),
    cost_credits: microToCredits(row.cost),
    is_byok: false,
  });
  expect(typeof (completion.usage as OpenRouterUsage).cost).toBe("number");
});

test("streaming: the usage chunk comes last without being asked for, and no chunk says usage: null", async () => {
  const { secret } = await openRouterCustomer(prisma);
  gw.fakes.google.scripts.enqueue("gemini-4-neon", { chunks: ["One", " two"], usage: USAGE });
  const { data: stream, response } = await client(secret)
    .chat.completions.create({
      model: "google/gemini-4-neon",
      messages: [{ role: "user", content: "Count" }],
      stream: true,
    })
    .withResponse();
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("One two");
  const last = chunks.at(-1)!;
  expect(last.choices).toEqual([]);
  const row = await rowOf(response.headers.get("x-generation-id")!);
  expect(last.usage).toMatchObject({ prompt_tokens: 60, cost: microToUsdNumber(row.cost) });
  expect(chunks.slice(0, -1).every((chunk) => !("usage" in chunk))).toBe(true);
  expect((await generation(secret, last.id)).request_id).toBe(row.requestId);
});

test("tools: a call streamed back, the result sent, the answer billed per call", async () => {
  const { secret, user } = await openRouterCustomer(prisma);
  gw.fakes.anthropic.scripts.enqueue(
    "claude-sonnet-5-5",
    { toolCalls: [{ id: "toolu_1", name: "lookup", arguments: '{"q":"gateway"}' }] },
    { text: "Found it." },
  );
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: "function",
      function: {
        name: "lookup",
        parameters: { type: "object", properties: { q: { type: "string" } } },
      },
    },
  ];
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Look it up" }];
  const stream = await client(secret).chat.completions.create({
    model: "anthropic/claude-sonnet-5-5",
    messages,
    tools,
    stream: true,
  });
  let args = "";
  let id = "";
  for await (const chunk of stream)
    for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
      id ||= call.id ?? "";
      args += call.function?.arguments ?? "";
    }
  expect({ id, args }).toEqual({ id: "toolu_1", args: '{"q":"gateway"}' });
  const answer = await client(secret).chat.completions.create({
    model: "anthropic/claude-sonnet-5-5",
    tools,
    messages: [
      ...messages,
      {
        role: "assistant",
        tool_calls: [{ id, type: "function", function: { name: "lookup", arguments: args } }],
      },
      { role: "tool", tool_call_id: id, content: "The gateway is here." },
    ],
  });
  expect(answer.choices[0]!.message.content).toBe("Found it.");
  const rows = await prisma.conversation.findMany({ where: { userId: user.id } });
  expect(rows.map((row) => row.finishReason).sort()).toEqual(["stop", "tool_calls"]);
  expect(rows.every((row) => row.cost > 0n)).toBe(true);
});

test("the Responses API streamed at /api/v1: the OpenAI SDK's event checks pass, the usage carries the cost", async () => {
  const { secret } = await openRouterCustomer(prisma);
  gw.fakes.openai.scripts.enqueue("gpt-6.2-sol", { chunks: ["Res", "ponse"], usage: USAGE });
  const stream = client(secret).responses.stream({ model: "openai/gpt-6.2-sol", input: "Go" });
  const final = await stream.finalResponse();
  expect(final.output_text).toBe("Response");
  expect(final.model).toBe("openai/gpt-6.2-sol");
  const found = await generation(secret, final.id);
  const row = await rowOf(found.request_id as string);
  expect(final.usage).toMatchObject({ input_tokens: 60, cost: microToUsdNumber(row.cost) });
});

test("errors in OpenRouter's shape: the status as an integer code, our reason in metadata", async () => {
  const wrong = await client("gw-nope")
    .chat.completions.create({
      model: "openai/gpt-6.2-sol",
      messages: [{ role: "user", content: "x" }],
    })
    .catch((error: unknown) => error);
  expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
  expect((wrong as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({
    code: 401,
    message: "Invalid API key, or the key is disabled or deleted",
    metadata: { error_type: "authentication", gateway_code: "invalid_api_key" },
  });
  const get = await fetch(`${gw.apiBase}/chat/completions`);
  expect(get.status).toBe(405);
  expect(get.headers.get("allow")).toBe("POST");
  expect(await get.json()).toMatchObject({ error: { code: 405 } });
});
