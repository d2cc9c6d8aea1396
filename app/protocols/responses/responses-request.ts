import { z } from "zod";
import { invalidRequest } from "../../http/gateway-error.ts";
import { validateBody } from "../../http/validate-body.ts";
import { MAX_TEXT, PDF_DATA_URL, text } from "../../llm/chat-request.ts";
import { declaredTools, type DeclaredTool } from "./responses-tools.ts";
import {
  TOOL_NAME,
  toolName,
  tools,
  type CustomTool,
  type FunctionTool,
} from "./responses-tool-schemas.ts";

// OpenAI's Responses request, checked here and turned into the canonical (OpenAI
// Chat-shaped) request by to-chat-request.ts, so that any catalog model can
// answer it. Function tools pass as they are; custom (freeform) tools become
// functions with one string argument; the tools that run on OpenAI's side (web
// search, file search...) are left out, as only OpenAI can run them (ADR 021).
// Namespaced tools and `additional_tools` items (the Codex CLI's) are flattened
// into uniquely named functions (ADR 041, responses-tools.ts).
// @see https://platform.openai.com/docs/api-reference/responses/create

const callId = z.string().min(1, "must not be empty").max(200);

const InputText = z.object({ type: z.enum(["input_text", "output_text"]), text });
const Refusal = z.object({ type: z.literal("refusal"), refusal: text });
const InputImage = z.object({
  type: z.literal("input_image"),
  image_url: z
    .string({ error: "is required: file ids are not supported" })
    .max(MAX_TEXT)
    .refine((url) => /^(https?:\/\/|data:image\/[\w.+-]+;base64,)/.test(url), {
      message: "must be an http(s) URL or a data:image/...;base64, URL",
    }),
  detail: z.enum(["auto", "low", "high", "original"]).optional(),
});

// A PDF given whole (the Agents SDK's file inputs); file ids and URLs name
// files only OpenAI holds.
const InputFile = z.object({
  type: z.literal("input_file"),
  file_data: z
    .string({ error: "is required: file ids and file URLs are not supported" })
    .max(MAX_TEXT)
    .regex(PDF_DATA_URL, "must be a data:application/pdf;base64, URL (PDFs only)"),
  filename: z.string().max(1000).nullish(),
});

const ContentPart = z.discriminatedUnion("type", [InputText, Refusal, InputImage, InputFile], {
  error: "must be an input_text, input_image, input_file or output_text part",
});

const MessageItem = z.object({
  type: z.literal("message"),
  role: z.enum(["user", "assistant", "system", "developer"], {
    error: "must be user, assistant, system or developer",
  }),
  content: z.union([text, z.array(ContentPart).max(10_000)]),
});

/** The namespace a call's tool was declared in (see NamespaceTool). */
const callNamespace = toolName.nullish();

const FunctionCallItem = z.object({
  type: z.literal("function_call"),
  call_id: callId,
  name: toolName,
  namespace: callNamespace,
  arguments: text,
});

const FunctionCallOutputItem = z.object({
  type: z.literal("function_call_output"),
  call_id: callId,
  output: z.union([text, z.array(ContentPart).max(10_000)]),
});

const CustomToolCallItem = z.object({
  type: z.literal("custom_tool_call"),
  call_id: callId,
  name: toolName,
  namespace: callNamespace,
  input: text,
});

const CustomToolCallOutputItem = z.object({
  type: z.literal("custom_tool_call_output"),
  call_id: callId,
  output: z.union([text, z.array(ContentPart).max(10_000)]),
});

// Tools offered from this point of the conversation on (what the Codex CLI sends
// for the GPT models it knows, its "responses lite" mode): they join the request's.
const AdditionalToolsItem = z.object({
  type: z.literal("additional_tools"),
  role: z.literal("developer", { error: 'must be "developer"' }).nullish(),
  tools,
});

// Reasoning of an earlier turn, and what OpenAI's own tools did in it: only
// OpenAI (or the model that wrote it) could read them back, so they are dropped.
const DroppedItem = z.object({
  type: z.enum([
    "reasoning",
    "web_search_call",
    "file_search_call",
    "image_generation_call",
    "code_interpreter_call",
    "compaction",
  ]),
});

const Item = z.preprocess(
  // A message may leave out its type ("easy input message").
  (item) =>
    typeof item === "object" && item !== null && !("type" in item) && "role" in item
      ? { ...item, type: "message" }
      : item,
  z.discriminatedUnion(
    "type",
    [
      MessageItem,
      FunctionCallItem,
      FunctionCallOutputItem,
      CustomToolCallItem,
      CustomToolCallOutputItem,
      AdditionalToolsItem,
      DroppedItem,
    ],
    {
      error:
        "must be a message, function_call, function_call_output, custom_tool_call, custom_tool_call_output, additional_tools or reasoning item (others are not supported)",
    },
  ),
);

const ToolChoice = z.union(
  [
    z.enum(["none", "auto", "required"]),
    z.object({
      type: z.enum(["function", "custom"]),
      name: z.string().regex(TOOL_NAME),
      namespace: callNamespace,
    }),
  ],
  { error: 'must be "none", "auto", "required" or a function or custom tool {type, name}' },
);

