import { z } from "zod";
import { ChatRequestSchema, type ChatRequest } from "../../llm/chat-request.ts";
import { validateBody } from "../../http/validate-body.ts";

export type RequestFormat = "openai" | "content-events";

const ContentEventsExtrasSchema = z.object({ apiKey: z.string().min(1).max(500).optional() });

/** Validates a body in either format; errors name the offending field. */
export function parseChatRequest(
  body: unknown,
  format: RequestFormat,
): { request: ChatRequest; bodyApiKey?: string } {
  const request = validateBody(ChatRequestSchema, body);
  if (format === "openai") return { request };
  const extras = validateBody(ContentEventsExtrasSchema, body);
  // POST /completions always streams its own SSE format.
  return { request: { ...request, stream: true }, bodyApiKey: extras.apiKey };
}
