import { getAccounts } from "#app/accounts/accounts.server.ts";
import { changeAliasApi } from "#app/api/admin-aliases-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.admin.aliases.$name";

export function action({ request, params }: Route.ActionArgs) {
  if (request.method !== "PUT" && request.method !== "DELETE")
    return methodNotAllowed("PUT, DELETE");
  return changeAliasApi(getAccounts(), request, params.name);
}

export const loader = () => methodNotAllowed("PUT, DELETE");
