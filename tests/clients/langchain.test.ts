// LangChain's chat models, pointed at the gateway as OpenRouter's docs point
// them at OpenRouter: ChatOpenAI with `configuration.baseURL` at `…/api/v1`,
// ChatAnthropic with its API URL at `…/api` (so it calls `/api/v1/messages`),
// both with OpenRouter-style ids.
import { ChatAnthropic } from "@langchain/anthropic";
import type { AIMessageChunk } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import { expect, test } from "vitest";
import { z } from "zod";
import { microToUsdNumber } from "../../app/utils/money.ts";
import { openRouterCustomer, setupOpenRouterGateway } from "../support/openrouter-gateway.ts";

const { prisma, gw } = setupOpenRouterGateway();

const USAGE = { input: 20, cached: 4, output: 3, reasoning: 0 };

const chatOpenAI = (apiKey: string, model: string) =>
  new ChatOpenAI({ model, apiKey, configuration: { baseURL: gw.apiBase }, maxRetries: 0 });

const chatAnthropic = (apiKey: string, model: string) =>
  new ChatAnthropic({
    model,
    apiKey,
    anthropicApiUrl: `${gw.gateway.baseUrl}/api`,
    maxRetries: 0,
    maxTokens: 200,
  });

/** The generation for an answer's id, as OpenRouter's API gives it. */
async function generation(secret: string, id: string) {
  const response = await fetch(`${gw.apiBase}/generation?id=${id}`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

const costOf = async (requestId: string) =>
  (await prisma.conversation.findUniqueOrThrow({ where: { requestId } })).cost;

const WEATHER = {
  name: "get_weather",
  description: "The weather in a city",
  schema: z.object({ city: z.string() }),
};

test("ChatOpenAI: JSON with its cost in the response metadata, a stream, a tool call, each found by its id", async () => {
  const { secret } = await openRouterCustomer(prisma);
  gw.fakes.openai.scripts.enqueue(
    "gpt-6.2-sol",
    { text: "Hello from Sol.", usage: USAGE },
    { chunks: ["Str", "eam"], usage: USAGE },
  );
  const model = chatOpenAI(secret, "openai/gpt-6.2-sol");
  const answer = await model.invoke("Say hello");
  expect(answer.content).toBe("Hello from Sol.");
  expect(answer.usage_metadata).toMatchObject({
    input_tokens: 24,
    output_tokens: 3,
    total_tokens: 27,
  });
  expect(answer.response_metadata).toMatchObject({ model_name: "openai/gpt-6.2-sol" });
  const found = await generation(secret, answer.id!);
  const cost = await costOf(found.request_id as string);
  expect(answer.response_metadata.usage).toMatchObject({ cost: microToUsdNumber(cost) });

  let streamed: AIMessageChunk | undefined;
  for await (const chunk of await model.stream("Stream please"))
    streamed = streamed ? streamed.concat(chunk) : chunk;
  expect(streamed!.content).toBe("Stream");
  expect(streamed!.usage_metadata).toMatchObject({ input_tokens: 24, output_tokens: 3 });
  expect(await generation(secret, streamed!.id!)).toMatchObject({ streamed: true });

  gw.fakes.google.scripts.enqueue("gemini-4-neon", {
    toolCalls: [{ id: "call_9", name: "get_weather", arguments: '{"city":"Lyon"}' }],
  });
  const withTools = chatOpenAI(secret, "google/gemini-4-neon").bindTools([WEATHER]);
  const call = await withTools.invoke("Weather in Lyon?");
  expect(call.tool_calls).toEqual([
    expect.objectContaining({ name: "get_weather", args: { city: "Lyon" } }),
  ]);
  expect(await generation(secret, call.id!)).toMatchObject({
    model: "google/gemini-4-neon",
    finish_reason: "tool_calls",
  });
});

test("ChatAnthropic at …/api: JSON, a stream and a tool through /api/v1/messages, any model", async () => {
  const { secret, user } = await openRouterCustomer(prisma);
  gw.fakes.anthropic.scripts.enqueue(
    "claude-sonnet-5-5",
    { text: "Hello from Claude.", usage: USAGE },
    { chunks: ["Streamed", " reply"], usage: USAGE },
  );
  const claude = chatAnthropic(secret, "anthropic/claude-sonnet-5-5");
  const answer = await claude.invoke("Say hello");
  expect(answer.content).toBe("Hello from Claude.");
  expect(answer.usage_metadata).toMatchObject({ output_tokens: 3 });
  expect(answer.response_metadata).toMatchObject({ model: "anthropic/claude-sonnet-5-5" });
  const found = await generation(secret, answer.response_metadata.id as string);
  expect(found).toMatchObject({ model: "anthropic/claude-sonnet-5-5" });
  expect(found.total_cost).toBe(microToUsdNumber(await costOf(found.request_id as string)));

  let streamed: AIMessageChunk | undefined;
  for await (const chunk of await claude.stream("Stream please"))
    streamed = streamed ? streamed.concat(chunk) : chunk;
  expect(streamed!.content).toBe("Streamed reply");
  expect(streamed!.usage_metadata).toMatchObject({ output_tokens: 3 });

  // A GPT model through Anthropic's API, with a tool.
  gw.fakes.openai.scripts.enqueue("gpt-6.2-sol", {
    toolCalls: [{ id: "call_3", name: "get_weather", arguments: '{"city":"Nice"}' }],
  });
  const call = await chatAnthropic(secret, "openai/gpt-6.2-sol")
    .bindTools([WEATHER])
    .invoke("Weather in Nice?");
  expect(call.tool_calls).toEqual([
    expect.objectContaining({ name: "get_weather", args: { city: "Nice" } }),
  ]);

  const rows = await prisma.conversation.findMany({ where: { userId: user.id } });
  expect(rows.map((row) => [row.endpoint, row.status])).toEqual([
    ["/api/v1/messages", "SUCCESS"],
    ["/api/v1/messages", "SUCCESS"],
    ["/api/v1/messages", "SUCCESS"],
  ]);
});
