// Anthropic's Messages API in front of every provider: the official
// @anthropic-ai/sdk talks to the gateway, the gateway to the three fakes.
// Same key check, hold and settlement as chat completions.
import Anthropic from "@anthropic-ai/sdk";
import { beforeAll, describe, expect, test } from "vitest";
import { costOfUsage } from "../../app/billing/prices.ts";
import { THINKING_SIGNATURE } from "#scripts/fake-providers/anthropic.ts";
import { creditsToMicro } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import { setupGatewayHarness } from "../support/setup-gateway.ts";
import {
  CHUNKS,
  EXPECTED,
  FAKE_USAGE,
  PRICES,
  PROVIDERS,
  USD,
  type ProviderSlug,
} from "../support/three-providers.ts";

const { prisma, harness } = setupGatewayHarness({ checkLedger: true, resetFakes: true });

const WEATHER_TOOL = {
  name: "get_weather",
  description: "The weather in a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" } },
    required: ["city"],
  },
};

beforeAll(async () => {
  for (const provider of PROVIDERS) {
    await createCatalogEntry(prisma, {
      modelSlug: `msg-${provider}`,
      providerSlug: provider,
      upstreamModel: `msg-up-${provider}`,
      usd: USD,
    });
  }
});

async function customer(credits = 100, creditLimitCredits?: number) {
  const user = await createUser(prisma, { credits });
  const { apiKey, secret } = await createApiKey(prisma, user.id, { creditLimitCredits });
  const client = new Anthropic({ apiKey: secret, baseURL: harness.baseUrl, maxRetries: 0 });
  return { user, apiKey, secret, client };
}

const rowsOf = (userId: string) =>
  prisma.conversation.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });

async function expectCharged(userId: string, stream: boolean, provider: ProviderSlug) {
  const cost = costOfUsage(EXPECTED, PRICES);
  const [row, ...more] = await rowsOf(userId);
  expect(more).toEqual([]);
  expect(row).toMatchObject({
    status: "SUCCESS",
    usageSource: "REPORTED",
    endpoint: "/v1/messages",
    providerSlug: provider,
    stream,
    inputTokens: 40,
    cachedInputTokens: 8,
    outputTokens: 4,
    cost,
  });
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  expect({ balance: user.balance, reserved: user.reserved }).toEqual({
    balance: creditsToMicro(100) - cost,
    reserved: 0n,
  });
}

describe.each(PROVIDERS)("served by %s", (provider) => {
  const fake = () => harness.fakes[provider];
  const model = `msg-${provider}`;

  test("messages.create: the message object, Anthropic's usage, the exact charge", async () => {
    const who = await customer();
    fake().scripts.enqueue(`msg-up-${provider}`, { chunks: CHUNKS, usage: FAKE_USAGE });
    const message = await who.client.messages.create({
      model,
      max_tokens: 100,
      system: [{ type: "text", text: "Be brief." }],
      messages: [{ role: "user", content: "Say four words" }],
    });
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text: CHUNKS.join("") }],
      stop_reason: "end_turn",
      usage: { input_tokens: 40, cache_read_input_tokens: 8, output_tokens: 4 },
    });
    expect(message.id).toMatch(/^msg_/);
    await expectCharged(who.user.id, false, provider);
  });

  test("messages.stream: text arrives in pieces, finalMessage has the provider's usage", async () => {
    const who = await customer();
    fake().scripts.enqueue(`msg-up-${provider}`, {
      chunks: CHUNKS,
      chunkDelayMs: 60,
      usage: FAKE_USAGE,
    });
    const stream = who.client.messages.stream({
      model,
      max_tokens: 100,
      messages: [{ role: "user", content: "Say four words" }],
    });
    const pieces: string[] = [];
    stream.on("text", (delta) => pieces.push(delta));
    const message = await stream.finalMessage();
    expect(pieces).toEqual(CHUNKS);
    expect(message.content).toMatchObject([{ type: "text", text: CHUNKS.join("") }]);
    expect(message.stop_reason).toBe("end_turn");
    // message_start carried an estimate; message_delta's counts replaced it, not added to it.
    expect(message.usage).toMatchObject({
      input_tokens: 40,
      cache_read_input_tokens: 8,
      output_tokens: 4,
    });
    await expectCharged(who.user.id, true, provider);
  });

  test("a tool round trip: tool_use in the answer, tool_result in the next turn", async () => {
    const who = await customer();
    fake().scripts.enqueue(`msg-up-${provider}`, {
      toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
    });
    const first = await who.client.messages
      .stream({
        model,
        max_tokens: 200,
        tools: [WEATHER_TOOL],
        tool_choice: { type: "auto" },
        messages: [{ role: "user", content: "Weather in Paris?" }],
      })
      .finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    const toolUse = first.content.find((block) => block.type === "tool_use")!;
    expect(toolUse).toMatchObject({ name: "get_weather", input: { city: "Paris" } });

    fake().scripts.enqueue(`msg-up-${provider}`, { text: "Sunny, 21 degrees." });
    const second = await who.client.messages.create({
      model,
      max_tokens: 200,
      tools: [WEATHER_TOOL],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "21 C, sunny" }],
        },
      ],
    });
    expect(second.content).toEqual([{ type: "text", text: "Sunny, 21 degrees." }]);
    // The provider got the result of its call in its own wire format.
    const upstream = JSON.stringify(fake().scripts.received.at(-1)!.body);
    expect(upstream).toContain("21 C, sunny");
    expect(upstream).toContain("get_weather");
    const rows = await rowsOf(who.user.id);
    expect(rows.map((row) => [row.status, row.finishReason])).toEqual([
      ["SUCCESS", "tool_calls"],
      ["SUCCESS", "stop"],
    ]);
  });
});

