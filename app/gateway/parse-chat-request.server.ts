import { z } from "zod";
import { ChatRequestSchema, type ChatRequest } from "./chat-request.ts";
import { invalidRequest } from "../http/gateway-error.ts";

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
  const issue = mostSpecific(error.issues[0]!, []);
  const path = issue.path
    .map((key) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`))
    .join("")
    .replace(/^\./, "");
  return invalidRequest(path ? `${path}: ${issue.message}` : issue.message, path || undefined);
}

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

// "Invalid input" on a union says little; the branch that got furthest says what is wrong.
function mostSpecific(issue: Issue, prefix: PropertyKey[]): Issue {
  const path = [...prefix, ...issue.path];
  if (issue.code !== "invalid_union" || !issue.errors?.length) return { ...issue, path };
  const candidates = issue.errors.flat().map((inner) => mostSpecific(inner, path));
  return candidates.reduce((best, next) => (next.path.length > best.path.length ? next : best), {
    ...issue,
    path,
  });
}
