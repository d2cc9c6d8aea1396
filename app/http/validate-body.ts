import type { z } from "zod";
import { invalidRequest } from "./gateway-error.ts";
import { describeZodError } from "./zod-issue.ts";

/** A JSON body checked against `schema`: a 400 naming the first bad field otherwise. */
export function validateBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalidRequest("The request body must be a JSON object");
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const { message, path } = describeZodError(parsed.error);
    throw invalidRequest(message, path);
  }
  return parsed.data;
}
