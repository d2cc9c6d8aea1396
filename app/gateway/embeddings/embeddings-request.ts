import { z } from "zod";
import { invalidRequest } from "../../http/gateway-error.ts";
import { describeZodError } from "../../http/zod-issue.ts";

// OpenAI's embeddings request. Token-id arrays are not accepted: the gateway
// serves models of several providers, and token ids are one tokenizer's.
// @see https://platform.openai.com/docs/api-reference/embeddings/create

const MAX_TEXT = 4_000_000;
const text = z
  .string({ error: "must be a string or an array of strings" })
  .min(1, "must not be empty")
  .max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);

export const EmbeddingsRequestSchema = z.object({
  model: z.string({ error: "is required and must be a string" }).min(1).max(200),
  input: z.union([text, z.array(text).min(1, "must not be empty").max(2048)], {
    error: "must be a string or an array of strings",
  }),
  dimensions: z.number().int("must be a whole number").min(1).max(65_536).optional(),
  encoding_format: z.enum(["float", "base64"]).optional(),
  user: z.string().max(256).optional(),
});

export type EmbeddingsRequest = Omit<z.infer<typeof EmbeddingsRequestSchema>, "input"> & {
  inputs: string[];
};

/** The request, or a 400 naming the bad field. */
export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalidRequest("The request body must be a JSON object");
  const parsed = EmbeddingsRequestSchema.safeParse(body);
  if (!parsed.success) {
    const { message, path } = describeZodError(parsed.error);
    throw invalidRequest(message, path);
  }
  const { input, ...rest } = parsed.data;
  return { ...rest, inputs: typeof input === "string" ? [input] : input };
}
