import { data, redirect } from "react-router";
import { getAccounts } from "./accounts.server.ts";
import { getUserId } from "./session.server.ts";
import { requireSameOrigin } from "../http/same-origin.server.ts";

/**
 * The pages' guard: the signed-in user's id, otherwise a redirect to the sign-in
 * page that comes back here (the JSON API answers 401 instead: requireApiUserId).
 * Form posts must come from our own pages.
 */
export async function requirePageUserId(request: Request) {
  if (request.method !== "GET" && request.method !== "HEAD") requireSameOrigin(request);
  const userId = await getUserId(getAccounts(), request);
  if (!userId) {
    const url = new URL(request.url);
    throw redirect(`/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
  }
  return userId;
}

/** For the sign-in and sign-up pages: signed-in users go to their dashboard. */
export async function requireAnonymous(request: Request) {
  if (await getUserId(getAccounts(), request)) throw redirect("/dashboard");
}

/** Only same-site paths, so a crafted link cannot send a user elsewhere after sign-in. */
export function safeRedirect(
  target: FormDataEntryValue | string | null | undefined,
  fallback = "/dashboard",
) {
  return typeof target === "string" && target.startsWith("/") && !target.startsWith("//")
    ? target
    : fallback;
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
