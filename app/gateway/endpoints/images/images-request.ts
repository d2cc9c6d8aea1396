import { z } from "zod";
import { validateBody } from "../../../http/validate-body.ts";
import { invalidRequest } from "../../../http/gateway-error.ts";
import type { ImageUpload } from "../../../providers/adapter.ts";

// OpenAI's image generation request (ADR 072), as its SDK sends it (openai 7.x:
// resources/images). Options the gateway passes on or bills by are checked here;
// OpenAI's own tuning fields are accepted and left to the provider's defaults.
// @see https://platform.openai.com/docs/api-reference/images/create

const SIZE = /^(auto|\d{2,5}x\d{2,5})$/;

export const ImagesRequestSchema = z.strictObject({
  model: z.string({ error: "is required and must be a string" }).min(1).max(200),
  prompt: z
    .string({ error: "is required and must be a string" })
    .min(1, "must not be empty")
    .max(32_000, "must be at most 32,000 characters"),
  n: z
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(10, "must be at most 10")
    .optional(),
  size: z.string().regex(SIZE, 'must be "auto" or WIDTHxHEIGHT, e.g. "1024x1024"').optional(),
  quality: z.enum(["auto", "low", "medium", "high", "xhigh", "max", "standard", "hd"]).optional(),
  response_format: z.enum(["url", "b64_json"]).optional(),
  output_format: z.enum(["png", "jpeg", "webp"]).optional(),
  background: z.enum(["transparent", "opaque", "auto"]).optional(),
  // Accepted, not passed on: the provider's defaults apply.
  moderation: z.enum(["low", "auto"]).optional(),
  output_compression: z.number().int().min(0).max(100).optional(),
  style: z.enum(["vivid", "natural"]).optional(),
  user: z.string().max(256).optional(),
  safety_identifier: z.string().max(256).optional(),
  stream: z.boolean().optional(),
  partial_images: z.number().int().min(0).max(3).optional(),
});

export interface ImagesRequest {
  model: string;
  prompt: string;
  n: number;
  size: string;
  quality: string;
  responseFormat: "url" | "b64_json";
  outputFormat?: string;
  background?: string;
  /** An edit's images and mask (POST /v1/images/edits). */
  images?: ImageUpload[];
  mask?: ImageUpload;
}

/** The request, or a 400 naming the bad field. */
export function parseImagesRequest(body: unknown): ImagesRequest {
  const request = validateBody(ImagesRequestSchema, body);
  if (request.stream)
    throw invalidRequest("Streamed image generation is not served: leave out stream", "stream");
  return {
    model: request.model,
    prompt: request.prompt,
    n: request.n ?? 1,
    size: request.size ?? "auto",
    quality: request.quality ?? "auto",
    responseFormat: request.response_format ?? "b64_json",
    outputFormat: request.output_format,
    background: request.background,
  };
}
