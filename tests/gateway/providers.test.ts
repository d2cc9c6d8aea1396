// Each provider x streaming/non-streaming x OpenAI/seed format, through the
// official SDKs on both sides: tokens arrive incrementally, and exactly the
// reported usage is stored, priced and charged.
import OpenAI from "openai";
import { beforeAll, describe, expect, test } from "vitest";
import type { FakeProvider } from "#scripts/fake-providers/fake-server.ts";
import { costOfUsage } from "../../app/billing/prices.ts";
import type { Usage } from "../../app/llm/parts.ts";
import { creditsToMicro, microToCredits, microToUsd } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";
import { PRICES, PROVIDERS, USD, type ProviderSlug } from "../support/three-providers.ts";

// Whatever the tests did, every account still agrees with its history.
const { prisma, harness } = setupGatewayHarness({ checkLedger: true, resetFakes: true });

// What each fake reports for the script below, in our terms. Anthropic's fake reports
// no thinking tokens; the others include one reasoning token in the output.
const EXPECTED: Record<ProviderSlug, Usage> = {
  openai: {
    inputTokens: 40,
    cachedInputTokens: 8,
    cacheWriteTokens: 0,
    outputTokens: 4,
    reasoningTokens: 1,
  },
  anthropic: {
    inputTokens: 40,
    cachedInputTokens: 8,
    cacheWriteTokens: 5,
    outputTokens: 4,
    reasoningTokens: 0,
  },
  google: {
    inputTokens: 40,
    cachedInputTokens: 8,
    cacheWriteTokens: 0,
    outputTokens: 4,
    reasoningTokens: 1,
  },
};
const CHUNKS = ["Alpha", " beta", " gamma", " delta"];

beforeAll(async () => {
  for (const provider of PROVIDERS) {
    await createCatalogEntry(prisma, {
      modelSlug: `m-${provider}`,
      providerSlug: provider,
      upstreamModel: `up-${provider}`,
      usd: USD,
    });
  }
});

function script(provider: ProviderSlug, fake: FakeProvider, stream: boolean) {
  fake.scripts.enqueue(`up-${provider}`, {
    chunks: CHUNKS,
    chunkDelayMs: stream ? 80 : 0,
    usage: {
      input: 40,
      cached: 8,
      cacheWrite: provider === "anthropic" ? 5 : 0,
      output: 4,
      reasoning: provider === "anthropic" ? 0 : 1,
    },
  });
}

async function customer() {
  const user = await createUser(prisma, { credits: 100 });
  const { apiKey, secret } = await createApiKey(prisma, user.id);
  return {
    user,
    apiKey,
    secret,
    client: new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 }),
  };
}

async function expectBilled(
  provider: ProviderSlug,
  who: { user: { id: string }; apiKey: { id: string } },
  stream: boolean,
) {
  const cost = costOfUsage(EXPECTED[provider], PRICES);
  const [row] = await prisma.conversation.findMany({ where: { userId: who.user.id } });
  expect(row).toMatchObject({
    status: "SUCCESS",
    usageSource: "REPORTED",
    providerSlug: provider,
    upstreamModel: `up-${provider}`,
    stream,
    inputTokens: EXPECTED[provider].inputTokens,
    cachedInputTokens: EXPECTED[provider].cachedInputTokens,
    cacheWriteTokens: EXPECTED[provider].cacheWriteTokens,
    outputTokens: EXPECTED[provider].outputTokens,
    reasoningTokens: EXPECTED[provider].reasoningTokens,
    cost,
    finishReason: "stop",
  });
  const user = await prisma.user.findUniqueOrThrow({ where: { id: who.user.id } });
  const key = await prisma.apiKey.findUniqueOrThrow({ where: { id: who.apiKey.id } });
  expect({ balance: user.balance, reserved: user.reserved, spent: key.spent }).toEqual({
    balance: creditsToMicro(100) - cost,
    reserved: 0n,
    spent: cost,
  });
}

/** What the answer's usage says the request cost: OpenRouter's `cost` in US dollars, and in credits. */
const costFields = (provider: ProviderSlug) => {
  const cost = costOfUsage(EXPECTED[provider], PRICES);
  return { cost: microToUsd(cost), cost_credits: microToCredits(cost) };
};

