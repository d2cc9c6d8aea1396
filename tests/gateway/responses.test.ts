// OpenAI's Responses API in front of every provider: the official openai SDK
// talks to the gateway, the gateway to the three fakes. Same key check, hold
// and settlement as chat completions; every answer and event checked against
// OpenAI's own schemas (tests/fixtures/openai-responses-embeddings-schemas.json).
import OpenAI from "openai";
import { beforeAll, describe, expect, test } from "vitest";
import { costOfUsage } from "../../app/billing/prices.ts";
import { deleteExpiredResponses } from "../../app/gateway/services/response-store.server.ts";
import { creditsToMicro, microToCredits, microToUsd } from "../../app/utils/money.ts";
import { createApiKey, createCatalogEntry, createUser } from "../support/factories.ts";
import {
  openAIResponsesSchemaValidator as validator,
  validResponsesEvent as validEvent,
} from "../support/openai-schema-validator.ts";
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

const validResponse = validator("Response");

const { prisma, harness } = setupGatewayHarness({ checkLedger: true, resetFakes: true });

const COST = costOfUsage(EXPECTED, PRICES);
const WEATHER_TOOL = {
  type: "function" as const,
  name: "get_weather",
  description: "The weather in a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
  strict: true,
};

beforeAll(async () => {
  for (const provider of PROVIDERS) {
    await createCatalogEntry(prisma, {
      modelSlug: `resp-${provider}`,
      providerSlug: provider,
      upstreamModel: `resp-up-${provider}`,
      usd: USD,
    });
  }
});

async function customer(credits = 100, creditLimitCredits?: number) {
  const user = await createUser(prisma, { credits });
  const { apiKey, secret } = await createApiKey(prisma, user.id, { creditLimitCredits });
  const client = new OpenAI({ apiKey: secret, baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 });
  return { user, apiKey, secret, client };
}

const rowsOf = (userId: string) =>
  prisma.conversation.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });

async function expectCharged(userId: string, stream: boolean, provider: ProviderSlug) {
  const [row, ...more] = await rowsOf(userId);
  expect(more).toEqual([]);
  expect(row).toMatchObject({
    status: "SUCCESS",
    usageSource: "REPORTED",
    endpoint: "/v1/responses",
    providerSlug: provider,
    stream,
    inputTokens: 40,
    cachedInputTokens: 8,
    outputTokens: 4,
    cost: COST,
  });
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  expect({ balance: user.balance, reserved: user.reserved }).toEqual({
    balance: creditsToMicro(100) - COST,
    reserved: 0n,
  });
}

const EXPECTED_USAGE = {
  input_tokens: 48,
  input_tokens_details: { cached_tokens: 8, cache_write_tokens: 0 },
  output_tokens: 4,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 52,
  cost: microToUsd(COST),
  cost_credits: microToCredits(COST),
};

