import { GatewayError } from "../../../http/gateway-error.ts";
import type { ImageUpload } from "../../../providers/adapter.ts";

// An image a client sends to be edited (ADR 072): a file of OpenAI's form, or a data URL of
// OpenRouter's input_references. Checked before anything is held: its size (413) and its
// format by its bytes (415), not by its name or declared type.

/** Each image's most bytes: the form's own limit is 20 MB. */
export const MAX_IMAGE_UPLOAD_BYTES = 16 * 1024 * 1024;

const IMAGE_TYPES: [string, (bytes: Uint8Array) => boolean][] = [
  ["image/png", (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47],
  ["image/jpeg", (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  [
    "image/webp",
    (b) =>
      String.fromCharCode(...b.subarray(0, 4)) === "RIFF" &&
      String.fromCharCode(...b.subarray(8, 12)) === "WEBP",
  ],
];

/** A 413 for an image over the limit (checked before it is read, where its size is known). */
export function checkImageSize(size: number, param: string) {
  if (size > MAX_IMAGE_UPLOAD_BYTES)
    throw new GatewayError(
      413,
      `The ${param} is ${size} bytes; the most is ${MAX_IMAGE_UPLOAD_BYTES} (16 MB)`,
      { type: "invalid_request_error", code: "file_too_large", param },
    );
}

/** The image, or the 413/415 that says why it cannot be sent; `param` names it in the error. */
export function checkedImage(bytes: Uint8Array, name: string, param: string): ImageUpload {
  checkImageSize(bytes.length, param);
  const mimeType = IMAGE_TYPES.find(([, test]) => test(bytes))?.[0];
  if (!mimeType)
    throw new GatewayError(415, `The ${param} is not a PNG, JPEG or WebP image`, {
      type: "invalid_request_error",
      code: "unsupported_image_format",
      param,
    });
  return { bytes, mimeType, name: name || `${param}.${mimeType.slice(6)}` };
}
