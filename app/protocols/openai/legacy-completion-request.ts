import { z } from "zod";
import { validateBody } from "../../http/validate-body.ts";
import { ChatRequestSchema, MAX_TEXT, type ChatRequest } from "../../llm/chat-request.ts";

// OpenAI's legacy Completions request (a prompt in, text out) -> the canonical
// chat request: the prompt is one user message, so that every catalog model
// answers it, as OpenRouter does for chat models. What that cannot honour is
// refused by name, not ignored: several prompts, token-id prompts, echo,
// logprobs, best_of above 1, suffix (insertion). The settings both APIs share
// are the chat request's own, and their errors name them the same way.
// @see https://platform.openai.com/docs/api-reference/completions/create

/** One prompt, as a string or an array of one string; each refusal says what to change. */
const prompt = z.unknown().transform((value, ctx) => {
  const refuse = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  if (value === undefined) return refuse("is required");
  // [1, 2, 3] is one prompt of token ids; [[1, 2], [3]] is several.
  const tokenIds = Array.isArray(value) && value.length > 0 && value.every(Number.isInteger);
  const prompts = Array.isArray(value) && !tokenIds ? value : [value];
  if (prompts.length === 0) return refuse("must not be empty");
  if (prompts.length > 1)
    return refuse("must be one prompt: several prompts in one request are not supported");
  const [only] = prompts;
  if (typeof only !== "string")
    return refuse("must be a string (token-id prompts are not supported)");
  if (only === "") return refuse("must not be empty");
  if (only.length > MAX_TEXT) return refuse(`must be at most ${MAX_TEXT} characters`);
  return only;
});

const PromptSchema = z.object({
  prompt,
  suffix: z
    .union([z.null(), z.literal("")], { error: "is not supported (no insertion)" })
    .optional(),
  echo: z
    .literal(false, { error: "is not supported: the answer does not repeat the prompt" })
    .nullish(),
  logprobs: z.null({ error: "is not supported" }).optional(),
  best_of: z.literal(1, { error: "only best_of = 1 is supported" }).nullish(),
});

/** What the legacy request shares with the chat request; the rest (penalties, seed, user) is dropped, as chat drops it. */
const SHARED = [
  "model",
  "max_tokens",
  "temperature",
  "top_p",
  "stop",
  "n",
  "stream",
  "stream_options",
  "models",
  "provider",
] as const;

/** The canonical request, or a 400 naming the bad field. */
export function parseLegacyCompletionRequest(body: unknown): ChatRequest {
  const { prompt } = validateBody(PromptSchema, body);
  const shared = Object.fromEntries(
    SHARED.filter((field) => field in (body as object)).map((field) => [
      field,
      (body as Record<string, unknown>)[field],
    ]),
  );
  return validateBody(ChatRequestSchema, {
    ...shared,
    messages: [{ role: "user", content: prompt }],
  });
}
