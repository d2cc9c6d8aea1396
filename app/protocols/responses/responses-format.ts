import { errorResponse, type GatewayError } from "../../http/gateway-error.ts";
import type { FinishReason, StreamPart } from "../../llm/parts.ts";
import type { CompletionAccumulator } from "../completion-accumulator.ts";
import { sseEvent } from "../sse.ts";
import {
  customToolCallItem,
  finishedStatus,
  functionCallItem,
  messageItem,
  outputText,
  responseError,
  responseIds,
  responseObject,
  responsesUsage,
  type ItemStatus,
  type ResponseSettings,
} from "./response-object.ts";
import {
  callTarget,
  customToolInput,
  type CallTarget,
  type CallTargets,
} from "./responses-tools.ts";
import type { AnswerIdentity, Charge, StreamRenderer, WireFormat } from "../wire-format.ts";

// OpenAI's Responses API: the response object, or its event stream. Every
// event has an `event:` line and a sequence_number; items are added when their
// first part comes and all done at the end, in output order, as the SDK's
// ResponseStream checks them. @see https://platform.openai.com/docs/api-reference/responses-streaming

/** One output item being streamed. */
type OpenItem =
  | { type: "message"; id: string; text: string }
  | {
      type: "function_call" | "custom_tool_call";
      id: string;
      call: { id: string; arguments: string };
      target: CallTarget;
    };
type CallItem = Extract<OpenItem, { call: unknown }>;

/** How an API that speaks the Responses API writes what differs: its usage, its errors. */
export interface ResponsesFace {
  usage: (charge: Charge) => unknown;
  error: WireFormat["error"];
}

const OPENAI_FACE: ResponsesFace = { usage: responsesUsage, error: errorResponse };

