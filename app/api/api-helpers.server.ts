import type { z } from "zod";
import type { Accounts } from "../accounts/accounts.server.ts";
import { getUserId } from "../accounts/session.server.ts";
import {
  DATABASE_UNAVAILABLE,
  errorResponse,
  GatewayError,
  invalidRequest,
} from "../http/gateway-error.ts";
import { isDatabaseUnavailable } from "../db/prisma.server.ts";
import { readJsonBody } from "../http/read-json-body.server.ts";
import { formatCredits, formatUsd } from "../utils/money.ts";
import { publicOrigin } from "../utils/request-origin.server.ts";
import { nulAt } from "../http/json-shape.ts";
import { processLogger } from "../server/logger.server.ts";

/** Runs a JSON API handler: GatewayErrors become their JSON answers, anything else a logged 500. */
export async function jsonApi(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof GatewayError) return errorResponse(error);
    if (isDatabaseUnavailable(error)) return errorResponse(DATABASE_UNAVAILABLE);
    processLogger().error({ err: error }, "JSON API request failed");
    return errorResponse(new GatewayError(500, "Internal error", { type: "server_error" }));
  }
}

/** The JSON body validated by `schema`; a 4xx naming the first bad field otherwise. */
export async function readBody<T extends z.ZodType>(
  request: Request,
  schema: T,
): Promise<z.infer<T>> {
  const body = await readJsonBody(request);
  const nul = nulAt(body);
  if (nul !== undefined) throw invalidRequest(`${nul}: must not contain NUL characters`, nul);
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join(".");
  throw invalidRequest(path ? `${path}: ${issue.message}` : issue.message, path || undefined);
}

/**
 * The signed-in user's id, or 401. Writes made with the session cookie must come
 * from our own pages: a foreign Origin is refused (CSRF), while clients that send
 * no Origin (curl, SDKs) are not browsers and carry no ambient cookie risk.
 */
export async function requireUserId(accounts: Accounts, request: Request) {
  if (request.method !== "GET" && request.method !== "HEAD") assertSameOrigin(request);
  const userId = await getUserId(accounts, request);
  if (!userId)
    throw new GatewayError(401, "Sign in first", {
      type: "authentication_error",
      code: "not_signed_in",
    });
  return userId;
}

/** False when a browser says the request comes from another site. */
export function isSameOrigin(request: Request) {
  const origin = request.headers.get("origin");
  return !origin || origin === publicOrigin(request);
}

export function assertSameOrigin(request: Request) {
  const origin = request.headers.get("origin");
  if (!isSameOrigin(request)) {
    throw new GatewayError(403, `Cross-site request refused (Origin ${origin})`, {
      type: "permission_error",
      code: "csrf",
    });
  }
}

/** Money for JSON: exact µcr as a string, plus human forms. */
export function money(micro: bigint) {
  return { microCredits: micro.toString(), credits: formatCredits(micro), usd: formatUsd(micro) };
}
