import { z } from "zod";
import { MAX_TEXT } from "../../llm/chat-request.ts";

// The tools a Responses request may declare: functions, custom (freeform) tools,
// namespaces of them, and the tools only OpenAI runs (ADR 021, ADR 041).
// @see https://platform.openai.com/docs/api-reference/responses/create#responses_create-tools

export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** A tool's (or a namespace's) name, as OpenAI accepts it. */
export const toolName = z.string().regex(TOOL_NAME, "must be 1-64 letters, digits, _ or -");
const toolDescription = z.string().max(100_000).nullish();

export const FunctionTool = z.object({
  type: z.literal("function"),
  name: toolName,
  description: toolDescription,
  parameters: z
    .record(z.string(), z.unknown(), { error: "must be a JSON schema object" })
    .nullish(),
  strict: z.boolean().nullish(),
});

// A freeform tool (Codex's apply_patch): the model writes its input as plain
// text. Its grammar, when it has one, goes into the description: no provider
// but OpenAI can constrain output to a grammar.
export const CustomTool = z.object({
  type: z.literal("custom"),
  name: toolName,
  description: toolDescription,
  format: z
    .discriminatedUnion(
      "type",
      [
        z.object({ type: z.literal("text") }),
        z.object({
          type: z.literal("grammar"),
          syntax: z.enum(["lark", "regex"]),
          definition: z.string().max(MAX_TEXT),
        }),
      ],
      { error: "must be of type text or grammar" },
    )
    .nullish(),
});

/** The tools only OpenAI runs: a request may list them (Codex lists web_search), they are left out. */
export const HOSTED_TOOL_TYPES = [
  "web_search",
  "web_search_2025_08_26",
  "web_search_preview",
  "web_search_preview_2025_03_11",
  "file_search",
  "code_interpreter",
  "image_generation",
  "computer",
  "computer_use",
  "computer_use_preview",
  "mcp",
  "local_shell",
  "shell",
  "apply_patch",
  "tool_search",
  "programmatic_tool_calling",
] as const;

export const HostedTool = z.object({ type: z.enum(HOSTED_TOOL_TYPES) });

// A group of tools under one name (the Codex CLI's `functions`, `collaboration`,
// `multi_agent_v1`...): its tools are called with that namespace.
export const NamespaceTool = z.object({
  type: z.literal("namespace"),
  name: toolName,
  description: toolDescription,
  tools: z
    .array(
      z.discriminatedUnion("type", [FunctionTool, CustomTool], {
        error: "must be a function or custom tool",
      }),
    )
    .max(512),
});

export const Tool = z.discriminatedUnion(
  "type",
  [FunctionTool, CustomTool, NamespaceTool, HostedTool],
  {
    error: "must be a function, custom, namespace or OpenAI-hosted tool",
  },
);

export const tools = z.array(Tool).max(512);
