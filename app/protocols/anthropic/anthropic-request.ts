import { z } from "zod";
import { invalidRequest } from "../../http/gateway-error.ts";
import { validateBody } from "../../http/validate-body.ts";
import { MAX_TEXT, text, type ChatMessage, type ChatRequest } from "../../llm/chat-request.ts";
import type { NativeRequest } from "../../providers/adapter.ts";

// Anthropic's Messages request -> the canonical (OpenAI-shaped) request, so
// that any catalog model can answer it. Fields the canonical request cannot
// carry (thinking, cache_control, metadata, top_k, context_management...) are
// accepted and dropped; Claude gets them with the client's own body.
// @see https://docs.anthropic.com/en/api/messages

// Tools Anthropic runs itself (web search, web fetch, code execution): the
// gateway cannot bill their fees, nor can another provider run them, so they
// are left out of every request and named in a response header (ADR 020).
const SERVER_TOOL =
  /^(web_search|web_fetch|code_execution|tool_search_tool_regex|tool_search_tool_bm25)_\d{8}$/;

const isServerTool = (tool: unknown) =>
  typeof tool === "object" &&
  tool !== null &&
  "type" in tool &&
  typeof tool.type === "string" &&
  SERVER_TOOL.test(tool.type);

/** The server tools' types a request lists, once each. */
function serverToolTypes(body: unknown): string[] {
  const tools = (body as { tools?: unknown })?.tools;
  if (!Array.isArray(tools)) return [];
  return [...new Set(tools.filter(isServerTool).map((tool: { type: string }) => tool.type))];
}

const TextBlock = z.object({ type: z.literal("text"), text });

const ImageBlock = z.object({
  type: z.literal("image"),
  source: z.discriminatedUnion(
    "type",
    [
      z.object({
        type: z.literal("base64"),
        media_type: z.enum(["image/jpeg", "image/png", "image/gif", "image/webp"]),
        data: z.string().max(MAX_TEXT),
      }),
      z.object({ type: z.literal("url"), url: z.url({ protocol: /^https?$/ }).max(MAX_TEXT) }),
    ],
    { error: "must be a base64 or url image source" },
  ),
});

// A document: a PDF, plain text or content blocks (Claude Code's Read of a PDF).
// Claude gets it as it came; other models get the PDF as a file part, the text as text.
const DocumentBlock = z.object({
  type: z.literal("document"),
  source: z.discriminatedUnion(
    "type",
    [
      z.object({
        type: z.literal("base64"),
        media_type: z.literal("application/pdf", { error: 'must be "application/pdf"' }),
        data: z.string().max(MAX_TEXT),
      }),
      z.object({ type: z.literal("text"), media_type: z.literal("text/plain"), data: text }),
      z.object({
        type: z.literal("content"),
        content: z.union([text, z.array(z.discriminatedUnion("type", [TextBlock, ImageBlock]))]),
      }),
    ],
    {
      error:
        "must be a base64 PDF, text or content source (url and file documents are not supported: send the PDF as base64)",
    },
  ),
  title: z.string().max(1000).nullish(),
});

const ToolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(64),
  input: z.record(z.string(), z.unknown()),
});

const ToolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1).max(200),
  content: z
    .union([
      text,
      z.array(
        z.discriminatedUnion("type", [TextBlock, ImageBlock, DocumentBlock], {
          error: "must be a text, image or document block",
        }),
      ),
    ])
    .optional(),
  is_error: z.boolean().optional(),
});

// Reasoning of an earlier turn: only a Claude model could read it back, so it is dropped.
const ThinkingBlock = z.object({ type: z.enum(["thinking", "redacted_thinking"]) });

const Block = z.discriminatedUnion(
  "type",
  [TextBlock, ImageBlock, DocumentBlock, ToolUseBlock, ToolResultBlock, ThinkingBlock],
  { error: "must be a text, image, document, tool_use, tool_result or thinking block" },
);

const MessageSchema = z.object({
  role: z.enum(["user", "assistant", "system"], { error: "must be user or assistant" }),
  content: z.union([text, z.array(Block).max(10_000)]),
});

const ToolSchema = z.object({
  type: z
    .literal("custom", {
      error: 'must be "custom" or left out (Anthropic-defined client tools are not supported)',
    })
    .optional(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -"),
  description: z.string().max(100_000).optional(),
  input_schema: z.record(z.string(), z.unknown(), { error: "must be a JSON schema object" }),
});

const ToolChoiceSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
    z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
    z.object({
      type: z.literal("tool"),
      name: z.string().min(1).max(64),
      disable_parallel_tool_use: z.boolean().optional(),
    }),
    z.object({ type: z.literal("none") }),
  ],
  { error: "must be of type auto, any, tool or none" },
);

const tokenCount = z
  .number({ error: "is required and must be a number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(10_000_000, "is too large");

const CommonSchema = z.object({
  model: z.string({ error: "is required and must be a string" }).min(1).max(200),
  system: z.union([text, z.array(TextBlock)]).optional(),
  messages: z
    .array(MessageSchema, { error: "is required and must be an array of messages" })
    .min(1, "must contain at least one message")
    .max(100_000),
  tools: z
    .preprocess(
      (tools) => (Array.isArray(tools) ? tools.filter((tool) => !isServerTool(tool)) : tools),
      z.array(ToolSchema).max(512),
    )
    .optional(),
  tool_choice: ToolChoiceSchema.optional(),
  stop_sequences: z.array(z.string().min(1).max(1000)).max(4, "at most 4 are supported").optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stream: z.boolean().optional(),
});

export const MessagesRequestSchema = CommonSchema.extend({ max_tokens: tokenCount });

export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

/**
 * POST /v1/messages: the canonical request (for any model), or a 400 naming the
 * bad field; and the body as it came, with the beta flags, for Claude.
 */
export function parseMessagesRequest(
  body: unknown,
  request: Request,
): { request: ChatRequest; native: NativeRequest; ignoredTools: string[] } {
  const input = validateBody(MessagesRequestSchema, body);
  const chat = toChatRequest(input);
  const beta = request.headers.get("anthropic-beta");
  const ignoredTools = serverToolTypes(body);
  return {
    request: chat,
    native: {
      protocol: "anthropic",
      body:
        ignoredTools.length === 0 ? (body as Record<string, unknown>) : withoutServerTools(body),
      headers: beta ? { "anthropic-beta": beta } : {},
    },
    ignoredTools,
  };
}

/** The client's body as Claude gets it: the same, without the server tools. */
function withoutServerTools(body: unknown): Record<string, unknown> {
  const { tools, ...rest } = body as { tools: unknown[] };
  const kept = tools.filter((tool) => !isServerTool(tool));
  return kept.length > 0 ? { ...rest, tools: kept } : rest;
}

/** POST /v1/messages/count_tokens: the same body; max_tokens is not needed. */
export function parseCountTokensRequest(body: unknown): ChatRequest {
  return toChatRequest(validateBody(CommonSchema, body));
}

function toChatRequest(input: z.infer<typeof CommonSchema> & { max_tokens?: number }): ChatRequest {
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

type Message = z.infer<typeof MessageSchema>;
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

type ContentBlock =
  z.infer<typeof TextBlock> | z.infer<typeof ImageBlock> | z.infer<typeof DocumentBlock>;

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

function imageUrl(source: z.infer<typeof ImageBlock>["source"]) {
  return source.type === "url" ? source.url : `data:${source.media_type};base64,${source.data}`;
}
