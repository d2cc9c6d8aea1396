import { bufferedBody, TOO_LARGE } from "./buffered-body.server.ts";
import { GatewayError, invalidRequest } from "./gateway-error.ts";
import { MAX_JSON_DEPTH, tooDeepAt } from "./json-shape.ts";
import { MAX_BODY_BYTES } from "./limits.ts";

/** The request's JSON body, or a 4xx naming what is wrong with it. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new GatewayError(
      415,
      `Content-Type must be application/json (got ${contentType || "none"})`,
      {
        type: "invalid_request_error",
        code: "unsupported_media_type",
      },
    );
  }
  const text = await readBodyText(request);
  if (text.trim() === "")
    throw invalidRequest(
      "The request body is empty; send a JSON object",
      undefined,
      "invalid_json",
    );
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(
      `The request body is not valid JSON: ${(error as Error).message}`,
      undefined,
      "invalid_json",
    );
  }
  // Validation, conversion and the SDKs recurse: a body nested thousands deep would overflow them.
  const deep = tooDeepAt(body);
  if (deep !== undefined)
    throw invalidRequest(`${deep}: nested deeper than ${MAX_JSON_DEPTH} levels`, deep);
  return body;
}

/** The body as it came (UTF-8), up to MAX_BODY_BYTES: a signature check needs the exact bytes. */
export async function readBodyText(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const buffered = bufferedBody(request);
  if (buffered === TOO_LARGE) throw tooLarge();
  return buffered ? buffered.toString("utf8") : await readLimited(request);
}

async function readLimited(request: Request) {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const tooLarge = () =>
  new GatewayError(413, `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`, {
    type: "invalid_request_error",
    code: "request_too_large",
  });
