import type { ChatMessage, ChatRequest, ReasoningEffort } from "../../llm/chat-request.ts";
import {
  callableTools,
  type ResponsesContentPart,
  type ResponsesEffort,
  type ResponsesMessageItem,
  type ResponsesRequest,
} from "./responses-request.ts";
import { customToolArguments, customToolParameters, qualifiedToolName } from "./responses-tools.ts";

// A checked Responses request -> the canonical (OpenAI Chat-shaped) request
// (see responses-request.ts for what is kept and what is left out).

/**
 * The canonical request. Its messages are the instructions (a system message,
 * first when given) and then the input; a continuation's earlier turns go
 * between the two (see response-store.server.ts).
 */
export function toChatRequest(input: ResponsesRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  if (input.instructions) messages.push({ role: "system", content: input.instructions });
  messages.push(...inputMessages(input.input));
  const format = input.text?.format;
  const choice = input.tool_choice;
  const tools = callableTools(input);
  return {
    model: input.model,
    messages,
    tools:
      tools.length === 0
        ? undefined
        : tools.map(({ qualifiedName, tool }) => ({
            type: "function",
            function:
              tool.type === "function"
                ? {
                    name: qualifiedName,
                    description: tool.description ?? undefined,
                    parameters: tool.parameters ?? undefined,
                    strict: tool.strict,
                  }
                : {
                    name: qualifiedName,
                    description: tool.description ?? undefined,
                    parameters: customToolParameters(tool),
                  },
          })),
    tool_choice:
      choice === undefined || typeof choice === "string"
        ? choice
        : {
            type: "function",
            function: { name: qualifiedToolName(choice.namespace, choice.name) },
          },
    parallel_tool_calls: input.parallel_tool_calls ?? undefined,
    reasoning_effort: reasoningEffort(input.reasoning?.effort),
    max_completion_tokens: input.max_output_tokens,
    temperature: input.temperature,
    top_p: input.top_p,
    response_format:
      format?.type === "json_schema"
        ? {
            type: "json_schema",
            json_schema: {
              name: format.name,
              description: format.description,
              schema: format.schema,
              strict: format.strict,
            },
          }
        : format,
    stream: input.stream ?? false,
  };
}

/** `ultra` is Codex's `max` plus task delegation, which Codex does itself. */
const reasoningEffort = (
  effort: ResponsesEffort | null | undefined,
): ReasoningEffort | undefined => (effort === "ultra" ? "max" : (effort ?? undefined));

type Part = ResponsesContentPart;
type UserPart = Exclude<Extract<ChatMessage, { role: "user" }>["content"], string>[number];

/**
 * Input items as canonical messages: function calls join the assistant turn
 * before them, under their qualified names. A tool output's images (Codex's
 * view_image) follow the tool messages as a user turn: no provider takes
 * images in a tool message, every one in a user turn.
 */
export function inputMessages(input: ResponsesRequest["input"]): ChatMessage[] {
  if (typeof input === "string") return [{ role: "user", content: input }];
  const messages: ChatMessage[] = [];
  let outputImages: UserPart[] = [];
  const flushImages = () => {
    if (outputImages.length > 0) messages.push({ role: "user", content: outputImages });
    outputImages = [];
  };
  for (const item of input) {
    if (item.type !== "function_call_output" && item.type !== "custom_tool_call_output")
      flushImages();
    switch (item.type) {
      case "message":
        messages.push(message(item.role, item.content));
        break;
      case "function_call":
      case "custom_tool_call": {
        const call = {
          id: item.call_id,
          type: "function" as const,
          function: {
            name: qualifiedToolName(item.namespace, item.name),
            arguments:
              item.type === "function_call" ? item.arguments : customToolArguments(item.input),
          },
        };
        const last = messages.at(-1);
        if (last?.role === "assistant") last.tool_calls = [...(last.tool_calls ?? []), call];
        else messages.push({ role: "assistant", content: null, tool_calls: [call] });
        break;
      }
      case "function_call_output":
      case "custom_tool_call_output": {
        const images = typeof item.output === "string" ? [] : item.output.flatMap(attachment);
        const text = typeof item.output === "string" ? item.output : joinText(item.output);
        messages.push({
          role: "tool",
          tool_call_id: item.call_id,
          content: text || (images.length > 0 ? "(attachments, in the next message)" : ""),
        });
        if (images.length > 0)
          outputImages.push(
            { type: "text", text: `What tool call ${item.call_id} returned:` },
            ...images,
          );
        break;
      }
      default:
        break;
    }
  }
  flushImages();
  return messages;
}

/** An image or file of a tool's output, as a user part. */
const attachment = (part: Part): UserPart[] =>
  part.type === "input_image" || part.type === "input_file" ? [userPart(part)] : [];

function userPart(part: Part): UserPart {
  switch (part.type) {
    case "input_image":
      return { type: "image_url", image_url: { url: part.image_url, detail: part.detail } };
    case "input_file":
      return {
        type: "file",
        file: { file_data: part.file_data, ...(part.filename ? { filename: part.filename } : {}) },
      };
    case "refusal":
      return { type: "text", text: part.refusal };
    default:
      return { type: "text", text: part.text };
  }
}

function message(role: ResponsesMessageItem["role"], content: string | Part[]): ChatMessage {
  if (typeof content === "string") return { role, content };
  if (role !== "user") return { role, content: joinText(content) };
  const parts = content.map(userPart);
  return { role, content: parts.length > 0 ? parts : "" };
}

function joinText(parts: Part[]) {
  return parts
    .map((part) =>
      part.type === "refusal"
        ? part.refusal
        : part.type === "input_text" || part.type === "output_text"
          ? part.text
          : "",
    )
    .join("");
}
