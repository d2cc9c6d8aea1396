import type { GatewayError } from "../../http/gateway-error.ts";
import { microToCredits, microToUsd } from "../../utils/money.ts";
import type { FinishReason, Usage } from "../../llm/parts.ts";
import type { CallableTool, ResponsesRequest } from "./responses-request.ts";
import { customToolInput, type CallTarget } from "./responses-tools.ts";
import type { AnswerIdentity, Charge } from "../wire-format.ts";
import { bodyId, idSuffix } from "../../llm/generation-id.ts";

// The pieces of OpenAI's `response` object: ids, output items, usage, and the
// request's settings it echoes. @see https://platform.openai.com/docs/api-reference/responses/object

/** The request settings a response object repeats back, whatever its status. */
export type ResponseSettings = ReturnType<typeof responseSettings>;

export function responseSettings(request: ResponsesRequest) {
  const format = request.text?.format ?? { type: "text" as const };
  return {
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: null },
    store: request.store !== false,
    temperature: request.temperature ?? 1,
    text: {
      format:
        format.type === "json_schema"
          ? { ...format, description: format.description, strict: format.strict ?? null }
          : format,
    },
    tool_choice: request.tool_choice ?? "auto",
    // The tools the model was offered: OpenAI-hosted ones were left out.
    tools: (request.tools ?? []).flatMap((tool): ToolSetting[] =>
      tool.type === "namespace"
        ? [
            {
              type: "namespace",
              name: tool.name,
              description: tool.description ?? "",
              tools: tool.tools.map(toolSetting),
            },
          ]
        : tool.type === "function" || tool.type === "custom"
          ? [toolSetting(tool)]
          : [],
    ),
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? "disabled",
  };
}

type ToolSetting =
  | ReturnType<typeof toolSetting>
  | {
      type: "namespace";
      name: string;
      description: string;
      tools: ReturnType<typeof toolSetting>[];
    };

function toolSetting(tool: CallableTool) {
  return tool.type === "function"
    ? {
        type: "function" as const,
        name: tool.name,
        description: tool.description ?? null,
        parameters: tool.parameters ?? null,
        strict: tool.strict ?? null,
      }
    : {
        type: "custom" as const,
        name: tool.name,
        description: tool.description ?? undefined,
        format: tool.format ?? { type: "text" as const },
      };
}

/** A response's id, from its request's (req_...). */
export const responseId = (requestId: string) => bodyId("response", requestId);

/** Every id of a response comes from its request id: resp_, msg_, fc_, ctc_. */
export function responseIds(identity: AnswerIdentity) {
  const suffix = idSuffix(identity.requestId);
  return {
    response: responseId(identity.requestId),
    message: `msg_${suffix}`,
    functionCall: (index: number) => `fc_${suffix}_${index}`,
    customToolCall: (index: number) => `ctc_${suffix}_${index}`,
  };
}

export type ItemStatus = "in_progress" | "completed" | "incomplete";

export function messageItem(id: string, text: string | undefined, status: ItemStatus) {
  return {
    id,
    type: "message" as const,
    status,
    role: "assistant" as const,
    content: text === undefined ? [] : [outputText(text)],
  };
}

export const outputText = (text: string) => ({
  type: "output_text" as const,
  text,
  annotations: [],
  logprobs: [],
});

/**
 * A function call, under the name and namespace the client declared its tool
 * with (how the Codex CLI routes it: a namespaced tool's call must name its
 * namespace).
 */
export function functionCallItem(
  id: string,
  call: { id: string; arguments: string },
  target: CallTarget,
  status: ItemStatus,
) {
  return {
    id,
    type: "function_call" as const,
    status,
    call_id: call.id,
    name: target.name,
    ...(target.namespace ? { namespace: target.namespace } : {}),
    arguments: call.arguments,
  };
}

/** A call of a custom tool (which has no status): the model's arguments unwrapped to the text it wrote. */
export function customToolCallItem(
  id: string,
  call: { id: string; arguments: string },
  target: CallTarget,
) {
  return {
    id,
    type: "custom_tool_call" as const,
    call_id: call.id,
    name: target.name,
    ...(target.namespace ? { namespace: target.namespace } : {}),
    input: customToolInput(call.arguments),
  };
}

/** OpenAI's Responses usage, with what the request cost (as in chat answers: US dollars and credits). */
export function responsesUsage({ usage, cost }: Charge) {
  const input = inputTokens(usage);
  return {
    input_tokens: input,
    input_tokens_details: {
      cached_tokens: usage.cachedInputTokens,
      cache_write_tokens: usage.cacheWriteTokens,
    },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: input + usage.outputTokens,
    cost: microToUsd(cost),
    cost_credits: microToCredits(cost),
  };
}

const inputTokens = (usage: Usage) =>
  usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;

/** How a finished answer ends: completed, or incomplete when it was cut. */
export function finishedStatus(finishReason: FinishReason | undefined) {
  if (finishReason === "length")
    return { status: "incomplete" as const, incomplete_details: { reason: "max_output_tokens" } };
  if (finishReason === "content_filter")
    return { status: "incomplete" as const, incomplete_details: { reason: "content_filter" } };
  return { status: "completed" as const, incomplete_details: null };
}

/** A failed response's error: OpenAI's codes are few, so anything but a rate limit is a server error. */
export const responseError = (error: GatewayError) => ({
  code: error.status === 429 ? "rate_limit_exceeded" : "server_error",
  message: error.message,
});

export interface ResponseState {
  status: "in_progress" | "completed" | "incomplete" | "failed";
  output: unknown[];
  incomplete_details?: { reason: string } | null;
  error?: ReturnType<typeof responseError> | null;
  usage?: unknown;
}

/** The whole `response` object. */
export function responseObject(
  identity: AnswerIdentity,
  settings: ResponseSettings,
  state: ResponseState,
) {
  return {
    id: responseIds(identity).response,
    object: "response" as const,
    created_at: identity.created,
    status: state.status,
    completed_at: state.status === "completed" ? Math.floor(Date.now() / 1000) : null,
    error: state.error ?? null,
    incomplete_details: state.incomplete_details ?? null,
    model: identity.model,
    output: state.output,
    // Left out until known: the schema has no null usage.
    ...(state.usage ? { usage: state.usage } : {}),
    ...settings,
  };
}