describe("Claude models get the request as it came", () => {
  test("thinking, cache_control and anthropic-beta reach Claude; thinking comes back, billed", async () => {
    const who = await customer();
    harness.fakes.anthropic.scripts.enqueue("msg-up-anthropic", {
      thinking: "The user wants four words.",
      chunks: CHUNKS,
      usage: { input: 40, cached: 8, cacheWrite: 30, output: 12 },
    });
    const stream = who.client.messages.stream(
      {
        model: "msg-anthropic",
        max_tokens: 2000,
        thinking: { type: "enabled", budget_tokens: 1024 },
        system: [
          {
            type: "text",
            text: "A long, cached system prompt.",
            cache_control: { type: "ephemeral" },
          },
        ],
        messages: [{ role: "user", content: "Say four words" }],
      },
      { headers: { "anthropic-beta": "interleaved-thinking-2025-05-14" } },
    );
    const thoughts: string[] = [];
    stream.on("thinking", (delta) => thoughts.push(delta));
    const message = await stream.finalMessage();
    expect(thoughts).toEqual(["The user wants four words."]);
    expect(message.content).toMatchObject([
      { type: "thinking", thinking: "The user wants four words.", signature: THINKING_SIGNATURE },
      { type: "text", text: CHUNKS.join("") },
    ]);
    expect(message.usage).toMatchObject({
      input_tokens: 40,
      cache_read_input_tokens: 8,
      cache_creation_input_tokens: 30,
      output_tokens: 12,
    });
    const upstream = harness.fakes.anthropic.scripts.received.at(-1)!;
    expect(upstream.headers["anthropic-beta"]).toBe("interleaved-thinking-2025-05-14");
    expect(upstream.body).toMatchObject({
      model: "msg-up-anthropic",
      max_tokens: 2000,
      thinking: { type: "enabled", budget_tokens: 1024 },
      system: [{ cache_control: { type: "ephemeral" } }],
    });
    const [row] = await rowsOf(who.user.id);
    expect(row).toMatchObject({ cacheWriteTokens: 30, cachedInputTokens: 8, outputTokens: 12 });
  });

  test("the non-streaming answer carries the thinking block too", async () => {
    const who = await customer();
    harness.fakes.anthropic.scripts.enqueue("msg-up-anthropic", {
      thinking: "Short.",
      text: "Done.",
    });
    const message = await who.client.messages.create({
      model: "msg-anthropic",
      max_tokens: 2000,
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(message.content).toEqual([
      { type: "thinking", thinking: "Short.", signature: THINKING_SIGNATURE },
      { type: "text", text: "Done." },
    ]);
  });

  test("other providers get the translated request, without Claude's fields", async () => {
    const who = await customer();
    await who.client.messages.create({
      model: "msg-openai",
      max_tokens: 100,
      thinking: { type: "enabled", budget_tokens: 50 },
      messages: [{ role: "user", content: "Hi" }],
    });
    const upstream = harness.fakes.openai.scripts.received.at(-1)!.body as Record<string, unknown>;
    expect(upstream).not.toHaveProperty("thinking");
    expect(upstream).toMatchObject({ messages: [{ role: "user", content: "Hi" }] });
  });
});

describe("Claude Code's requests", () => {
  // What Claude Code sends (its gateway protocol reference): ?beta=true, betas,
  // fields newer than the canonical request, and Anthropic's web search tool.
  const claudeCodeBody = (model: string) => ({
    model,
    max_tokens: 32_000,
    stream: true,
    system: [
      { type: "text", text: "You are Claude Code." },
      { type: "text", text: "Long instructions.", cache_control: { type: "ephemeral", ttl: "1h" } },
    ],
    messages: [{ role: "user", content: [{ type: "text", text: "What changed in Node 24?" }] }],
    tools: [
      { ...WEATHER_TOOL, cache_control: { type: "ephemeral" } },
      { type: "web_search_20250305", name: "web_search", max_uses: 5 },
    ],
    thinking: { type: "adaptive" },
    output_config: { effort: "high" },
    context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
    metadata: { user_id: JSON.stringify({ device_id: "d1", session_id: "s1" }) },
  });
  const send = (secret: string, body: unknown) =>
    fetch(`${harness.baseUrl}/v1/messages?beta=true`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${secret}`,
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "claude-code-20250219,context-management-2025-06-27",
      },
      body: JSON.stringify(body),
    });

  test("Claude gets every field but the server tool, which the answer names", async () => {
    const who = await customer();
    const response = await send(who.secret, claudeCodeBody("msg-anthropic"));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-gateway-ignored-tools")).toBe("web_search_20250305");
    expect(await response.text()).toContain("event: message_stop");
    const upstream = harness.fakes.anthropic.scripts.received.at(-1)!;
    expect(upstream.headers["anthropic-beta"]).toBe(
      "claude-code-20250219,context-management-2025-06-27",
    );
    const body = upstream.body as Record<string, unknown>;
    expect(body).toMatchObject({
      thinking: { type: "adaptive" },
      output_config: { effort: "high" },
      context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
      system: [{}, { cache_control: { type: "ephemeral", ttl: "1h" } }],
    });
    expect(body.tools).toEqual([{ ...WEATHER_TOOL, cache_control: { type: "ephemeral" } }]);
  });

  test.each(["msg-openai", "msg-google"])(
    "%s answers it translated, without the server tool",
    async (model) => {
      const who = await customer();
      const response = await send(who.secret, claudeCodeBody(model));
      expect(response.status).toBe(200);
      expect(response.headers.get("x-gateway-ignored-tools")).toBe("web_search_20250305");
      expect(await response.text()).toContain("event: message_stop");
      const fake = model === "msg-openai" ? harness.fakes.openai : harness.fakes.google;
      const upstream = JSON.stringify(fake.scripts.received.at(-1)!.body);
      expect(upstream).toContain("get_weather");
      expect(upstream).not.toContain("web_search");
      const [row] = await rowsOf(who.user.id);
      expect(row!.status).toBe("SUCCESS");
    },
  );

  test("max_tokens above the model's is lowered to it, not refused", async () => {
    const who = await customer();
    const response = await send(who.secret, {
      ...claudeCodeBody("msg-anthropic"),
      max_tokens: 128_000,
    });
    expect(response.status).toBe(200);
    await response.text();
    const upstream = harness.fakes.anthropic.scripts.received.at(-1)!.body;
    expect(upstream).toMatchObject({ max_tokens: 16_384 });
  });

  test.each(PROVIDERS)(
    "%s's context-window error says 'prompt is too long', so Claude Code compacts",
    async (provider) => {
      const who = await customer();
      harness.fakes[provider].scripts.enqueue(`msg-up-${provider}`, { contextOverflow: true });
      const error = await who.client.messages
        .create({
          model: `msg-${provider}`,
          max_tokens: 100,
          messages: [{ role: "user", content: "Hi" }],
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
        type: "error",
        error: {
          type: "invalid_request_error",
          message: expect.stringMatching(/^prompt is too long: /),
        },
      });
      const [row] = await rowsOf(who.user.id);
      expect(row).toMatchObject({
        status: "ERROR",
        errorCode: "context_length_exceeded",
        cost: 0n,
      });
    },
  );

  test("tool_choice naming a server tool, or an Anthropic-defined client tool: 400 before any call", async () => {
    const who = await customer();
    const forced = await send(who.secret, {
      ...claudeCodeBody("msg-anthropic"),
      tool_choice: { type: "tool", name: "web_search" },
    });
    expect(forced.status).toBe(400);
    expect(await forced.json()).toMatchObject({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: expect.stringMatching(/^tool_choice\.name: 'web_search'/),
      },
    });
    const bash = await send(who.secret, {
      ...claudeCodeBody("msg-anthropic"),
      tools: [{ type: "bash_20250124", name: "bash" }],
    });
    expect(bash.status).toBe(400);
    expect(((await bash.json()) as { error: { message: string } }).error.message).toMatch(
      /^tools\[0\]\.type: .*Anthropic-defined client tools/,
    );
    for (const fake of Object.values(harness.fakes)) expect(fake.scripts.received).toEqual([]);
  });
});

test("a dated snapshot id, as Claude Code sends, finds its catalog model", async () => {
  const who = await customer();
  const message = await who.client.messages.create({
    model: "msg-anthropic-20251001",
    max_tokens: 50,
    messages: [{ role: "user", content: "Hi" }],
  });
  expect(message.model).toBe("msg-anthropic");
  const [row] = await rowsOf(who.user.id);
  expect(row!.modelSlug).toBe("msg-anthropic");
});

describe("the event sequence", () => {
  test("message_start, one block per text and tool call, message_delta, message_stop", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("msg-up-openai", {
      chunks: ["Let me ", "check."],
      toolCalls: [{ id: "call_9", name: "get_weather", arguments: '{"city":"Oslo"}' }],
      usage: FAKE_USAGE,
    });
    const response = await fetch(`${harness.baseUrl}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": who.secret },
      body: JSON.stringify({
        model: "msg-openai",
        max_tokens: 100,
        stream: true,
        tools: [WEATHER_TOOL],
        messages: [{ role: "user", content: "Weather in Oslo?" }],
      }),
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = (await response.text())
      .split("\n\n")
      .filter(Boolean)
      .map((block) => {
        const [eventLine, dataLine] = block.split("\n");
        const data = JSON.parse(dataLine!.slice("data: ".length)) as { type: string };
        expect(eventLine).toBe(`event: ${data.type}`);
        return data as Record<string, unknown> & { type: string };
      });
    const summary = events.flatMap((event, i) => {
      // The provider streams arguments in as many pieces as it likes: one line for a run of them.
      const previous = events[i - 1] as { type: string; index?: unknown } | undefined;
      if (
        event.type === "content_block_delta" &&
        previous?.type === event.type &&
        previous.index === event.index &&
        (event.delta as { type: string }).type === "input_json_delta"
      )
        return [];
      const block = event.content_block as { type: string } | undefined;
      const delta = event.delta as { type?: string; stop_reason?: string } | undefined;
      if (event.type === "content_block_start") return [`start ${event.index} ${block!.type}`];
      if (event.type === "content_block_delta") return [`delta ${event.index} ${delta!.type}`];
      if (event.type === "content_block_stop") return [`stop ${event.index}`];
      if (event.type === "message_delta") return [`message_delta ${delta!.stop_reason}`];
      return [event.type];
    });
    expect(summary).toEqual([
      "message_start",
      "start 0 text",
      "delta 0 text_delta",
      "delta 0 text_delta",
      "stop 0",
      "start 1 tool_use",
      "delta 1 input_json_delta",
      "stop 1",
      "message_delta tool_use",
      "message_stop",
    ]);
    // Claude Code adds up all four counts of message_start for its context meter.
    const start = events[0]!.message as { usage: Record<string, number> };
    expect(start.usage.input_tokens).toBeGreaterThan(0);
    expect(start.usage).toMatchObject({
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 0,
    });
    expect(events.at(-2)!.usage).toMatchObject({ input_tokens: 40, output_tokens: 4 });
  });

  test("a provider failing mid-stream: an error event, a clean end, billed for what came", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("msg-up-openai", {
      chunks: CHUNKS,
      cutAfterChunks: 2,
    });
    const stream = who.client.messages.stream({
      model: "msg-openai",
      max_tokens: 100,
      messages: [{ role: "user", content: "Hi" }],
    });
    const pieces: string[] = [];
    stream.on("text", (delta) => pieces.push(delta));
    const failure = await stream.finalMessage().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect(pieces).toEqual(CHUNKS.slice(0, 2));
    const [row] = await rowsOf(who.user.id);
    expect(row).toMatchObject({ status: "ERROR", usageSource: "ESTIMATED" });
    expect(row!.outputTokens).toBeGreaterThan(0);
    expect(row!.cost).toBeGreaterThan(0n);
  });

  test("a client that leaves mid-stream is billed for what was produced", async () => {
    const who = await customer();
    harness.fakes.google.scripts.enqueue("msg-up-google", {
      chunks: ["one ", "two ", "three ", "four ", "five"],
      chunkDelayMs: 100,
    });
    const stream = who.client.messages.stream({
      model: "msg-google",
      max_tokens: 100,
      messages: [{ role: "user", content: "Count" }],
    });
    await new Promise<void>((resolve) =>
      stream.on("text", (_delta, snapshot) => {
        if (snapshot.length >= 8) resolve();
      }),
    );
    const ended = stream.done().catch((error: unknown) => error);
    stream.abort();
    expect(await ended).toBeInstanceOf(Anthropic.APIUserAbortError);
    await expect.poll(async () => (await rowsOf(who.user.id))[0]?.status).toBe("CANCELLED");
    const [row] = await rowsOf(who.user.id);
    expect(row!.outputTokens).toBeGreaterThan(0);
    // The hold goes back just after the settlement, which a client that left does not wait for.
    await expect
      .poll(
        async () => (await prisma.user.findUniqueOrThrow({ where: { id: who.user.id } })).reserved,
      )
      .toBe(0n);
  });
});

