import { invalidRequest } from "../../http/gateway-error.ts";
import type { ChatMessage, ChatRequest } from "../../llm/chat-request.ts";
import type {
  AnthropicCommonRequest,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
} from "./anthropic-request.ts";

// A checked Messages request -> the canonical (OpenAI-shaped) request, so that
// any catalog model can answer it (see anthropic-request.ts for what is dropped).
// @see https://docs.anthropic.com/en/api/messages

export function toChatRequest(
  input: AnthropicCommonRequest & { max_tokens?: number },
): ChatRequest {
  const messages: ChatMessage[] = [];
  const system = typeof input.system === "string" ? input.system : joinText(input.system ?? []);
  if (system) messages.push({ role: "system", content: system });
  for (const message of input.messages) messages.push(...toChatMessages(message));
  if (!messages.some((message) => message.role !== "system"))
    throw invalidRequest("messages: must contain a user or assistant message", "messages");
  const choice = input.tool_choice;
  if (choice && choice.type !== "none" && !input.tools?.length)
    throw invalidRequest("tool_choice: needs tools", "tool_choice");
  if (choice?.type === "tool" && !input.tools?.some((tool) => tool.name === choice.name))
    throw invalidRequest(
      `tool_choice.name: '${choice.name}' is not one of the tools (server tools are left out)`,
      "tool_choice.name",
    );
  return {
    model: input.model,
    messages,
    tools: input.tools?.length
      ? input.tools.map((tool) => ({
          type: "function",
          function: {
            name: tool.name,
            description: tool.description,
            parameters: tool.input_schema,
          },
        }))
      : undefined,
    tool_choice:
      choice === undefined
        ? undefined
        : choice.type === "auto"
          ? "auto"
          : choice.type === "any"
            ? "required"
            : choice.type === "none"
              ? "none"
              : { type: "function", function: { name: choice.name } },
    parallel_tool_calls:
      choice && "disable_parallel_tool_use" in choice && choice.disable_parallel_tool_use
        ? false
        : undefined,
    max_tokens: input.max_tokens,
    stop: input.stop_sequences,
    temperature: input.temperature,
    top_p: input.top_p,
    stream: input.stream ?? false,
  };
}

type Message = AnthropicMessage;
type UserPart = Exclude<Extract<ChatMessage, { role: "user" }>["content"], string>[number];

/**
 * One Anthropic turn as canonical messages: a user turn's tool results become
 * tool messages (first, as they answer the previous assistant turn), an
 * assistant turn's tool_use blocks become its tool calls.
 */
function toChatMessages(message: Message): ChatMessage[] {
  if (typeof message.content === "string") {
    return [{ role: message.role, content: message.content }];
  }
  const blocks = message.content;
  if (message.role === "system") return [{ role: "system", content: joinText(blocks) }];
  if (message.role === "assistant") {
    const calls = blocks.flatMap((block) =>
      block.type === "tool_use"
        ? [
            {
              id: block.id,
              type: "function" as const,
              function: { name: block.name, arguments: JSON.stringify(block.input) },
            },
          ]
        : [],
    );
    return [
      {
        role: "assistant",
        content: joinText(blocks) || (calls.length > 0 ? null : ""),
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      },
    ];
  }
  const results: ChatMessage[] = [];
  // A tool result's images and PDFs (Claude Code's Read of a screenshot or a
  // PDF) follow the tool messages in the user turn: no provider but Claude
  // takes them in a tool result.
  const resultAttachments: UserPart[] = [];
  const parts: UserPart[] = [];
  for (const block of blocks) {
    if (block.type === "tool_result") {
      const content = typeof block.content === "string" ? [] : (block.content ?? []);
      const textOf =
        typeof block.content === "string"
          ? block.content
          : joinText(content.filter((inner) => inner.type === "text"));
      const attachments = content.flatMap((inner) =>
        inner.type === "text" ? [] : userParts(inner),
      );
      results.push({
        role: "tool",
        tool_call_id: block.tool_use_id,
        content: `${block.is_error ? "Error: " : ""}${textOf || (attachments.length > 0 ? "(attachments, in the next message)" : "")}`,
      });
      if (attachments.length > 0)
        resultAttachments.push(
          { type: "text", text: `What tool call ${block.tool_use_id} returned:` },
          ...attachments,
        );
    } else if (block.type === "text" || block.type === "image" || block.type === "document")
      parts.push(...userParts(block));
  }
  const user = [...resultAttachments, ...parts];
  return user.length > 0 ? [...results, { role: "user", content: user }] : results;
}

type ContentBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock;

/** A content block as canonical user parts: a PDF becomes a file part, a text document its text. */
function userParts(block: ContentBlock): UserPart[] {
  if (block.type === "text") return [{ type: "text", text: block.text }];
  if (block.type === "image")
    return [{ type: "image_url", image_url: { url: imageUrl(block.source) } }];
  const { source, title } = block;
  if (source.type === "base64")
    return [
      {
        type: "file",
        file: {
          file_data: `data:application/pdf;base64,${source.data}`,
          ...(title ? { filename: title } : {}),
        },
      },
    ];
  const heading = title ? [{ type: "text" as const, text: title }] : [];
  if (source.type === "text") return [...heading, { type: "text", text: source.data }];
  if (typeof source.content === "string")
    return [...heading, { type: "text", text: source.content }];
  return [...heading, ...source.content.flatMap(userParts)];
}

function joinText(blocks: readonly { type: string; text?: string }[]) {
  return blocks
    .map((block) => (block.type === "text" ? block.text : ""))
    .filter(Boolean)
    .join("\n\n");
}

function imageUrl(source: AnthropicImageBlock["source"]) {
  return source.type === "url" ? source.url : `data:${source.media_type};base64,${source.data}`;
}
