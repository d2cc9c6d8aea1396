import { z } from "zod";
import { invalidRequest } from "../../../http/gateway-error.ts";
import type { ImageUpload } from "../../../providers/adapter.ts";
import { formFields, readMultipart } from "../../../http/multipart-form.server.ts";
import { checkedImage, checkImageSize } from "./image-upload.ts";
import { ImagesRequestSchema, type ImagesRequest } from "./images-request.ts";

// OpenAI's image edit request (ADR 072): a multipart form, as its SDK sends it (openai 7.x:
// resources/images `edit`; one image as `image`, several as `image[]`). Each upload is checked
// before anything is held: its size (413) and its format by its bytes (415).
// @see https://platform.openai.com/docs/api-reference/images/createEdit

const MAX_IMAGES = 16;

// The JSON request's text fields, as form fields (numbers come as text).
const Fields = ImagesRequestSchema.omit({ stream: true, partial_images: true, style: true }).extend(
  {
    n: z.coerce
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(10, "must be at most 10")
      .optional(),
    output_compression: z.coerce.number().int().min(0).max(100).optional(),
    input_fidelity: z.enum(["high", "low"]).optional(),
  },
);

/** The form, or the 4xx that names what is wrong with it. */
export async function parseImageEditRequest(request: Request): Promise<ImagesRequest> {
  const form = await readMultipart(request, "the images");
  const files = [...form.getAll("image"), ...form.getAll("image[]")];
  if (files.length === 0) throw invalidRequest("image is required: the image to edit", "image");
  if (files.length > MAX_IMAGES) throw invalidRequest(`At most ${MAX_IMAGES} images`, "image");
  const images = await Promise.all(files.map((file) => upload(file, "image")));
  const maskFile = form.get("mask");
  const mask = maskFile === null ? undefined : await upload(maskFile, "mask");
  if (mask && mask.mimeType !== "image/png") throw invalidRequest("The mask must be a PNG", "mask");
  const values = formFields(form, ["image", "image[]", "mask"], Fields);
  return {
    model: values.model,
    prompt: values.prompt,
    n: values.n ?? 1,
    size: values.size ?? "auto",
    quality: values.quality ?? "auto",
    responseFormat: values.response_format ?? "b64_json",
    outputFormat: values.output_format,
    background: values.background,
    images,
    mask,
  };
}

async function upload(file: FormDataEntryValue, param: string): Promise<ImageUpload> {
  if (!(file instanceof File)) throw invalidRequest(`${param} must be a file`, param);
  if (file.size === 0) throw invalidRequest(`The ${param} file is empty`, param);
  checkImageSize(file.size, param);
  return checkedImage(new Uint8Array(await file.arrayBuffer()), file.name, param);
}