const TextFormat = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("text") }),
    z.object({ type: z.literal("json_object") }),
    z.object({
      type: z.literal("json_schema"),
      name: toolName,
      description: z.string().max(100_000).optional(),
      schema: z.record(z.string(), z.unknown(), { error: "must be a JSON schema object" }),
      strict: z.boolean().nullish(),
    }),
  ],
  { error: "must be of type text, json_object or json_schema" },
);

/**
 * OpenAI's effort levels, and the Codex CLI's `ultra` (its `max` with automatic
 * task delegation, which is Codex's own doing): mapped to what each provider
 * accepts by the adapters (providers/reasoning-effort.ts).
 */
const RESPONSES_EFFORTS = [
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
  "max",
  "ultra",
] as const;

export const ResponsesRequestSchema = z.object({
  model: z.string({ error: "is required and must be a string" }).min(1).max(200),
  input: z.union([text.min(1, "must not be empty"), z.array(Item).min(1).max(100_000)], {
    error: "is required and must be a string or an array of input items",
  }),
  instructions: text.nullish(),
  tools: tools.optional(),
  tool_choice: ToolChoice.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(10_000_000, "is too large")
    .nullish(),
  text: z.object({ format: TextFormat.optional(), verbosity: z.string().nullish() }).optional(),
  reasoning: z
    .object({
      effort: z
        .enum(RESPONSES_EFFORTS, { error: `must be one of ${RESPONSES_EFFORTS.join(", ")}` })
        .nullish(),
      summary: z.enum(["auto", "concise", "detailed"]).nullish(),
      // Which earlier turns' reasoning the model rereads: only OpenAI keeps reasoning to reread.
      context: z.enum(["auto", "current_turn", "all_turns"]).nullish(),
    })
    .nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((metadata) => Object.keys(metadata).length <= 16, "must have at most 16 keys")
    .nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).max(200).nullish(),
  background: z.literal(false, { error: "background responses are not supported" }).nullish(),
  conversation: z
    .null({ error: "conversations are not supported: use previous_response_id" })
    .optional(),
  truncation: z.enum(["auto", "disabled"]).nullish(),
});

export type ResponsesRequest = z.infer<typeof ResponsesRequestSchema>;

/** The request, checked: a 400 naming the bad field otherwise. */
export function validateResponsesRequest(body: unknown): ResponsesRequest {
  const request = validateBody(ResponsesRequestSchema, body);
  const choice = request.tool_choice;
  if (choice && choice !== "none" && callableTools(request).length === 0)
    throw invalidRequest("tool_choice: needs function or custom tools", "tool_choice");
  if (typeof request.input !== "string") checkItems(request.input, request.previous_response_id);
  return request;
}

/** What the canonical request cannot say: images outside user turns, a conversation without a turn. */
function checkItems(items: Exclude<ResponsesRequest["input"], string>, previous?: string | null) {
  items.forEach((item, i) => {
    if (item.type !== "message" || item.role === "user" || typeof item.content === "string") return;
    const image = item.content.findIndex(
      (part) => part.type === "input_image" || part.type === "input_file",
    );
    if (image !== -1)
      throw invalidRequest(
        `input[${i}].content[${image}]: images and files are only supported in user messages`,
        `input[${i}].content[${image}]`,
      );
  });
  // System and developer messages alone give a model nothing to answer.
  const isTurn = (item: (typeof items)[number]) =>
    item.type === "message"
      ? item.role === "user" || item.role === "assistant"
      : item.type !== "additional_tools" && !DROPPED_ITEM_TYPES.has(item.type);
  if (!items.some(isTurn) && !previous)
    throw invalidRequest("input: must contain a user or assistant turn", "input");
}

const DROPPED_ITEM_TYPES = new Set<string>(DroppedItem.shape.type.options);

type ToolList = NonNullable<ResponsesRequest["tools"]>;
export type CallableTool = z.infer<typeof FunctionTool> | z.infer<typeof CustomTool>;
export type ResponsesContentPart = z.infer<typeof ContentPart>;
export type ResponsesEffort = (typeof RESPONSES_EFFORTS)[number];
export type ResponsesMessageItem = z.infer<typeof MessageItem>;

/** Every list of tools the request declares: its `tools`, then each `additional_tools` item's. */
function toolLists(request: ResponsesRequest): ToolList[] {
  const lists = [request.tools ?? []];
  if (typeof request.input !== "string")
    for (const item of request.input) if (item.type === "additional_tools") lists.push(item.tools);
  return lists;
}

/** The tools a model can call here: function and custom ones, namespaced ones flattened. */
export const callableTools = (request: ResponsesRequest): DeclaredTool<CallableTool>[] =>
  declaredTools<CallableTool>(toolLists(request));

/** What the gateway leaves out of a request: the hosted tools' types, once each. */
export const hostedToolTypes = (request: ResponsesRequest) => [
  ...new Set(
    toolLists(request)
      .flat()
      .filter((tool) => !("name" in tool))
      .map((tool) => tool.type),
  ),
];
