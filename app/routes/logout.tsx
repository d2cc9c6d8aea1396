import { data, redirect } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { endSession } from "#app/accounts/session.server.ts";
import { isSameOrigin } from "#app/api/api-helpers.server.ts";
import type { Route } from "./+types/logout";

export async function action({ request }: Route.ActionArgs) {
  if (!isSameOrigin(request)) throw data("Cross-site request refused", { status: 403 });
  return redirect("/", { headers: { "Set-Cookie": await endSession(getAccounts(), request) } });
}

export const loader = () => redirect("/");