function streamRenderer(
  identity: AnswerIdentity,
  settings: ResponseSettings,
  targets: CallTargets,
  face: ResponsesFace,
): StreamRenderer {
  const ids = responseIds(identity);
  const items: OpenItem[] = [];
  /** Output index of the message item and of each tool call (by the call's index). */
  let messageIndex = -1;
  const callIndexes: number[] = [];
  let finishReason: FinishReason | undefined;
  let sequence = 0;

  const event = (type: string, body: Record<string, unknown>) =>
    sseEvent(JSON.stringify({ type, ...body, sequence_number: sequence++ }), type);
  const lifecycle = (type: string, state: Parameters<typeof responseObject>[2]) =>
    event(type, { response: responseObject(identity, settings, state) });
  const snapshot = (item: OpenItem, status: ItemStatus) =>
    item.type === "message"
      ? messageItem(item.id, item.text, status)
      : item.type === "custom_tool_call"
        ? customToolCallItem(item.id, item.call, item.target)
        : functionCallItem(item.id, item.call, item.target, status);
  const add = (item: OpenItem) => {
    items.push(item);
    const initial =
      item.type === "message"
        ? messageItem(item.id, undefined, "in_progress")
        : snapshot({ ...item, call: { ...item.call, arguments: "" } }, "in_progress");
    return event("response.output_item.added", { output_index: items.length - 1, item: initial });
  };
  /** The done events of every item, in output order (each event takes the next sequence number). */
  const closeAll = (status: ItemStatus) =>
    items
      .map((item, output_index) => {
        const item_id = item.id;
        const details =
          item.type === "message"
            ? event("response.output_text.done", {
                item_id,
                output_index,
                content_index: 0,
                text: item.text,
                logprobs: [],
              }) +
              event("response.content_part.done", {
                item_id,
                output_index,
                content_index: 0,
                part: outputText(item.text),
              })
            : item.type === "custom_tool_call"
              ? customInputEvents(item, output_index)
              : event("response.function_call_arguments.done", {
                  item_id,
                  output_index,
                  name: item.target.name,
                  arguments: item.call.arguments,
                });
        return (
          details +
          event("response.output_item.done", { output_index, item: snapshot(item, status) })
        );
      })
      .join("");
  const output = (status: ItemStatus) => items.map((item) => snapshot(item, status));
  // A custom tool's input is the text inside the model's JSON arguments: it is
  // known once they are complete, so it comes in one delta.
  const customInputEvents = (item: CallItem, output_index: number) => {
    const input = customToolInput(item.call.arguments);
    return (
      event("response.custom_tool_call_input.delta", {
        item_id: item.id,
        output_index,
        delta: input,
      }) + event("response.custom_tool_call_input.done", { item_id: item.id, output_index, input })
    );
  };

  return {
    start: () =>
      lifecycle("response.created", { status: "in_progress", output: [] }) +
      lifecycle("response.in_progress", { status: "in_progress", output: [] }),
    part(part: StreamPart) {
      switch (part.type) {
        case "text-delta": {
          let opening = "";
          if (messageIndex === -1) {
            messageIndex = items.length;
            opening =
              add({ type: "message", id: ids.message, text: "" }) +
              event("response.content_part.added", {
                item_id: ids.message,
                output_index: messageIndex,
                content_index: 0,
                part: outputText(""),
              });
          }
          const item = items[messageIndex] as Extract<OpenItem, { type: "message" }>;
          item.text += part.text;
          return (
            opening +
            event("response.output_text.delta", {
              item_id: item.id,
              output_index: messageIndex,
              content_index: 0,
              delta: part.text,
              logprobs: [],
            })
          );
        }
        case "tool-call-start": {
          callIndexes[part.index] = items.length;
          const target = callTarget(targets, part.name);
          const isCustom = target.type === "custom";
          return add({
            type: isCustom ? "custom_tool_call" : "function_call",
            id: isCustom ? ids.customToolCall(part.index) : ids.functionCall(part.index),
            call: { id: part.id, arguments: "" },
            target,
          });
        }
        case "tool-call-delta": {
          const output_index = callIndexes[part.index];
          if (output_index === undefined || part.argumentsDelta === "") return "";
          const item = items[output_index] as CallItem;
          item.call.arguments += part.argumentsDelta;
          if (item.type === "custom_tool_call") return "";
          return event("response.function_call_arguments.delta", {
            item_id: item.id,
            output_index,
            delta: part.argumentsDelta,
          });
        }
        case "finish":
          finishReason = part.finishReason;
          return "";
        // Claude's thinking comes only to Messages API requests.
        // A Responses request has no `modalities` to ask for images with (ADR 073).
        case "usage":
        case "thinking-delta":
        case "thinking-signature":
        case "image":
          return "";
      }
    },
    end(charge: Charge) {
      const { status, incomplete_details } = finishedStatus(finishReason);
      const itemStatus = status === "completed" ? "completed" : "incomplete";
      const closing = closeAll(itemStatus);
      return (
        closing +
        lifecycle(status === "completed" ? "response.completed" : "response.incomplete", {
          status,
          incomplete_details,
          output: output(itemStatus),
          usage: face.usage(charge),
        })
      );
    },
    // The response fails (Codex reads response.failed); the error event makes the SDKs throw.
    fail: (error: GatewayError) =>
      lifecycle("response.failed", {
        status: "failed",
        error: responseError(error),
        output: output("incomplete"),
      }) +
      event("error", {
        code: error.code ?? error.type,
        message: error.message,
        param: error.param,
      }),
  };
}

function response(
  identity: AnswerIdentity,
  settings: ResponseSettings,
  targets: CallTargets,
  face: ResponsesFace,
  answer: CompletionAccumulator,
  charge: Charge,
) {
  const ids = responseIds(identity);
  const { status, incomplete_details } = finishedStatus(answer.finishReason);
  const itemStatus = status === "completed" ? "completed" : "incomplete";
  const output: unknown[] = [];
  if (answer.text !== "") output.push(messageItem(ids.message, answer.text, itemStatus));
  answer.toolCalls.forEach((call, index) => {
    if (!call) return;
    const target = callTarget(targets, call.name);
    output.push(
      target.type === "custom"
        ? customToolCallItem(ids.customToolCall(index), call, target)
        : functionCallItem(ids.functionCall(index), call, target, itemStatus),
    );
  });
  return responseObject(identity, settings, {
    status,
    incomplete_details,
    output,
    usage: face.usage(charge),
  });
}

/**
 * The Responses API's format for one request: its answers repeat the request's
 * settings, and write each tool call as the tool was declared (`targets`, by
 * the tool's name in the canonical request).
 */
export function responsesFormat(
  settings: ResponseSettings,
  targets: CallTargets,
  face: ResponsesFace = OPENAI_FACE,
): WireFormat {
  return {
    stream: (identity) => streamRenderer(identity, settings, targets, face),
    json: (identity, answer, charge) => response(identity, settings, targets, face, answer, charge),
    error: face.error,
  };
}