/** The raw event stream of a request, each event checked for its `event:` line. */
async function rawEvents(secret: string, body: Record<string, unknown>) {
  const response = await fetch(`${harness.baseUrl}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    body: JSON.stringify({ stream: true, ...body }),
  });
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  return (await response.text())
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      const data = JSON.parse(dataLine!.slice("data: ".length)) as Record<string, unknown> & {
        type: string;
        sequence_number: number;
      };
      expect(eventLine).toBe(`event: ${data.type}`);
      return data;
    });
}

describe.each(PROVIDERS)("served by %s", (provider) => {
  const fake = () => harness.fakes[provider];
  const model = `resp-${provider}`;

  test("responses.create: the response object, output_text, usage with cost, the exact charge", async () => {
    const who = await customer();
    fake().scripts.enqueue(`resp-up-${provider}`, { chunks: CHUNKS, usage: FAKE_USAGE });
    const response = await who.client.responses.create({
      model,
      instructions: "Be brief.",
      input: "Say four words",
      store: false,
      metadata: { ticket: "42" },
    });
    expect(validResponse(response)).toBe("valid");
    expect(response).toMatchObject({
      object: "response",
      status: "completed",
      model,
      instructions: "Be brief.",
      metadata: { ticket: "42" },
      store: false,
      output: [
        {
          type: "message",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: CHUNKS.join("") }],
        },
      ],
      usage: EXPECTED_USAGE,
    });
    expect(response.output_text).toBe(CHUNKS.join(""));
    expect(response.id).toMatch(/^resp_/);
    expect(response.output[0]!.id).toMatch(/^msg_/);
    // The instructions travelled as the system prompt, in the provider's own format.
    expect(JSON.stringify(fake().scripts.received.at(-1)!.body)).toContain("Be brief.");
    await expectCharged(who.user.id, false, provider);
  });

  test("responses.stream: text in pieces, finalResponse with the provider's usage", async () => {
    const who = await customer();
    fake().scripts.enqueue(`resp-up-${provider}`, {
      chunks: CHUNKS,
      chunkDelayMs: 40,
      usage: FAKE_USAGE,
    });
    const stream = who.client.responses.stream({ model, input: "Say four words", store: false });
    const pieces: string[] = [];
    stream.on("response.output_text.delta", (event) => pieces.push(event.delta));
    const response = await stream.finalResponse();
    expect(pieces).toEqual(CHUNKS);
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe(CHUNKS.join(""));
    expect(response.usage).toMatchObject(EXPECTED_USAGE);
    await expectCharged(who.user.id, true, provider);
  });

  test("a function-call round trip: function_call out, function_call_output in", async () => {
    const who = await customer();
    fake().scripts.enqueue(`resp-up-${provider}`, {
      toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
    });
    const input: OpenAI.Responses.ResponseInputItem[] = [
      { role: "user", content: "Weather in Paris?" },
    ];
    const first = await who.client.responses
      .stream({ model, input, tools: [WEATHER_TOOL], tool_choice: "auto", store: false })
      .finalResponse();
    const call = first.output.find((item) => item.type === "function_call")!;
    expect(call).toMatchObject({
      type: "function_call",
      // Gemini has no call ids: its adapter makes them up.
      call_id: provider === "google" ? expect.stringMatching(/^call_/) : "call_1",
      name: "get_weather",
      arguments: '{"city":"Paris"}',
      status: "completed",
    });
    expect(call.id).toMatch(/^fc_/);

    fake().scripts.enqueue(`resp-up-${provider}`, { text: "Sunny, 21 degrees." });
    const second = await who.client.responses.create({
      model,
      tools: [WEATHER_TOOL],
      store: false,
      input: [
        ...input,
        // What the Agents SDK does: the answer's items go back as they came.
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: "function_call_output", call_id: call.call_id, output: "21 C, sunny" },
      ],
    });
    expect(second.output_text).toBe("Sunny, 21 degrees.");
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

describe("the event sequence", () => {
  test("created, in_progress, one item per text and tool call, all done, completed", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("resp-up-openai", {
      chunks: ["Let me ", "check."],
      toolCalls: [{ id: "call_9", name: "get_weather", arguments: '{"city":"Oslo"}' }],
      usage: FAKE_USAGE,
    });
    const events = await rawEvents(who.secret, {
      model: "resp-openai",
      input: "Weather in Oslo?",
      tools: [WEATHER_TOOL],
    });
    for (const event of events) expect(validEvent(event)).toBe("valid");
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, i) => i));
    const summary = events.flatMap((event, i) => {
      // The provider streams arguments in as many pieces as it likes: one line for a run of them.
      if (event.type === events[i - 1]?.type && event.type.endsWith(".delta")) return [];
      return [
        event.output_index === undefined ? event.type : `${event.type} ${event.output_index}`,
      ];
    });
    expect(summary).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added 0",
      "response.content_part.added 0",
      "response.output_text.delta 0",
      "response.output_item.added 1",
      "response.function_call_arguments.delta 1",
      "response.output_text.done 0",
      "response.content_part.done 0",
      "response.output_item.done 0",
      "response.function_call_arguments.done 1",
      "response.output_item.done 1",
      "response.completed",
    ]);
    const completed = events.at(-1)!.response as Record<string, unknown>;
    expect(completed).toMatchObject({
      status: "completed",
      usage: EXPECTED_USAGE,
      output: [
        { type: "message", content: [{ text: "Let me check." }] },
        { type: "function_call", call_id: "call_9", arguments: '{"city":"Oslo"}' },
      ],
    });
  });

  test("cut at max_output_tokens: response.incomplete, items incomplete", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("resp-up-openai", {
      chunks: ["Once ", "upon"],
      finishReason: "length",
    });
    const events = await rawEvents(who.secret, {
      model: "resp-openai",
      input: "A story",
      max_output_tokens: 2,
    });
    for (const event of events) expect(validEvent(event)).toBe("valid");
    expect(events.at(-1)).toMatchObject({
      type: "response.incomplete",
      response: {
        status: "incomplete",
        incomplete_details: { reason: "max_output_tokens" },
        max_output_tokens: 2,
        output: [{ status: "incomplete", content: [{ text: "Once upon" }] }],
      },
    });
    harness.fakes.openai.scripts.enqueue("resp-up-openai", {
      chunks: ["Once ", "upon"],
      finishReason: "length",
    });
    const json = await who.client.responses.create({
      model: "resp-openai",
      input: "A story",
      max_output_tokens: 2,
    });
    expect(validResponse(json)).toBe("valid");
    expect(json).toMatchObject({ status: "incomplete", output_text: "Once upon" });
  });

  test("json_schema text format and settings reach the provider and come back", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("resp-up-openai", { text: '{"a":1}' });
    const format = {
      type: "json_schema" as const,
      name: "thing",
      schema: { type: "object", properties: { a: { type: "number" } } },
      strict: true,
    };
    const response = await who.client.responses.create({
      model: "resp-openai",
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is this?" },
            { type: "input_image", image_url: "https://example.com/cat.png", detail: "low" },
          ],
        },
      ],
      text: { format },
      reasoning: { effort: "low" },
      temperature: 0.5,
      top_p: 0.9,
      parallel_tool_calls: false,
      tools: [WEATHER_TOOL],
      tool_choice: { type: "function", name: "get_weather" },
    });
    expect(validResponse(response)).toBe("valid");
    expect(response).toMatchObject({
      text: { format },
      temperature: 0.5,
      top_p: 0.9,
      parallel_tool_calls: false,
      reasoning: { effort: "low" },
      tool_choice: { type: "function", name: "get_weather" },
      tools: [WEATHER_TOOL],
    });
    const upstream = harness.fakes.openai.scripts.received.at(-1)!.body as Record<string, unknown>;
    expect(upstream).toMatchObject({
      temperature: 0.5,
      top_p: 0.9,
      parallel_tool_calls: false,
      response_format: { type: "json_schema", json_schema: { name: "thing", strict: true } },
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    expect(JSON.stringify(upstream.messages)).toContain("https://example.com/cat.png");
  });

  test("a provider failing mid-stream: response.failed and an error event, billed for what came", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("resp-up-openai", { chunks: CHUNKS, cutAfterChunks: 2 });
    const events = await rawEvents(who.secret, { model: "resp-openai", input: "Hi" });
    for (const event of events) expect(validEvent(event)).toBe("valid");
    expect(events.slice(-2).map((event) => event.type)).toEqual(["response.failed", "error"]);
    expect(events.at(-2)).toMatchObject({
      response: { status: "failed", error: { code: "server_error" } },
    });

    harness.fakes.openai.scripts.enqueue("resp-up-openai", { chunks: CHUNKS, cutAfterChunks: 2 });
    const stream = who.client.responses.stream({ model: "resp-openai", input: "Hi" });
    const pieces: string[] = [];
    stream.on("response.output_text.delta", (event) => pieces.push(event.delta));
    const failure = await stream.finalResponse().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(pieces).toEqual(CHUNKS.slice(0, 2));
    const rows = await rowsOf(who.user.id);
    expect(rows.map((row) => row.status)).toEqual(["ERROR", "ERROR"]);
    for (const row of rows) {
      expect(row.usageSource).toBe("ESTIMATED");
      expect(row.outputTokens).toBeGreaterThan(0);
      expect(row.cost).toBeGreaterThan(0n);
    }
  });

  test("a client that leaves mid-stream is billed for what was produced", async () => {
    const who = await customer();
    harness.fakes.google.scripts.enqueue("resp-up-google", {
      chunks: ["one ", "two ", "three ", "four ", "five"],
      chunkDelayMs: 100,
    });
    const stream = who.client.responses.stream({ model: "resp-google", input: "Count" });
    await new Promise<void>((resolve) =>
      stream.on("response.output_text.delta", (event) => {
        if (event.snapshot.length >= 8) resolve();
      }),
    );
    const ended = stream.done().catch((error: unknown) => error);
    stream.abort();
    expect(await ended).toBeInstanceOf(OpenAI.APIUserAbortError);
    await expect.poll(async () => (await rowsOf(who.user.id))[0]?.status).toBe("CANCELLED");
    const [row] = await rowsOf(who.user.id);
    expect(row!.outputTokens).toBeGreaterThan(0);
    expect(row!.cost).toBeGreaterThan(0n);
    // The hold goes back just after the settlement, which a client that left does not wait for.
    await expect
      .poll(
        async () => (await prisma.user.findUniqueOrThrow({ where: { id: who.user.id } })).reserved,
      )
      .toBe(0n);
    // A cancelled response is not kept for continuation.
    expect(await prisma.storedResponse.count({ where: { userId: who.user.id } })).toBe(0);
  });
});

describe("Codex's requests", () => {
  // What the Codex CLI sends (codex-rs ResponsesApiRequest): the whole history
  // each turn, store: false, reasoning: null for models it does not know, its
  // freeform apply_patch tool and OpenAI's web_search tool.
  const PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+Hello\n*** End Patch";
  const APPLY_PATCH = {
    type: "custom",
    name: "apply_patch",
    description: "Use the `apply_patch` tool to edit files. This is a FREEFORM tool.",
    format: { type: "grammar", syntax: "lark", definition: 'start: "*** Begin Patch" /(.|\\n)*/' },
  };
  const codexBody = (model: string) => ({
    model,
    instructions: "You are Codex.",
    input: [
      {
        type: "message",
        role: "developer",
        content: [{ type: "input_text", text: "Sandbox: workspace-write." }],
      },
      {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "Create hello.txt" }],
      },
      { type: "reasoning", summary: [], content: null, encrypted_content: null },
      { type: "custom_tool_call", call_id: "call_a", name: "apply_patch", input: PATCH },
      {
        type: "custom_tool_call_output",
        call_id: "call_a",
        output: "Success. Updated: A hello.txt",
      },
      {
        type: "function_call",
        call_id: "call_b",
        name: "exec_command",
        arguments: '{"cmd":"cat hello.txt"}',
      },
      {
        type: "function_call_output",
        call_id: "call_b",
        output: [{ type: "input_text", text: "Hello" }],
      },
      { type: "message", role: "user", content: [{ type: "input_text", text: "Now add a line" }] },
    ],
    tools: [
      {
        type: "function",
        name: "exec_command",
        description: "Runs a command",
        strict: false,
        parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] },
      },
      APPLY_PATCH,
      { type: "web_search", external_web_access: false },
    ],
    tool_choice: "auto",
    parallel_tool_calls: false,
    reasoning: null,
    store: false,
    stream: true,
    include: [],
    prompt_cache_key: "0199a6f2-7c1e-7d10-9c1f-3f6a2b4c5d6e",
  });
  const PATCH_CALL = {
    id: "call_c",
    name: "apply_patch",
    arguments: JSON.stringify({ input: PATCH }),
  };

  test.each(PROVIDERS)(
    "served by %s: the freeform call comes back as custom_tool_call",
    async (provider) => {
      const who = await customer();
      const fake = harness.fakes[provider];
      fake.scripts.enqueue(`resp-up-${provider}`, { toolCalls: [PATCH_CALL], usage: FAKE_USAGE });
      const response = await fetch(`${harness.baseUrl}/v1/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${who.secret}` },
        body: JSON.stringify(codexBody(`resp-${provider}`)),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-gateway-ignored-tools")).toBe("web_search");
      const events = (await response.text())
        .split("\n\n")
        .filter(Boolean)
        .map(
          (block) =>
            JSON.parse(block.split("\n")[1]!.slice("data: ".length)) as { type: string } & Record<
              string,
              unknown
            >,
        );
      for (const event of events) expect(validEvent(event)).toBe("valid");
      expect(events.map((event) => event.type)).toEqual([
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.custom_tool_call_input.delta",
        "response.custom_tool_call_input.done",
        "response.output_item.done",
        "response.completed",
      ]);
      // Gemini's calls have no ids: the gateway gives them one.
      const item = {
        type: "custom_tool_call",
        call_id: provider === "google" ? expect.stringMatching(/^call_\w+$/) : "call_c",
        name: "apply_patch",
        input: PATCH,
      };
      expect(events[5]!.item).toMatchObject(item);
      expect(events.at(-1)!.response).toMatchObject({
        status: "completed",
        output: [item],
        usage: EXPECTED_USAGE,
      });
      // The provider got a function with one string argument, the history's calls in that shape, no web_search.
      const upstream = JSON.stringify(fake.scripts.received.at(-1)!.body);
      expect(upstream).not.toContain("web_search");
      expect(upstream).toContain("exec_command");
      expect(upstream).toContain("apply_patch");
      expect(upstream).toContain("Sandbox: workspace-write.");
      expect(upstream).toContain("Success. Updated: A hello.txt");
      expect(upstream).toContain("Add File: hello.txt");
      await expectCharged(who.user.id, true, provider);
    },
  );

  test("responses.create (JSON) with a custom tool: a schema-valid custom_tool_call item", async () => {
    const who = await customer();
    harness.fakes.anthropic.scripts.enqueue("resp-up-anthropic", { toolCalls: [PATCH_CALL] });
    const response = await who.client.responses.create({
      model: "resp-anthropic",
      input: "Create hello.txt",
      tools: [APPLY_PATCH as OpenAI.Responses.CustomTool],
      tool_choice: { type: "custom", name: "apply_patch" },
    });
    expect(validResponse(response)).toBe("valid");
    expect(response.output).toMatchObject([
      { type: "custom_tool_call", call_id: "call_c", name: "apply_patch", input: PATCH },
    ]);
    expect(response.tools).toEqual([APPLY_PATCH]);
    const upstream = harness.fakes.anthropic.scripts.received.at(-1)!.body;
    expect(upstream).toMatchObject({ tool_choice: { type: "tool", name: "apply_patch" } });
  });
});

describe("Codex 0.171's requests (ADR 041)", () => {
  // Responses lite (for the GPT models Codex knows): its tools come in an
  // `additional_tools` item, in namespaces; a namespaced call must come back
  // with its namespace, or Codex answers "unsupported call".
  const liteBody = (model: string, stream: boolean) => ({
    model,
    stream,
    store: false,
    reasoning: { effort: "max", context: "all_turns" },
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
            tools: [{ type: "custom", name: "exec", description: "Run JavaScript" }],
          },
          {
            type: "namespace",
            name: "collaboration",
            description: "Agents",
            tools: [
              {
                type: "function",
                name: "send_message",
                strict: false,
                parameters: {
                  type: "object",
                  properties: { message: { type: "string", encrypted: true } },
                },
              },
            ],
          },
        ],
      },
      { type: "message", role: "user", content: [{ type: "input_text", text: "Message them" }] },
    ],
  });
  const CALLS = [
    { id: "call_send", name: "collaboration__send_message", arguments: '{"message":"hi"}' },
    { id: "call_exec", name: "exec", arguments: JSON.stringify({ input: "text(1)" }) },
  ];
  const SEND = {
    type: "function_call",
    call_id: "call_send",
    name: "send_message",
    namespace: "collaboration",
    arguments: '{"message":"hi"}',
  };
  const EXEC = {
    type: "custom_tool_call",
    call_id: "call_exec",
    name: "exec",
    namespace: "functions",
    input: "text(1)",
  };

  test("JSON: each call under its own name and namespace", async () => {
    const who = await customer();
    harness.fakes.openai.scripts.enqueue("resp-up-openai", { toolCalls: CALLS });
    const response = await fetch(`${harness.baseUrl}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${who.secret}` },
      body: JSON.stringify(liteBody("resp-openai", false)),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { output: unknown[]; reasoning: unknown };
    expect(body.output).toEqual([expect.objectContaining(SEND), expect.objectContaining(EXEC)]);
    expect(body.reasoning).toMatchObject({ effort: "max" });
    // The provider was offered both tools by their qualified names, the effort as OpenAI's.
    const upstream = harness.fakes.openai.scripts.received.at(-1)!.body as {
      tools: { function: { name: string } }[];
    };
    expect(upstream.tools.map((tool) => tool.function.name)).toEqual([
      "exec",
      "collaboration__send_message",
    ]);
    expect(upstream).toMatchObject({ reasoning_effort: "max" });
  });

  test.each(PROVIDERS)(
    "streamed, served by %s: the items and their done events",
    async (provider) => {
      const who = await customer();
      harness.fakes[provider].scripts.enqueue(`resp-up-${provider}`, {
        toolCalls: CALLS,
        usage: FAKE_USAGE,
      });
      const events = await rawEvents(who.secret, liteBody(`resp-${provider}`, true));
      for (const event of events) expect(validEvent(event)).toBe("valid");
      const done = events.filter((event) => event.type === "response.output_item.done");
      const callId = (id: string) =>
        provider === "google" ? expect.stringMatching(/^call_\w+$/) : id;
      expect(done.map((event) => event.item)).toEqual([
        expect.objectContaining({ ...SEND, call_id: callId("call_send") }),
        expect.objectContaining({ ...EXEC, call_id: callId("call_exec") }),
      ]);
      expect(
        events.find((event) => event.type === "response.function_call_arguments.done"),
      ).toMatchObject({ name: "send_message" });
      await expectCharged(who.user.id, true, provider);
    },
  );
});

describe("previous_response_id", () => {
  test("a stored response is continued: the provider gets the earlier turns", async () => {
    const who = await customer();
    harness.fakes.anthropic.scripts.enqueue("resp-up-anthropic", { text: "Hello Ada." });
    const first = await who.client.responses.create({
      model: "resp-anthropic",
      instructions: "First instructions.",
      input: "My name is Ada.",
    });
    expect(first).toMatchObject({ store: true });
    harness.fakes.anthropic.scripts.enqueue("resp-up-anthropic", { text: "You are Ada." });
    const second = await who.client.responses
      .stream({
        model: "resp-anthropic",
        instructions: "Second instructions.",
        input: "What is my name?",
        previous_response_id: first.id,
      })
      .finalResponse();
    expect(second.previous_response_id).toBe(first.id);
    const upstream = JSON.stringify(harness.fakes.anthropic.scripts.received.at(-1)!.body);
    for (const turn of [
      "My name is Ada.",
      "Hello Ada.",
      "What is my name?",
      "Second instructions.",
    ])
      expect(upstream).toContain(turn);
    // Instructions are not carried over, as at OpenAI.
    expect(upstream).not.toContain("First instructions.");
    expect(upstream.indexOf("My name is Ada.")).toBeLessThan(upstream.indexOf("Hello Ada."));
    expect(upstream.indexOf("Hello Ada.")).toBeLessThan(upstream.indexOf("What is my name?"));

    // A third turn continues the second: all of it.
    harness.fakes.anthropic.scripts.enqueue("resp-up-anthropic", { text: "Bye." });
    await who.client.responses.create({
      model: "resp-openai",
      input: "Bye",
      previous_response_id: second.id,
    });
    const third = JSON.stringify(harness.fakes.openai.scripts.received.at(-1)!.body);
    for (const turn of ["My name is Ada.", "Hello Ada.", "You are Ada.", "Bye"])
      expect(third).toContain(turn);

    const stored = await prisma.storedResponse.findUniqueOrThrow({ where: { id: first.id } });
    expect(stored).toMatchObject({ userId: who.user.id, apiKeyId: who.apiKey.id });
    expect(stored.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
  });

  // Issue #21, finding 12: jsonb cannot hold "\u0000" or half a surrogate pair.
  test("a response whose input has a NUL and a lone surrogate is stored, continued and charged", async () => {
    const who = await customer();
    const first = await who.client.responses.create({
      model: "resp-openai",
      input: "odd \u0000 and \ud800 text",
    });
    const stored = await prisma.storedResponse.findUniqueOrThrow({ where: { id: first.id } });
    expect(JSON.stringify(stored.messages)).toContain("odd \ufffd and \ufffd text");
    await who.client.responses.create({
      model: "resp-openai",
      input: "And now?",
      previous_response_id: first.id,
    });
    expect(JSON.stringify(harness.fakes.openai.scripts.received.at(-1)!.body)).toContain(
      "odd \ufffd and \ufffd text",
    );
    await expect.poll(() => prisma.conversation.count({ where: { userId: who.user.id } })).toBe(2);
  });

  test("store: false keeps nothing; another user's, an unknown or an expired id is a 404", async () => {
    const owner = await customer();
    const other = await customer();
    const kept = await owner.client.responses.create({ model: "resp-openai", input: "Hi" });
    const unkept = await owner.client.responses.create({
      model: "resp-openai",
      input: "Hi",
      store: false,
    });
    expect(await prisma.storedResponse.count({ where: { id: unkept.id } })).toBe(0);
    await prisma.storedResponse.create({
      data: {
        id: "resp_expired",
        userId: owner.user.id,
        apiKeyId: owner.apiKey.id,
        messages: [],
        expiresAt: new Date(Date.now() - 1000),
      },
    });
    const continueWith = (client: OpenAI, id: string) =>
      client.responses
        .create({ model: "resp-openai", input: "Again", previous_response_id: id })
        .then(
          () => undefined,
          (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
        );
    const received = harness.fakes.openai.scripts.received.length;
    for (const [client, id] of [
      [other.client, kept.id],
      [owner.client, unkept.id],
      [owner.client, "resp_expired"],
    ] as const) {
      const error = await continueWith(client, id);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error!.error).toMatchObject({
        type: "not_found_error",
        param: "previous_response_id",
      });
    }
    expect(harness.fakes.openai.scripts.received.length).toBe(received);
    // The hourly retention deletes expired rows, and only those.
    expect(await deleteExpiredResponses(prisma)).toBeGreaterThanOrEqual(1);
    expect(await prisma.storedResponse.count({ where: { id: "resp_expired" } })).toBe(0);
    expect(await prisma.storedResponse.count({ where: { id: kept.id } })).toBe(1);
  });
});

describe("refusals come before any provider call, in OpenAI's error shape", () => {
  test.each([
    ["a wrong key", 401, "authentication_error"],
    ["no credits", 402, "insufficient_credits"],
    ["a key over its limit", 403, "permission_error"],
  ])("%s -> %i %s", async (what, status, type) => {
    const who = await customer(what === "no credits" ? 0 : 100, 1);
    const client =
      what === "a wrong key"
        ? new OpenAI({ apiKey: "gw-wrong", baseURL: `${harness.baseUrl}/v1`, maxRetries: 0 })
        : who.client;
    // 5,000 output tokens at US$15 per million cost 7.5 credits: over the key's limit of 1.
    const error = await client.responses
      .create({
        model: "resp-openai",
        input: "Hi",
        max_output_tokens: what === "a key over its limit" ? 5000 : 100,
      })
      .then(
        () => undefined,
        (caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>,
      );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error!.status).toBe(status);
    expect(error!.type).toBe(type);
    for (const fake of Object.values(harness.fakes)) expect(fake.scripts.received).toEqual([]);
  });
});
