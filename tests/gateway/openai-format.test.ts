// The OpenAI-compatible endpoint and the seed's /completions, driven by the
// official openai client over HTTP, in front of the fake OpenAI server.
import OpenAI from "openai";
import { beforeAll, describe, expect, test } from "vitest";
import { costOfUsage } from "../../app/billing/prices.ts";
import { creditsToMicro, usdToMicro } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";

const { prisma, harness } = setupGatewayHarness({ resetFakes: true });
const PRICES = {
  input: usdToMicro("2.00"),
  cachedInput: usdToMicro("0.50"),
  cacheWrite: null,
  output: usdToMicro("8.00"),
};

beforeAll(async () => {
  await createCatalogEntry(prisma, {
    modelSlug: "gpt-test",
    upstreamModel: "gpt-test-upstream",
    usd: { input: "2.00", cachedInput: "0.50", output: "8.00" },
  });
});

async function customer(credits = 100, creditLimitCredits?: number) {
  const user = await createUser(prisma, { credits });
  const { apiKey, secret } = await createApiKey(prisma, user.id, { creditLimitCredits });
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  return { user, apiKey, secret, client };
}

async function conversationsOf(userId: string) {
  return prisma.conversation.findMany({ where: { userId }, orderBy: { id: "asc" } });
}

async function moneyOf(userId: string, apiKeyId: string) {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  const key = await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKeyId } });
  return {
    balance: user.balance,
    reserved: user.reserved,
    spent: key.spent,
    keyReserved: key.reserved,
  };
}