describe("refusals come before any provider call, in Anthropic's error shape", () => {
  const call = (client: Anthropic, model = "msg-openai", max_tokens = 100) =>
    client.messages.create({ model, max_tokens, messages: [{ role: "user", content: "Hi" }] }).then(
      () => undefined,
      (error: unknown) => error as InstanceType<typeof Anthropic.APIError>,
    );

  test.each([
    ["a wrong key", 401, "authentication_error"],
    ["no credits", 402, "billing_error"],
    ["a key over its limit", 403, "permission_error"],
    ["an unknown model", 404, "not_found_error"],
  ])("%s -> %i %s", async (what, status, type) => {
    const who = await customer(what === "no credits" ? 0 : 100, 1);
    const client =
      what === "a wrong key"
        ? new Anthropic({ apiKey: "gw-wrong", baseURL: harness.baseUrl, maxRetries: 0 })
        : who.client;
    // 5,000 output tokens at US$15 per million cost 7.5 credits: over the key's limit of 1.
    const error = await call(
      client,
      what === "an unknown model" ? "no-such-model" : "msg-openai",
      what === "a key over its limit" ? 5000 : 100,
    );
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error!.status).toBe(status);
    expect(error!.type).toBe(type);
    expect(harness.fakes.openai.scripts.received).toEqual([]);
  });

  test("x-api-key and Authorization: Bearer are both accepted", async () => {
    const who = await customer();
    const send = (headers: Record<string, string>) =>
      fetch(`${harness.baseUrl}/v1/messages`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "anthropic-version": "2023-06-01",
          ...headers,
        },
        body: JSON.stringify({
          model: "msg-openai",
          max_tokens: 10,
          messages: [{ role: "user", content: "Hi" }],
        }),
      });
    expect((await send({ "x-api-key": who.secret })).status).toBe(200);
    expect((await send({ authorization: `Bearer ${who.secret}` })).status).toBe(200);
    const none = await send({});
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({
      type: "error",
      error: { type: "authentication_error", message: expect.stringContaining("x-api-key") },
    });
  });
});

