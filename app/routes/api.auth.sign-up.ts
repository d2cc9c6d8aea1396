import { getAccounts } from "#app/accounts/accounts.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { signUpApi } from "#app/api/auth-api.server.ts";
import type { Route } from "./+types/api.auth.sign-up";

export const action = ({ request }: Route.ActionArgs) =>
  request.method === "POST" ? signUpApi(getAccounts(), request) : methodNotAllowed("POST");
export const loader = () => methodNotAllowed("POST");