describe("POST /v1/chat/completions, streaming", () => {
  test("streams tokens as they arrive and bills exactly the reported usage", async () => {
    const { user, apiKey, client } = await customer();
    harness.fakes.openai.scripts.enqueue("gpt-test-upstream", {
      chunks: ["One", " two", " three", " four", " five"],
      chunkDelayMs: 60,
      usage: { input: 120, cached: 30, output: 5, reasoning: 2 },
    });
    const stream = await client.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "Count to five" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const received: { text: string; at: number }[] = [];
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta.content;
      if (text) received.push({ text, at: performance.now() });
      if (chunk.usage) usage = chunk.usage;
    }
    expect(received.map((r) => r.text).join("")).toBe("One two three four five");
    const upstreamDone = await harness.fakes.openai.scripts.received[0]!.closed;
    // Real streaming: the first token reached us well before the provider had finished.
    expect(received[0]!.at).toBeLessThan(upstreamDone.at - 150);
    expect(usage).toMatchObject({
      prompt_tokens: 150,
      completion_tokens: 5,
      prompt_tokens_details: { cached_tokens: 30 },
    });

    const [row] = await conversationsOf(user.id);
    const expectedCost = costOfUsage(
      {
        inputTokens: 120,
        cachedInputTokens: 30,
        cacheWriteTokens: 0,
        outputTokens: 5,
        reasoningTokens: 2,
      },
      PRICES,
    );
    expect(row).toMatchObject({
      status: "SUCCESS",
      usageSource: "REPORTED",
      inputTokens: 120,
      cachedInputTokens: 30,
      outputTokens: 5,
      reasoningTokens: 2,
      cost: expectedCost,
      finishReason: "stop",
      modelSlug: "gpt-test",
      providerSlug: "openai",
      upstreamModel: "gpt-test-upstream",
      stream: true,
    });
    expect(row!.timeToFirstTokenMs).toBeLessThan(row!.latencyMs);
    expect(await moneyOf(user.id, apiKey.id)).toEqual({
      balance: creditsToMicro(100) - expectedCost,
      reserved: 0n,
      spent: expectedCost,
      keyReserved: 0n,
    });
    const upstreamBody = harness.fakes.openai.scripts.received[0]!.body as Record<string, unknown>;
    expect(upstreamBody.model).toBe("gpt-test-upstream");
  });

  test("streams tool calls that the openai client assembles", async () => {
    const { client } = await customer();
    harness.fakes.openai.scripts.enqueue("gpt-test-upstream", {
      toolCalls: [
        { id: "call_abc", name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' },
      ],
    });
    const stream = client.chat.completions.stream({
      model: "gpt-test",
      messages: [{ role: "user", content: "Weather?" }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            parameters: { type: "object", properties: { city: { type: "string" } } },
          },
        },
      ],
      tool_choice: "auto",
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    expect(final.choices[0]!.message.tool_calls).toEqual([
      {
        id: "call_abc",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Paris","unit":"c"}' },
      },
    ]);
    const forwarded = harness.fakes.openai.scripts.received[0]!.body as {
      tools: unknown[];
      tool_choice: unknown;
    };
    expect(forwarded.tools).toHaveLength(1);
    expect(forwarded.tool_choice).toBe("auto");
  });

  test("without max tokens, caps the output at what the balance affords and says so", async () => {
    const { secret } = await customer(1);
    const response = await fetch(`${harness.baseUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-test",
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      }),
    });
    await response.text();
    const cap = Number(response.headers.get("x-gateway-max-tokens"));
    expect(cap).toBeGreaterThan(0);
    expect(cap).toBeLessThan(1250); // 1 credit at $8 per 1M output tokens
    expect(
      (harness.fakes.openai.scripts.received[0]!.body as { max_completion_tokens: number })
        .max_completion_tokens,
    ).toBe(cap);
  });
});

describe("POST /v1/chat/completions, non-streaming", () => {
  test("answers one JSON body the openai client parses, and bills it", async () => {
    const { user, client } = await customer();
    harness.fakes.openai.scripts.enqueue("gpt-test-upstream", {
      text: "Hello there!",
      usage: { input: 10, output: 3 },
    });
    const completion = await client.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "Hi" }],
      max_completion_tokens: 50,
    });
    expect(completion.choices[0]!.message.content).toBe("Hello there!");
    expect(completion.object).toBe("chat.completion");
    expect(completion.usage).toMatchObject({
      prompt_tokens: 10,
      completion_tokens: 3,
      total_tokens: 13,
    });
    const [row] = await conversationsOf(user.id);
    expect(row).toMatchObject({
      stream: false,
      status: "SUCCESS",
      cost: costOfUsage(
        {
          inputTokens: 10,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 3,
          reasoningTokens: 0,
        },
        PRICES,
      ),
    });
    expect(
      (harness.fakes.openai.scripts.received[0]!.body as { max_completion_tokens: number })
        .max_completion_tokens,
    ).toBe(50);
  });

  test("returns tool calls in the message", async () => {
    const { client } = await customer();
    harness.fakes.openai.scripts.enqueue("gpt-test-upstream", {
      toolCalls: [{ id: "call_1", name: "lookup", arguments: '{"q":1}' }],
    });
    const completion = await client.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "Look it up" }],
      tools: [{ type: "function", function: { name: "lookup" } }],
    });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: {
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":1}' } },
        ],
      },
    });
  });
});

describe("POST /completions (the seed's format)", () => {
  test.each(["/completions", "/api/completions"])(
    "%s streams data: {content} events and [DONE], key in the body",
    async (path) => {
      const { user, secret } = await customer();
      harness.fakes.openai.scripts.enqueue("gpt-test-upstream", {
        chunks: ["Hi", " you"],
        usage: { input: 4, output: 2 },
      });
      const response = await fetch(harness.baseUrl + path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "gpt-test",
          messages: [{ role: "user", content: "Hello" }],
          apiKey: secret,
        }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      expect(await response.text()).toBe(
        'data: {"content":"Hi"}\n\ndata: {"content":" you"}\n\ndata: [DONE]\n\n',
      );
      expect((await conversationsOf(user.id))[0]).toMatchObject({
        status: "SUCCESS",
        outputTokens: 2,
        endpoint: path,
      });
    },
  );
});

describe("refusals before any provider is called", () => {
  test("402 when the balance cannot cover the requested output, naming what it affords", async () => {
    const { client, user, apiKey } = await customer(1);
    const error = await client.chat.completions
      .create({
        model: "gpt-test",
        messages: [{ role: "user", content: "Hi" }],
        max_completion_tokens: 16_000,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 402, code: "insufficient_credits" });
    expect((error as Error).message).toMatch(
      /affords at most \d+ output tokens, 16000 were requested/,
    );
    expect(harness.fakes.openai.scripts.received).toHaveLength(0);
    expect(await moneyOf(user.id, apiKey.id)).toMatchObject({
      balance: creditsToMicro(1),
      reserved: 0n,
    });
  });

  test("403 with a different code when the key's limit is reached", async () => {
    const { client } = await customer(100, 1);
    const error = await client.chat.completions
      .create({
        model: "gpt-test",
        messages: [{ role: "user", content: "Hi" }],
        max_completion_tokens: 16_000,
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, code: "key_credit_limit_reached" });
    expect(harness.fakes.openai.scripts.received).toHaveLength(0);
  });

  test("401 for unknown, disabled and deleted keys", async () => {
    const { client, apiKey } = await customer();
    const unknown = new OpenAI({
      apiKey: "gw-nope",
      baseURL: `${harness.baseUrl}/v1`,
      maxRetries: 0,
    });
    const ask = (c: OpenAI) =>
      c.chat.completions
        .create({ model: "gpt-test", messages: [{ role: "user", content: "Hi" }] })
        .catch((e: unknown) => e);
    expect(await ask(unknown)).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect(await ask(client)).not.toBeInstanceOf(Error);
    await prisma.apiKey.update({ where: { id: apiKey.id }, data: { enabled: false } });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the notification crosses a connection
    expect(await ask(client)).toMatchObject({ status: 401 });
    await prisma.apiKey.update({
      where: { id: apiKey.id },
      data: { enabled: true, deletedAt: new Date() },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await ask(client)).toMatchObject({ status: 401 });
  });

  test("404 for an unknown model", async () => {
    const { client } = await customer();
    const error = await client.chat.completions
      .create({ model: "no-such-model", messages: [{ role: "user", content: "Hi" }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404, code: "model_not_found", param: "model" });
  });
});
