import { data, redirect } from "react-router";
import { getAccounts } from "./accounts.server.ts";
import { getSession, getUserId } from "./session.server.ts";
import { requireSameOrigin } from "../http/same-origin.server.ts";
import {
  personalScope,
  refusal,
  teamScope,
  type AccountScope,
  type Permission,
} from "./account-scope.server.ts";

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

/** The signed-in admin's id; other users get a 403 page. */
export async function requireAdminId(request: Request) {
  const userId = await requirePageUserId(request);
  const user = await getAccounts().prisma.user.findUnique({
    where: { id: userId },
    select: { role: true },
  });
  if (user?.role !== "ADMIN") throw data("Only administrators can open this page", { status: 403 });
  return userId;
}
