import type { GatewayError } from "../../http/gateway-error.ts";
import { inputTokensUpperBound } from "../../llm/input-estimate.ts";
import { bodyId } from "../../llm/generation-id.ts";
import type { FinishReason, StreamPart, Usage } from "../../llm/parts.ts";
import type { CompletionAccumulator } from "../completion-accumulator.ts";
import { sseEvent } from "../sse.ts";
import type { AnswerIdentity, Charge, StreamRenderer, WireFormat } from "../wire-format.ts";

// Anthropic's Messages API: the message object, or the event sequence
// message_start, content blocks (start, deltas, stop), message_delta,
// message_stop. Every event carries an `event:` line: the SDK skips events without one.
// @see https://docs.anthropic.com/en/api/messages-streaming

const STOP_REASONS: Record<FinishReason, string> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
};

const event = (name: string, data: string) => sseEvent(data, name);

const messageId = (identity: AnswerIdentity) => bodyId("message", identity.requestId);

/** Anthropic's usage: input_tokens excludes what was read from or written to the cache. */
export function anthropicUsage(usage: Usage) {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
    output_tokens: usage.outputTokens,
  };
}

function streamRenderer(identity: AnswerIdentity, inputEstimate: number): StreamRenderer {
  /** The index of the block being written, -1 before the first. */
  let open = -1;
  let blocks = 0;
  /** Block index of each tool call, by the call's index in the answer. */
  const toolBlocks: number[] = [];
  /** What the open block holds. */
  let openKind: "text" | "thinking" | "tool_use" | undefined;
  let stopReason = "end_turn";

  const closeOpen = () => (open === -1 ? "" : stop(open));
  const stop = (index: number) => {
    open = -1;
    openKind = undefined;
    return event("content_block_stop", `{"type":"content_block_stop","index":${index}}`);
  };
  const begin = (kind: NonNullable<typeof openKind>, block: string) => {
    const text = closeOpen();
    open = blocks++;
    openKind = kind;
    return (
      text +
      event(
        "content_block_start",
        `{"type":"content_block_start","index":${open},"content_block":${block}}`,
      )
    );
  };
  const delta = (index: number, body: string) =>
    event("content_block_delta", `{"type":"content_block_delta","index":${index},"delta":${body}}`);

  return {
    // The input count here is a local estimate; message_delta carries the provider's,
    // which the SDKs take as final (its usage fields replace, never add).
    start: () =>
      event(
        "message_start",
        JSON.stringify({
          type: "message_start",
          message: {
            id: messageId(identity),
            type: "message",
            role: "assistant",
            model: identity.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            // All four counts, as Claude sends them: Claude Code adds them up for its context meter.
            usage: {
              input_tokens: inputEstimate,
              cache_creation_input_tokens: 0,
              cache_read_input_tokens: 0,
              output_tokens: 0,
            },
          },
        }),
      ),
    part(part: StreamPart) {
      switch (part.type) {
        case "text-delta": {
          const opening = openKind === "text" ? "" : begin("text", '{"type":"text","text":""}');
          return opening + delta(open, `{"type":"text_delta","text":${JSON.stringify(part.text)}}`);
        }
        case "thinking-delta": {
          const opening =
            openKind === "thinking"
              ? ""
              : begin("thinking", '{"type":"thinking","thinking":"","signature":""}');
          return (
            opening +
            delta(open, `{"type":"thinking_delta","thinking":${JSON.stringify(part.text)}}`)
          );
        }
        case "thinking-signature":
          if (openKind !== "thinking") return "";
          return delta(
            open,
            `{"type":"signature_delta","signature":${JSON.stringify(part.signature)}}`,
          );
        case "tool-call-start": {
          const opening = begin(
            "tool_use",
            JSON.stringify({ type: "tool_use", id: part.id, name: part.name, input: {} }),
          );
          toolBlocks[part.index] = open;
          return opening;
        }
        case "tool-call-delta": {
          const index = toolBlocks[part.index];
          if (index === undefined || part.argumentsDelta === "") return "";
          return delta(
            index,
            `{"type":"input_json_delta","partial_json":${JSON.stringify(part.argumentsDelta)}}`,
          );
        }
        case "finish":
          stopReason = STOP_REASONS[part.finishReason];
          return "";
        // Messages API answers hold no images (ADR 073: only `modalities` asks for them).
        case "usage":
        case "image":
          return "";
      }
    },
    end: ({ usage }) =>
      closeOpen() +
      event(
        "message_delta",
        JSON.stringify({
          type: "message_delta",
          delta: { stop_reason: stopReason, stop_sequence: null },
          usage: anthropicUsage(usage),
        }),
      ) +
      event("message_stop", '{"type":"message_stop"}'),
    fail: (error) => closeOpen() + event("error", JSON.stringify(errorBody(error))),
  };
}

function message(identity: AnswerIdentity, answer: CompletionAccumulator, { usage }: Charge) {
  const content: unknown[] = [];
  if (answer.thinking !== "" || answer.signature !== "")
    content.push({ type: "thinking", thinking: answer.thinking, signature: answer.signature });
  if (answer.text !== "") content.push({ type: "text", text: answer.text });
  for (const call of answer.toolCalls.filter(Boolean)) {
    content.push({
      type: "tool_use",
      id: call.id,
      name: call.name,
      input: parseInput(call.arguments),
    });
  }
  return {
    id: messageId(identity),
    type: "message",
    role: "assistant",
    model: identity.model,
    content,
    stop_reason: STOP_REASONS[answer.finishReason ?? "stop"],
    stop_sequence: null,
    usage: anthropicUsage(usage),
  };
}

// A model may stream arguments that are not JSON; the client still gets what it said.
function parseInput(json: string): unknown {
  try {
    return json === "" ? {} : JSON.parse(json);
  } catch {
    return { _raw: json };
  }
}

/** Anthropic's error types by our status (402 is Anthropic's billing_error too). */
function errorType(status: number) {
  switch (status) {
    case 400:
    case 405:
    case 411:
    case 415:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    case 504:
      return "timeout_error";
    default:
      return status < 500 ? "invalid_request_error" : "api_error";
  }
}

function errorBody(error: GatewayError) {
  return { type: "error", error: { type: errorType(error.status), message: error.message } };
}

export const anthropicFormat: WireFormat = {
  stream: (identity, request) =>
    // A quarter of the byte bound: near a real count for text, and free to compute.
    streamRenderer(identity, Math.ceil(inputTokensUpperBound(request) / 4)),
  json: message,
  error(error, headers = {}) {
    const requestId = headers["x-request-id"];
    const response = Response.json(
      { ...errorBody(error), request_id: requestId ?? null },
      {
        status: error.status,
        headers: requestId ? { ...headers, "request-id": requestId } : headers,
      },
    );
    if (error.retryAfter !== undefined)
      response.headers.set("Retry-After", String(Math.ceil(error.retryAfter)));
    return response;
  },
};
