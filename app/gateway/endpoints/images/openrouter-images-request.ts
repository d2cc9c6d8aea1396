import { z } from "zod";
import { invalidRequest } from "../../../http/gateway-error.ts";
import { validateBody } from "../../../http/validate-body.ts";
import type { ImageUpload } from "../../../providers/adapter.ts";
import { checkedImage, checkImageSize } from "./image-upload.ts";
import { ImagesRequestSchema, type ImagesRequest } from "./images-request.ts";

// OpenRouter's image generation request (POST /api/v1/images, ADR 076), as its SDK
// (@openrouter/sdk `images.generate`) and its AI SDK provider (`imageModel`) send it: OpenAI's
// fields, an aspect ratio instead of a size, reference images as data URLs for an edit.
// What the catalog's image models cannot do is a 400 naming it, not silently dropped.

/** The aspect ratios the catalog's image models make, as the size they are made at. */
const SIZES_BY_RATIO: Record<string, string> = {
  auto: "auto",
  "1:1": "1024x1024",
  "2:3": "1024x1536",
  "3:2": "1536x1024",
};

const Reference = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string().min(1) }),
});

const Schema = z.strictObject({
  model: ImagesRequestSchema.shape.model,
  prompt: ImagesRequestSchema.shape.prompt,
  n: ImagesRequestSchema.shape.n,
  size: ImagesRequestSchema.shape.size,
  aspect_ratio: z.string().max(20).optional(),
  resolution: z.string().max(10).optional(),
  quality: z.enum(["auto", "low", "medium", "high", "xhigh", "max"]).optional(),
  background: ImagesRequestSchema.shape.background,
  output_format: z.enum(["png", "jpeg", "webp", "svg"]).optional(),
  output_compression: z.number().int().min(0).max(100).optional(),
  seed: z.number().int().optional(),
  input_references: z.array(Reference).max(16, "at most 16 images").optional(),
  stream: z.boolean().optional(),
  // Who asks and how OpenRouter would route: accepted, not applied.
  provider: z.record(z.string(), z.unknown()).optional(),
  user: z.string().max(256).optional(),
  session_id: z.string().max(256).optional(),
  trace: z.record(z.string(), z.unknown()).optional(),
});

/** The request, or a 4xx naming the bad field. */
export function parseOpenRouterImagesRequest(body: unknown): ImagesRequest {
  const request = validateBody(Schema, body);
  if (request.stream)
    throw invalidRequest("Streamed image generation is not served: leave out stream", "stream");
  if (request.seed !== undefined)
    throw invalidRequest("seed is not served by this gateway's image models", "seed");
  if (request.output_format === "svg")
    throw invalidRequest(
      "output_format svg is not made by these models: png, jpeg or webp",
      "output_format",
    );
  if (request.resolution !== undefined && request.resolution !== "1K")
    throw invalidRequest(
      "resolution must be 1K: these models make images up to 1,536 pixels",
      "resolution",
    );
  const ratio = request.aspect_ratio;
  if (ratio !== undefined && !(ratio in SIZES_BY_RATIO))
    throw invalidRequest(
      `aspect_ratio must be one of ${Object.keys(SIZES_BY_RATIO).join(", ")}`,
      "aspect_ratio",
    );
  if (ratio !== undefined && request.size !== undefined && request.size !== SIZES_BY_RATIO[ratio])
    throw invalidRequest(
      `size ${request.size} is not aspect_ratio ${ratio}: send one of them`,
      "size",
    );
  const images = request.input_references?.map((reference, index) =>
    referenceImage(reference.image_url.url, index),
  );
  return {
    model: request.model,
    prompt: request.prompt,
    n: request.n ?? 1,
    size: request.size ?? (ratio === undefined ? "auto" : SIZES_BY_RATIO[ratio]!),
    quality: request.quality ?? "auto",
    responseFormat: "b64_json",
    outputFormat: request.output_format,
    background: request.background,
    ...(images?.length ? { images } : {}),
  };
}

/** A reference image: a base64 data URL, checked as an upload is. */
function referenceImage(url: string, index: number): ImageUpload {
  const param = `input_references[${index}]`;
  const data = /^data:[\w.+/-]*;base64,/.exec(url);
  if (!data)
    throw invalidRequest(`${param} must be a base64 data URL (data:image/png;base64,…)`, param);
  const base64 = url.slice(data[0].length);
  // Base64 is 4 characters for 3 bytes: refused by its length before it is decoded.
  checkImageSize(Math.floor((base64.length * 3) / 4), param);
  return checkedImage(new Uint8Array(Buffer.from(base64, "base64")), `reference-${index}`, param);
}