describe("count_tokens", () => {
  test("counts locally: no provider call, no charge, any catalog model", async () => {
    const who = await customer();
    const short = await who.client.messages.countTokens({
      model: "msg-google",
      messages: [{ role: "user", content: "Hi" }],
    });
    const long = await who.client.messages.countTokens({
      model: "msg-anthropic",
      system: "You answer questions about the weather.",
      tools: [WEATHER_TOOL],
      messages: [{ role: "user", content: "What is the weather like in Paris today? ".repeat(20) }],
    });
    expect(short.input_tokens).toBeGreaterThan(0);
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens * 20);
    for (const fake of Object.values(harness.fakes)) expect(fake.scripts.received).toEqual([]);
    expect(await rowsOf(who.user.id)).toEqual([]);
  });

  test("needs a valid key and a known model", async () => {
    const who = await customer();
    const wrongKey = new Anthropic({ apiKey: "gw-nope", baseURL: harness.baseUrl, maxRetries: 0 });
    const count = (client: Anthropic, model: string) =>
      client.messages.countTokens({ model, messages: [{ role: "user", content: "Hi" }] }).then(
        () => undefined,
        (error: unknown) => (error as { status: number }).status,
      );
    expect(await count(wrongKey, "msg-openai")).toBe(401);
    expect(await count(who.client, "no-such-model")).toBe(404);
  });
});
