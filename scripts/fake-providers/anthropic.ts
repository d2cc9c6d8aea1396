// A fake Anthropic Messages server: POST /v1/messages with the real event
// names, `event:` lines, cumulative usage and error bodies (PROVIDER-WIRE.md §2).
// Accepts both auth styles: `x-api-key` (0.x SDKs, curl) and Bearer (1.x SDK).
import { randomBytes } from "node:crypto";
import {
  promptCharacters,
  sendJson,
  startFakeServer,
  writeEvent,
  type FakeProvider,
} from "./fake-server.ts";
import { contentChunks, sleep, usageFor, type FakeScript } from "./script.ts";

const ERROR_TYPES: Record<number, [string, string]> = {
  400: ["invalid_request_error", "Invalid request."],
  401: ["authentication_error", "invalid x-api-key"],
  404: ["not_found_error", "model: not found"],
  429: ["rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"],
  500: ["api_error", "Internal server error"],
  504: ["timeout_error", "Request timed out"],
  529: ["overloaded_error", "Overloaded"],
};

/** What the fake signs its thinking with (a client sends it back with the thinking). */
export const THINKING_SIGNATURE = "fake-signature-EqQBCgIYAhIM";

const STOP_REASONS = { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use" } as const;

export function startFakeAnthropic(port?: number): Promise<FakeProvider> {
  return startFakeServer({
    port,
    async respond({ request, response, body, url, scripts, markCompleted }) {
      const requestId = `req_${randomBytes(8).toString("hex")}`;
      const fail = (status: number, headers: Record<string, string> = {}) => {
        const [type, message] = ERROR_TYPES[status] ?? ERROR_TYPES[500]!;
        return sendJson(
          response,
          status,
          { type: "error", error: { type, message }, request_id: requestId },
          { "request-id": requestId, ...headers },
        );
      };
      if (request.method !== "POST" || url.pathname !== "/v1/messages") return fail(404);
      if (!request.headers["x-api-key"] && !request.headers.authorization?.startsWith("Bearer "))
        return fail(401);
      if (!request.headers["anthropic-version"]) return fail(400);
      const params = body as { model: string; stream?: boolean; max_tokens?: number };
      if (typeof params?.max_tokens !== "number") return fail(400);
      const script: FakeScript = scripts.next(params.model);
      await sleep(script.firstByteDelayMs);
      if (script.contextOverflow) {
        return sendJson(response, 400, {
          type: "error",
          error: {
            type: "invalid_request_error",
            message: "prompt is too long: 210412 tokens > 200000 maximum",
          },
          request_id: requestId,
        });
      }
      if (script.status) {
        return fail(
          script.status,
          script.retryAfterSeconds === undefined
            ? {}
            : { "retry-after": String(script.retryAfterSeconds) },
        );
      }
      const id = `msg_${randomBytes(12).toString("hex")}`;
      const chunks = contentChunks(script);
      const toolCalls = script.toolCalls ?? [];
      const usage = usageFor(script, promptCharacters(params), chunks.length + toolCalls.length);
      const stopReason =
        STOP_REASONS[script.finishReason ?? (toolCalls.length ? "tool_calls" : "stop")];
      const inputUsage = usage
        ? {
            input_tokens: usage.input,
            cache_creation_input_tokens: usage.cacheWrite,
            cache_read_input_tokens: usage.cached,
            cache_creation: {
              ephemeral_5m_input_tokens: usage.cacheWrite,
              ephemeral_1h_input_tokens: 0,
            },
            ...script.usageOverride,
          }
        : {};

      if (!params.stream) {
        markCompleted();
        return sendJson(
          response,
          200,
          {
            id,
            type: "message",
            role: "assistant",
            model: params.model,
            content: [
              ...(script.thinking
                ? [{ type: "thinking", thinking: script.thinking, signature: THINKING_SIGNATURE }]
                : []),
              ...(chunks.length ? [{ type: "text", text: chunks.join("") }] : []),
              ...toolCalls.map((call) => ({
                type: "tool_use",
                id: call.id,
                name: call.name,
                input: JSON.parse(call.arguments) as unknown,
              })),
            ],
            stop_reason: stopReason,
            stop_sequence: null,
            usage: usage
              ? {
                  ...inputUsage,
                  output_tokens: usage.output,
                  service_tier: "standard",
                  ...script.usageOverride,
                }
              : undefined,
          },
          { "request-id": requestId },
        );
      }

      response.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        "request-id": requestId,
      });
      const send = (type: string, data: Record<string, unknown>) =>
        writeEvent(response, JSON.stringify({ type, ...data }), type);
      await send("message_start", {
        message: {
          id,
          type: "message",
          role: "assistant",
          model: params.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          // A script with usage "omit" sends none at all, as a broken upstream might.
          ...(usage
            ? { usage: { ...inputUsage, output_tokens: 1, service_tier: "standard" } }
            : {}),
        },
      });
      let block = 0;
      let sent = 0;
      if (script.thinking) {
        await send("content_block_start", {
          index: block,
          content_block: { type: "thinking", thinking: "", signature: "" },
        });
        await send("content_block_delta", {
          index: block,
          delta: { type: "thinking_delta", thinking: script.thinking },
        });
        await send("content_block_delta", {
          index: block,
          delta: { type: "signature_delta", signature: THINKING_SIGNATURE },
        });
        await send("content_block_stop", { index: block });
        block++;
      }
      if (chunks.length) {
        await send("content_block_start", {
          index: block,
          content_block: { type: "text", text: "" },
        });
        await writeEvent(response, '{"type": "ping"}', "ping");
        for (const text of chunks) {
          if (script.cutAfterChunks !== undefined && sent >= script.cutAfterChunks)
            return void response.destroy();
          if (script.malformedAfterChunks !== undefined && sent >= script.malformedAfterChunks) {
            response.end(
              'event: content_block_delta\ndata: {"type": "content_block_delta", "index"\n\n',
            );
            return;
          }
          await sleep(script.chunkDelayMs);
          await send("content_block_delta", { index: block, delta: { type: "text_delta", text } });
          sent++;
        }
        await send("content_block_stop", { index: block });
        block++;
      }
      for (const call of toolCalls) {
        await send("content_block_start", {
          index: block,
          content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
        });
        const half = Math.ceil(call.arguments.length / 2);
        for (const piece of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
          await sleep(script.chunkDelayMs);
          await send("content_block_delta", {
            index: block,
            delta: { type: "input_json_delta", partial_json: piece },
          });
        }
        await send("content_block_stop", { index: block });
        block++;
      }
      await send("message_delta", {
        delta: { stop_reason: stopReason, stop_sequence: null },
        ...(usage ? { usage: { output_tokens: usage.output, ...script.usageOverride } } : {}),
      });
      await send("message_stop", {});
      markCompleted();
      response.end();
    },
  });
}
