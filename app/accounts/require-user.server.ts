import { data, redirect } from "react-router";
import { GatewayError } from "../http/gateway-error.ts";
import { getAccounts, type Accounts } from "./accounts.server.ts";
import { getSession, getUserId } from "./session.server.ts";
import { requireSameOrigin } from "../http/same-origin.server.ts";
import {
  personalScope,
  refusal,
  teamScope,
  type AccountScope,
  type Permission,
} from "./account-scope.server.ts";

// Every guard, the pages' and the JSON API's side by side: the same checks,
// answered as each caller needs. A page redirects to sign in or shows a 403
// page (react-router's data); the JSON API answers 401/403/404 as a
// GatewayError, which jsonApi turns into its JSON body.

/**
 * The pages' guard: the signed-in user's id, otherwise a redirect to the sign-in
 * page that comes back here (the JSON API answers 401 instead: requireApiUserId).
 * Form posts must come from our own pages.
 */
export async function requirePageUserId(request: Request) {
  return (await requirePageSession(request)).userId;
}

async function requirePageSession(request: Request) {
  if (request.method !== "GET" && request.method !== "HEAD") requireSameOrigin(request);
  const session = await getSession(getAccounts(), request);
  if (!session) {
    const url = new URL(request.url);
    throw redirect(`/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
  }
  return session;
}

/**
 * The pages' guard for an account's things: who is signed in, the account they
 * work in (the header's switcher; their own when they left or lost that team),
 * and their role there. With `permission`, a role without it gets a 403 page.
 */
export async function requirePageScope(
  request: Request,
  permission: Permission = "viewUsage",
): Promise<AccountScope & { sessionId: string }> {
  const { id: sessionId, userId, accountId } = await requirePageSession(request);
  const scope =
    (accountId && (await teamScope(getAccounts().prisma, userId, accountId))) ||
    personalScope(userId);
  const refused = refusal(scope, permission);
  if (refused) throw data(refused, { status: 403 });
  return { ...scope, sessionId };
}

/** For the sign-in and sign-up pages: signed-in users go to their dashboard. */
export async function requireAnonymous(request: Request) {
  if (await getUserId(getAccounts(), request)) throw redirect("/dashboard");
}

/** Whether the user administers the gateway (the one admin check of pages and API). */
async function isAdmin(accounts: Accounts, userId: string) {
  const user = await accounts.prisma.user.findUnique({
    where: { id: userId },
    select: { role: true },
  });
  return user?.role === "ADMIN";
}

/** The signed-in admin's id; other users get a 403 page. */
export async function requireAdminId(request: Request) {
  const userId = await requirePageUserId(request);
  if (!(await isAdmin(getAccounts(), userId)))
    throw data("Only administrators can open this page", { status: 403 });
  return userId;
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

/** The signed-in admin's id for the admin JSON API: 401 for nobody, 403 for other users. */
export async function requireApiAdminId(accounts: Accounts, request: Request) {
  const userId = await requireApiUserId(accounts, request);
  if (!(await isAdmin(accounts, userId)))
    throw new GatewayError(403, "Only administrators can manage providers and models", {
      type: "permission_error",
      code: "admin_only",
    });
  return userId;
}
