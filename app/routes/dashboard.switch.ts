import { data, redirect } from "react-router";
import { teamScope } from "#app/accounts/account-scope.server.ts";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { requirePageScope } from "#app/accounts/require-user.server.ts";
import { switchAccount } from "#app/accounts/session.server.ts";
import { readForm } from "#app/http/read-form.server.ts";
import { safeRedirect } from "#app/utils/safe-redirect.ts";
import type { Route } from "./+types/dashboard.switch";

// The header's account switcher (a form, so it works without JavaScript):
// remembers in the session whether its pages show the user's own account or
// one of their teams. A team they are not in is as absent as one that never was.

export async function action({ request }: Route.ActionArgs) {
  const scope = await requirePageScope(request);
  const form = await readForm(request);
  const account = form.get("account");
  if (account !== "personal") {
    if (
      typeof account !== "string" ||
      !(await teamScope(getAccounts().prisma, scope.userId, account))
    )
      throw data("No such team of yours", { status: 404 });
  }
  await switchAccount(getAccounts(), scope.sessionId, account === "personal" ? null : account);
  // Another account's objects are not there: its pages start from the overview.
  const target = safeRedirect(form.get("redirectTo"), "/dashboard");
  return redirect(target.startsWith("/dashboard/teams") ? target : "/dashboard");
}

export function loader() {
  return redirect("/dashboard");
}
