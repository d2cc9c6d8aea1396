import type { z } from "zod";
import type { Accounts } from "../accounts/accounts.server.ts";
import { getUserId } from "../accounts/session.server.ts";
import {
  DATABASE_UNAVAILABLE,
  errorResponse,
  GatewayError,
  INTERNAL_ERROR,
  invalidRequest,
} from "../http/gateway-error.ts";
import { isDatabaseUnavailable } from "../db/database-unavailable.server.ts";
import { readJsonBody } from "../http/read-json-body.server.ts";
import { formatCredits, formatUsd } from "../utils/money.ts";
import { requireSameOrigin } from "../http/same-origin.server.ts";
import { unstorableMessage, unstorableTextAt } from "../http/json-shape.ts";
import { describeZodError } from "../http/zod-issue.ts";
import { processLogger } from "../observability/logger.server.ts";
import {
  personalScope,
  refusal,
  teamScope,
  type AccountScope,
  type Permission,
} from "../accounts/account-scope.server.ts";

/**
 * Runs a JSON API handler: thrown Responses and GatewayErrors become the answer,
 * anything else a logged 500.
 */
export async function jsonApi(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof Response) return error;
    if (error instanceof GatewayError) return errorResponse(error);
    if (isDatabaseUnavailable(error)) return errorResponse(DATABASE_UNAVAILABLE);
    processLogger().error({ err: error }, "JSON API request failed");
    return errorResponse(INTERNAL_ERROR);
  }
}

/** The JSON body validated by `schema`; a 4xx naming the first bad field otherwise. */
export async function readBody<T extends z.ZodType>(
  request: Request,
  schema: T,
): Promise<z.infer<T>> {
  const body = await readJsonBody(request);
  const unstorable = unstorableTextAt(body);
  if (unstorable) throw invalidRequest(unstorableMessage(unstorable), unstorable.path);
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const { message, path } = describeZodError(parsed.error);
  throw invalidRequest(message, path);
}

/**
 * The JSON API's guard: the signed-in user's id, or 401 (pages have their own,
 * which redirects: requirePageUserId). Writes must come from our own pages.
 */
export async function requireApiUserId(accounts: Accounts, request: Request) {
  if (request.method !== "GET" && request.method !== "HEAD") requireSameOrigin(request);
  const userId = await getUserId(accounts, request);
  if (!userId)
    throw new GatewayError(401, "Sign in first", {
      type: "authentication_error",
      code: "not_signed_in",
    });
  return userId;
}

/**
 * The JSON API's guard for an account's things: the signed-in user's own account,
 * or the team named by the `team` query parameter or the `X-Team` header (its
 * id; GET /api/teams lists them). 404 for a team the user is not in; 403 when
 * their role lacks `permission`.
 */
export async function requireApiScope(
  accounts: Accounts,
  request: Request,
  permission: Permission = "viewUsage",
): Promise<AccountScope> {
  const userId = await requireApiUserId(accounts, request);
  const teamId = new URL(request.url).searchParams.get("team") ?? request.headers.get("x-team");
  if (!teamId) return personalScope(userId);
  const scope = await teamScope(accounts.prisma, userId, teamId);
  if (!scope)
    throw new GatewayError(404, `No team ${teamId} of yours: GET /api/teams lists yours`, {
      type: "invalid_request_error",
      code: "team_not_found",
      param: "team",
    });
  const refused = refusal(scope, permission);
  if (refused)
    throw new GatewayError(403, refused, { type: "permission_error", code: "role_not_allowed" });
  return scope;
}

/** Money for JSON: exact µcr as a string, plus human forms. */
export function money(micro: bigint) {
  return { microCredits: micro.toString(), credits: formatCredits(micro), usd: formatUsd(micro) };
}
