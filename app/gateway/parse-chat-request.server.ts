import { z } from "zod";
import { ChatRequestSchema, type ChatRequest } from "./chat-request.ts";
import { invalidRequest } from "../http/gateway-error.ts";
import { describeZodError } from "../http/zod-issue.ts";

export type RequestFormat = "openai" | "seed";

const SeedExtrasSchema = z.object({ apiKey: z.string().min(1).max(500).optional() });

/** Validates a body in either format; errors name the offending field. */
export function parseChatRequest(
  body: unknown,
  format: RequestFormat,
): { request: ChatRequest; bodyApiKey?: string } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidRequest("The request body must be a JSON object");
  }
  const parsed = ChatRequestSchema.safeParse(body);
  if (!parsed.success) throw fromZod(parsed.error);
  if (format === "openai") return { request: parsed.data };
  const extras = SeedExtrasSchema.safeParse(body);
  if (!extras.success) throw fromZod(extras.error);
  // The seed's /completions always streams its own SSE format.
  return { request: { ...parsed.data, stream: true }, bodyApiKey: extras.data.apiKey };
}

function fromZod(error: z.ZodError) {
  const { message, path } = describeZodError(error);
  return invalidRequest(message, path);
}
