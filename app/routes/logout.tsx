import { redirect } from "react-router";
import { getAccounts } from "#app/accounts/accounts.server.ts";
import { endSession } from "#app/accounts/session.server.ts";
import { requireSameOrigin } from "#app/http/same-origin.server.ts";
import type { Route } from "./+types/logout";

export async function action({ request }: Route.ActionArgs) {
  requireSameOrigin(request);
  return redirect("/", { headers: { "Set-Cookie": await endSession(getAccounts(), request) } });
}

export const loader = () => redirect("/");
