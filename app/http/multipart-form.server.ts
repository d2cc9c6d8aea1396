import type { z } from "zod";
import { bufferedBody, TOO_LARGE } from "./buffered-body.server.ts";
import { GatewayError, invalidRequest } from "./gateway-error.ts";

// The API's multipart uploads (transcriptions, image edits; ADR 072): the form read, or a
// 415/400 that says why not; its text fields checked against a schema, as the openai SDK
// sends them (arrays as repeated `name[]`).

/** The request's form, or a 415 (not multipart) or 400 (malformed); `what` names the upload. */
export async function readMultipart(request: Request, what: string): Promise<FormData> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(type))
    throw new GatewayError(
      415,
      `Send ${what} as multipart/form-data (got ${type.slice(0, 100) || "no Content-Type"})`,
      { type: "invalid_request_error", code: "unsupported_media_type" },
    );
  // The server reads a direct action's body before the action runs (direct-actions.server.ts):
  // the form is in that buffer, not in the request.
  const buffered = bufferedBody(request);
  if (buffered === TOO_LARGE)
    throw new GatewayError(413, `The upload (${what}) is larger than this endpoint takes`, {
      type: "invalid_request_error",
      code: "request_too_large",
    });
  try {
    return buffered
      ? await new Response(
          new Uint8Array(buffered.buffer as ArrayBuffer, buffered.byteOffset, buffered.length),
          {
            headers: { "content-type": type },
          },
        ).formData()
      : await request.formData();
  } catch {
    throw invalidRequest("The form could not be read: its body is malformed");
  }
}

/**
 * The form's text fields (all but `files`) as `schema` reads them, or a 400 naming the first
 * that is wrong: a file where text belongs, a field given twice, an unknown or invalid one.
 */
export function formFields<T extends z.ZodType>(
  form: FormData,
  files: string[],
  schema: T,
): z.infer<T> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of form) {
    if (files.includes(name)) continue;
    if (typeof value !== "string") throw invalidRequest(`${name} must be text, not a file`, name);
    if (name.endsWith("[]")) ((fields[name] ??= []) as string[]).push(value);
    else if (name in fields) throw invalidRequest(`${name} is given twice`, name);
    else fields[name] = value;
  }
  const parsed = schema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const param = issue.code === "unrecognized_keys" ? issue.keys[0]! : String(issue.path[0] ?? "");
  throw invalidRequest(
    issue.code === "unrecognized_keys" ? `Unknown field: ${param}` : `${param} ${issue.message}`,
    param,
  );
}
