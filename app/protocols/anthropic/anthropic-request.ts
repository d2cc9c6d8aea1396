import { z } from "zod";
import { validateBody } from "../../http/validate-body.ts";
import { MAX_TEXT, text, type ChatRequest } from "../../llm/chat-request.ts";
import type { NativeRequest } from "../../providers/adapter.ts";
import { toChatRequest } from "./anthropic-to-chat-request.ts";

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
export type AnthropicCommonRequest = z.infer<typeof CommonSchema>;
export type AnthropicMessage = z.infer<typeof MessageSchema>;
export type AnthropicTextBlock = z.infer<typeof TextBlock>;
export type AnthropicImageBlock = z.infer<typeof ImageBlock>;
export type AnthropicDocumentBlock = z.infer<typeof DocumentBlock>;

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
