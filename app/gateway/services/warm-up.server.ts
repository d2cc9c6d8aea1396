import { preloadTokenizer } from "../../billing/estimate-usage.server.ts";
import { parseEmbeddingsRequest } from "../endpoints/embeddings/embeddings-request.ts";
import { getGateway } from "../gateway-instance.server.ts";
import { anthropicMessages } from "../../protocols/anthropic/anthropic-protocol.ts";
import type { ClientProtocol } from "../../protocols/client-protocol.ts";
import { openAIChat, openAICompletions } from "../../protocols/openai/openai-protocol.ts";
import { openAIResponses } from "../../protocols/responses/responses-protocol.ts";

/**
 * Does now what the first requests after a start would otherwise do on their
 * way (issue #22, item 4: the first took 120-350 ms, count_tokens 280 ms, a
 * later one 10 ms): build the gateway (its LISTEN connection, ledger, caches),
 * load the catalog and the adapters of the providers that have a key (so only
 * their SDKs), load the tokenizer, look a key up (the query's first run), and
 * parse one request of each API (zod compiles a schema at its first parse).
 * The server runs it once the database is migrated, before /readyz says ready
 * (docs/decisions/040-warm-start.md). Resolves with what it took, in ms.
 */
export async function warmRequestPath(): Promise<number> {
  const started = performance.now();
  const gateway = await getGateway();
  await Promise.all([
    gateway.catalog.all(),
    gateway.providers.upstreams(),
    preloadTokenizer(),
    gateway.keys.lookup("gw-warm-up-no-such-key"),
  ]);
  const request = new Request("http://localhost/");
  for (const [protocol, body] of SAMPLE_REQUESTS) protocol.parse(body, request);
  parseEmbeddingsRequest({ model: "warm-up", input: ["Hello"] });
  return performance.now() - started;
}

const TOOL = {
  name: "get_weather",
  description: "The weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } } },
};

/** A typical request of each API: messages of every role, a tool, a call and its result. */
const SAMPLE_REQUESTS: [ClientProtocol, unknown][] = [
  [
    openAIChat,
    {
      model: "warm-up",
      max_tokens: 100,
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: "function", function: TOOL }],
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: TOOL.name, arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "Sunny" },
      ],
    },
  ],
  [
    anthropicMessages,
    {
      model: "warm-up",
      max_tokens: 100,
      stream: true,
      system: [{ type: "text", text: "Be brief." }],
      tools: [{ name: TOOL.name, description: TOOL.description, input_schema: TOOL.parameters }],
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_1", name: TOOL.name, input: {} }],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "Sunny" }],
        },
      ],
    },
  ],
  [openAICompletions, { model: "warm-up", prompt: "Say hello", max_tokens: 100, stream: true }],
  [
    openAIResponses,
    {
      model: "warm-up",
      max_output_tokens: 100,
      stream: true,
      store: false,
      instructions: "Be brief.",
      tools: [{ type: "function", ...TOOL }],
      input: [
        { role: "user", content: [{ type: "input_text", text: "Weather in Paris?" }] },
        { type: "function_call", call_id: "call_1", name: TOOL.name, arguments: "{}" },
        { type: "function_call_output", call_id: "call_1", output: "Sunny" },
      ],
    },
  ],
];
