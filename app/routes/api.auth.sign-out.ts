import { getAccounts } from "#app/accounts/accounts.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { signOutApi } from "#app/api/auth-api.server.ts";
import type { Route } from "./+types/api.auth.sign-out";

export const action = ({ request }: Route.ActionArgs) =>
  request.method === "POST" ? signOutApi(getAccounts(), request) : methodNotAllowed("POST");
export const loader = () => methodNotAllowed("POST");
