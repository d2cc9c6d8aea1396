import { contentText, type ChatRequest } from "../../llm/chat-request.ts";
import { invalidRequest } from "../../http/gateway-error.ts";
import { standardJsonSchema } from "../json-schema-keywords.ts";
import { anthropicEffort } from "../reasoning-effort.ts";

// Canonical (OpenAI-shaped) request -> Anthropic Messages body.
// @see https://docs.anthropic.com/en/api/messages

type AnthropicBlock =
  | { type: "text"; text: string }
  | {
      type: "image";
      source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
    }
  | {
      type: "document";
      source: { type: "base64"; media_type: "application/pdf"; data: string };
      title?: string;
    }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; tool_use_id: string; content: string };

export interface AnthropicMessage {
  role: "user" | "assistant";
  content: AnthropicBlock[];
}

export interface AnthropicParams {
  model: string;
  max_tokens: number;
  system?: string;
  messages: AnthropicMessage[];
  stop_sequences?: string[];
  tools?: { name: string; description?: string; input_schema: Record<string, unknown> }[];
  tool_choice?:
    | { type: "auto" | "any" | "none"; disable_parallel_tool_use?: boolean }
    | { type: "tool"; name: string };
  output_config?: { effort: ReturnType<typeof anthropicEffort> };
}

/**
 * System and developer messages become the top-level `system`; tool results
 * become user turns; consecutive turns of one role are merged, as Anthropic
 * requires alternating roles. Anthropic has no JSON mode: we ask for JSON in
 * the system prompt. temperature/top_p are not sent: current Claude models
 * reject values other than their defaults. The reasoning effort is Claude's
 * output_config.effort; tool schemas keep JSON Schema's own keywords only.
 */
export function toAnthropicParams(
  request: ChatRequest,
  upstreamModel: string,
  maxTokens: number,
): AnthropicParams {
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage["role"], blocks: AnthropicBlock[]) => {
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };

  for (const [index, message] of request.messages.entries()) {
    switch (message.role) {
      case "system":
      case "developer":
        system.push(contentText(message.content));
        break;
      case "user":
        push(
          "user",
          typeof message.content === "string"
            ? [{ type: "text", text: message.content }]
            : message.content.map((part) =>
                part.type === "text"
                  ? { type: "text", text: part.text }
                  : part.type === "file"
                    ? documentBlock(part.file)
                    : part.type === "input_audio"
                      ? noAudio()
                      : imageBlock(part.image_url.url),
              ),
        );
        break;
      case "assistant": {
        const blocks: AnthropicBlock[] = [];
        const text = contentText(message.content);
        if (text) blocks.push({ type: "text", text });
        for (const call of message.tool_calls ?? []) {
          blocks.push({
            type: "tool_use",
            id: call.id,
            name: call.function.name,
            input: parseArguments(call.function.arguments, index),
          });
        }
        if (blocks.length > 0) push("assistant", blocks);
        break;
      }
      case "tool":
        push("user", [
          {
            type: "tool_result",
            tool_use_id: message.tool_call_id,
            content: contentText(message.content),
          },
        ]);
        break;
    }
  }

  const format = request.response_format;
  if (format?.type === "json_object")
    system.push("Answer with one valid JSON object and nothing else.");
  if (format?.type === "json_schema") {
    system.push(
      `Answer with one JSON value that matches this JSON Schema, and nothing else:\n${JSON.stringify(format.json_schema.schema ?? {})}`,
    );
  }

  const params: AnthropicParams = { model: upstreamModel, max_tokens: maxTokens, messages };
  if (system.length > 0) params.system = system.join("\n\n");
  if (request.stop)
    params.stop_sequences = Array.isArray(request.stop) ? request.stop : [request.stop];
  if (request.tools?.length) {
    params.tools = request.tools.map(({ function: fn }) => ({
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      input_schema: (standardJsonSchema(fn.parameters) as Record<string, unknown> | undefined) ?? {
        type: "object",
        properties: {},
      },
    }));
  }
  const choice = request.tool_choice;
  const parallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === "auto") params.tool_choice = { type: "auto", ...parallel };
  else if (choice === "required") params.tool_choice = { type: "any", ...parallel };
  else if (choice === "none") params.tool_choice = { type: "none" };
  else if (choice) params.tool_choice = { type: "tool", name: choice.function.name };
  if (request.reasoning_effort)
    params.output_config = { effort: anthropicEffort(request.reasoning_effort) };
  return params;
}

function imageBlock(url: string): AnthropicBlock {
  const data = /^data:(image\/[\w.+-]+);base64,(.*)$/s.exec(url);
  if (data)
    return { type: "image", source: { type: "base64", media_type: data[1]!, data: data[2]! } };
  return { type: "image", source: { type: "url", url } };
}

function documentBlock(file: { file_data: string; filename?: string }): AnthropicBlock {
  return {
    type: "document",
    source: {
      type: "base64",
      media_type: "application/pdf",
      data: file.file_data.slice(file.file_data.indexOf(",") + 1),
    },
    ...(file.filename ? { title: file.filename } : {}),
  };
}

function parseArguments(text: string, index: number) {
  try {
    return JSON.parse(text || "{}") as unknown;
  } catch {
    throw invalidRequest(
      `messages[${index}].tool_calls: function.arguments must be a JSON object`,
      `messages[${index}].tool_calls`,
    );
  }
}

/** Claude takes no audio: requests with audio are sent to other routes (handle-chat's audio check). */
function noAudio(): never {
  throw new Error("Claude takes no audio input: a request with audio must not reach it");
}
