import { z } from "zod";
import { validateBody } from "../../../http/validate-body.ts";
import { MAX_TEXT } from "../../../llm/chat-request.ts";

// OpenAI's embeddings request. Token-id arrays are not accepted: the gateway
// serves models of several providers, and token ids are one tokenizer's.
// @see https://platform.openai.com/docs/api-reference/embeddings/create

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
  const { input, ...rest } = validateBody(EmbeddingsRequestSchema, body);
  return { ...rest, inputs: typeof input === "string" ? [input] : input };
}
