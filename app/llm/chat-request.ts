import { z } from "zod";

// The canonical request: OpenAI's Chat Completions body, the subset every
// provider adapter understands. Unknown fields are dropped, as OpenAI's SDK
// sends many we do not forward. @see https://platform.openai.com/docs/api-reference/chat/create

/** Characters in one string: well above any model's context. Every protocol's limit. */
export const MAX_TEXT = 4_000_000;

/** A string of text in any protocol's request. */
export const text = z.string().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);

const TextPartSchema = z.object({ type: z.literal("text"), text });

const ImagePartSchema = z.object({
  type: z.literal("image_url"),
  image_url: z.object({
    url: z
      .string()
      .max(MAX_TEXT)
      .refine((url) => /^(https?:\/\/|data:image\/[\w.+-]+;base64,)/.test(url), {
        message: "must be an http(s) URL or a data:image/...;base64, URL",
      }),
    detail: z.enum(["auto", "low", "high", "original"]).optional(),
  }),
});

/** A PDF given whole, as OpenAI's chat API takes it; every provider reads PDFs. */
export const PDF_DATA_URL = /^data:application\/pdf;base64,/;

const FilePartSchema = z.object({
  type: z.literal("file"),
  file: z.object({
    file_data: z
      .string({ error: "is required: file ids are not supported" })
      .max(MAX_TEXT)
      .regex(PDF_DATA_URL, "must be a data:application/pdf;base64, URL (PDFs only)"),
    filename: z.string().max(1000).optional(),
  }),
});

/** Audio given whole (ADR 072), as OpenAI's chat API takes it: base64 WAV or MP3. */
const AudioPartSchema = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({
    data: z
      .string()
      .min(1, "must not be empty")
      .max(MAX_TEXT)
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be base64"),
    format: z.enum(["wav", "mp3"]),
  }),
});

const UserPartSchema = z.discriminatedUnion(
  "type",
  [TextPartSchema, ImagePartSchema, FilePartSchema, AudioPartSchema],
  {
    error: "must be a content part of type text, image_url, file or input_audio",
  },
);

const RefusalPartSchema = z.object({ type: z.literal("refusal"), refusal: text });

const ToolCallSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.literal("function"),
  function: z.object({ name: z.string().min(1).max(64), arguments: text }),
});

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export const ChatMessageSchema = z.discriminatedUnion(
  "role",
  [
    z.object({
      role: z.enum(["system", "developer"]),
      content: z.union([text, z.array(TextPartSchema).min(1)]),
      name: z.string().optional(),
    }),
    z.object({
      role: z.literal("user"),
      content: z.union([text, z.array(UserPartSchema).min(1)]),
      name: z.string().optional(),
    }),
    z.object({
      role: z.literal("assistant"),
      content: z
        .union([text, z.array(z.discriminatedUnion("type", [TextPartSchema, RefusalPartSchema]))])
        .nullish(),
      tool_calls: z.array(ToolCallSchema).optional(),
      name: z.string().optional(),
    }),
    z.object({
      role: z.literal("tool"),
      content: z.union([text, z.array(TextPartSchema).min(1)]),
      tool_call_id: z.string().min(1),
    }),
  ],
  { error: "must have a role of system, developer, user, assistant or tool" },
);

const ToolSchema = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().regex(TOOL_NAME, "must be 1-64 letters, digits, _ or -"),
    description: z.string().max(100_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const ToolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({
    type: z.literal("function"),
    function: z.object({ name: z.string().regex(TOOL_NAME) }),
  }),
]);

/**
 * How hard a reasoning model thinks, in OpenAI's terms; each adapter sends the
 * nearest level its provider accepts (providers/reasoning-effort.ts).
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat_create-reasoning_effort
 */
export const REASONING_EFFORTS = [
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
  "max",
] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

const providerList = z.array(z.string().min(1).max(64)).max(20);

// Throughput and latency: the medians of each provider's recent streams (provider-speeds.server.ts).
const SortSchema = z.enum(["price", "throughput", "latency"], {
  error: 'must be "price", "throughput" or "latency"',
});

const ProviderPreferencesSchema = z.object({
  order: providerList.optional(),
  only: providerList.optional(),
  ignore: providerList.optional(),
  allow_fallbacks: z.boolean().optional(),
  // OpenRouter's sort: a name, or {by, partition}; partition "none" sorts the
  // routes of every model together instead of each model's on its own.
  sort: z
    .union([
      SortSchema,
      z.object({
        by: SortSchema,
        partition: z.enum(["model", "none"], { error: 'must be "model" or "none"' }).nullish(),
      }),
    ])
    .transform((sort) => (typeof sort === "string" ? { by: sort, partition: "model" } : sort))
    .optional(),
});

export type ProviderPreferences = z.infer<typeof ProviderPreferencesSchema>;

const tokenCount = z
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(10_000_000, "is too large");

export const ChatRequestSchema = z
  .object({
    model: z
      .string({ error: "is required and must be a string" })
      .min(1, "must not be empty")
      .max(200),
    messages: z
      .array(ChatMessageSchema, { error: "is required and must be an array of messages" })
      .min(1, "must contain at least one message")
      .max(100_000),
    tools: z.array(ToolSchema).max(512).optional(),
    tool_choice: ToolChoiceSchema.optional(),
    parallel_tool_calls: z.boolean().optional(),
    reasoning_effort: z
      .enum(REASONING_EFFORTS, { error: `must be one of ${REASONING_EFFORTS.join(", ")}` })
      .nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    max_completion_tokens: tokenCount.nullish(),
    max_tokens: tokenCount.nullish(),
    stop: z.union([z.string().max(1000), z.array(z.string().max(1000)).max(4)]).nullish(),
    response_format: z
      .discriminatedUnion("type", [
        z.object({ type: z.literal("text") }),
        z.object({ type: z.literal("json_object") }),
        z.object({
          type: z.literal("json_schema"),
          json_schema: z.object({
            name: z.string().min(1).max(64),
            description: z.string().optional(),
            schema: z.record(z.string(), z.unknown()).optional(),
            strict: z.boolean().nullish(),
          }),
        }),
      ])
      .optional(),
    n: z.literal(1, { error: "only n = 1 is supported" }).nullish(),
    // OpenRouter's routing: models to fall back to, and which providers to prefer.
    models: z.array(z.string().min(1).max(200)).max(10, "at most 10 models").optional(),
    provider: ProviderPreferencesSchema.optional(),
    // What the answer may hold (OpenRouter's and OpenAI's `modalities`): text, and images from
    // the models that make them in a chat (ADR 073). Audio answers are not served.
    modalities: z
      .array(
        z.enum(["text", "image"], {
          error: 'must be "text" or "image" (audio answers are not served)',
        }),
      )
      .max(2)
      .nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  })
  .superRefine((request, ctx) => {
    if (request.tool_choice && request.tool_choice !== "none" && !request.tools?.length) {
      ctx.addIssue({ code: "custom", path: ["tool_choice"], message: "needs tools" });
    }
  });

export type ChatRequest = z.infer<typeof ChatRequestSchema>;
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** The output cap the client asked for, if any (max_completion_tokens wins over the deprecated max_tokens). */
export function requestedMaxTokens(request: ChatRequest): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? undefined;
}

/** Whether the client asked for images in the answer (`modalities` with "image"). */
export const wantsImages = (request: ChatRequest) => request.modalities?.includes("image") === true;

/** The text of a message's content, parts joined; images and refusals contribute nothing. */
export function contentText(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  return (content ?? []).map((part) => ("text" in part ? part.text : "")).join("");
}
