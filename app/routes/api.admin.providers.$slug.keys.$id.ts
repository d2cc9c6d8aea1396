import { getAccounts } from "#app/accounts/accounts.server.ts";
import { changeProviderKeyApi } from "#app/api/admin-providers-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.admin.providers.$slug.keys.$id";

export function action({ request, params }: Route.ActionArgs) {
  if (request.method !== "PUT" && request.method !== "DELETE")
    return methodNotAllowed("PUT, DELETE");
  return changeProviderKeyApi(getAccounts(), request, params.slug, params.id);
}

export const loader = () => methodNotAllowed("PUT, DELETE");