describe.each(PROVIDERS)("%s", (provider) => {
  const fake = () => harness.fakes[provider];

  test("OpenAI format, streaming: incremental tokens, exact usage and cost", async () => {
    const who = await customer();
    script(provider, fake(), true);
    const stream = await who.client.chat.completions.create({
      model: `m-${provider}`,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Say four words" },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    const arrivals: number[] = [];
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) {
        text += delta;
        arrivals.push(performance.now());
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(CHUNKS.join(""));
    const upstream = await fake().scripts.received[0]!.closed;
    expect(arrivals[0]!).toBeLessThan(upstream.at - 150);
    expect(usage?.completion_tokens).toBe(EXPECTED[provider].outputTokens);
    expect(usage).toMatchObject(costFields(provider));
    await expectBilled(provider, who, true);
  });

  test("OpenAI format, non-streaming: one body, exact usage and cost", async () => {
    const who = await customer();
    script(provider, fake(), false);
    const completion = await who.client.chat.completions.create({
      model: `m-${provider}`,
      messages: [{ role: "user", content: "Say four words" }],
    });
    expect(completion.choices[0]!.message.content).toBe(CHUNKS.join(""));
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject(costFields(provider));
    await expectBilled(provider, who, false);
  });

  test("seed format: data: {content} events as they arrive, exact usage and cost", async () => {
    const who = await customer();
    script(provider, fake(), true);
    const response = await fetch(`${harness.baseUrl}/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: `m-${provider}`,
        messages: [{ role: "user", content: "Say four words" }],
        apiKey: who.secret,
      }),
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let body = "";
    let firstAt: number | undefined;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      body += decoder.decode(value);
      if (firstAt === undefined && body.includes('"content"')) firstAt = performance.now();
    }
    expect(body).toBe(
      CHUNKS.map((text) => `data: ${JSON.stringify({ content: text })}\n\n`).join("") +
        "data: [DONE]\n\n",
    );
    expect(firstAt!).toBeLessThan((await fake().scripts.received[0]!.closed).at - 150);
    await expectBilled(provider, who, true);
  });

  test("tool calls come back to the openai client, streamed and not", async () => {
    const who = await customer();
    const call = { id: "call_weather_1", name: "get_weather", arguments: '{"city":"Paris"}' };
    fake().scripts.enqueue(`up-${provider}`, { toolCalls: [call] }, { toolCalls: [call] });
    const request = {
      model: `m-${provider}`,
      messages: [{ role: "user" as const, content: "Weather in Paris?" }],
      tools: [
        {
          type: "function" as const,
          function: {
            name: "get_weather",
            parameters: { type: "object", properties: { city: { type: "string" } } },
          },
        },
      ],
      tool_choice: "required" as const,
    };
    const streamed = await who.client.chat.completions.stream(request).finalChatCompletion();
    const whole = await who.client.chat.completions.create(request);
    for (const completion of [streamed, whole]) {
      expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
      const [toolCall] = completion.choices[0]!.message.tool_calls ?? [];
      expect(toolCall).toMatchObject({ type: "function", function: { name: "get_weather" } });
      expect(
        JSON.parse((toolCall as { function: { arguments: string } }).function.arguments),
      ).toEqual({ city: "Paris" });
    }
  });
});

describe("request translation", () => {
  const conversation: OpenAI.ChatCompletionMessageParam[] = [
    { role: "system", content: "You are terse." },
    {
      role: "user",
      content: [
        { type: "text", text: "What is in this picture?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
      ],
    },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "call_9", type: "function", function: { name: "lookup", arguments: '{"q":"cat"}' } },
      ],
    },
    { role: "tool", tool_call_id: "call_9", content: '{"answer":"a cat"}' },
  ];
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: "function",
      function: {
        name: "lookup",
        description: "Look things up",
        parameters: { type: "object", properties: { q: { type: "string" } } },
      },
    },
  ];

  test("OpenAI receives the conversation as sent, image parts and tool turns included", async () => {
    const { client } = await customer();
    await client.chat.completions.create({
      model: "m-openai",
      messages: conversation,
      tools,
      max_completion_tokens: 55,
    });
    const body = harness.fakes.openai.scripts.received[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      model: "up-openai",
      max_completion_tokens: 55,
      messages: conversation,
      tools,
    });
  });

  test("Anthropic receives system on top, image blocks, tool_use and tool_result", async () => {
    const { client } = await customer();
    await client.chat.completions.create({
      model: "m-anthropic",
      messages: conversation,
      tools,
      tool_choice: "auto",
      stop: "END",
      max_completion_tokens: 99,
    });
    const body = harness.fakes.anthropic.scripts.received[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      model: "up-anthropic",
      max_tokens: 99,
      system: "You are terse.",
      stop_sequences: ["END"],
      tool_choice: { type: "auto" },
      tools: [{ name: "lookup", description: "Look things up", input_schema: { type: "object" } }],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this picture?" },
            {
              type: "image",
              source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" },
            },
          ],
        },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "call_9", name: "lookup", input: { q: "cat" } }],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "call_9", content: '{"answer":"a cat"}' }],
        },
      ],
    });
    expect(body).not.toHaveProperty("temperature");
    const headers = harness.fakes.anthropic.scripts.received[0]!.headers;
    expect(headers.authorization).toBe("Bearer sk-ant-fake");
    expect(headers["anthropic-version"]).toBeTruthy();
  });

  test("Gemini receives a system instruction, inline images, functionCall and functionResponse", async () => {
    const { client } = await customer();
    await client.chat.completions.create({
      model: "m-google",
      messages: conversation,
      tools,
      tool_choice: "required",
      temperature: 0.3,
      max_completion_tokens: 77,
    });
    const received = harness.fakes.google.scripts.received[0]!;
    expect(received.path).toMatch(
      /^\/v1(beta)?\/models\/up-google:streamGenerateContent\?alt=sse$/,
    );
    expect(received.headers["x-goog-api-key"]).toBe("AIza-fake");
    expect(received.body).toMatchObject({
      systemInstruction: { parts: [{ text: "You are terse." }] },
      generationConfig: { maxOutputTokens: 77, temperature: 0.3 },
      toolConfig: { functionCallingConfig: { mode: "ANY" } },
      tools: [{ functionDeclarations: [{ name: "lookup", description: "Look things up" }] }],
      contents: [
        {
          role: "user",
          parts: [
            { text: "What is in this picture?" },
            { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          ],
        },
        { role: "model", parts: [{ functionCall: { name: "lookup", args: { q: "cat" } } }] },
        {
          role: "user",
          parts: [
            { functionResponse: { name: "lookup", response: { content: { answer: "a cat" } } } },
          ],
        },
      ],
    });
  });
});
