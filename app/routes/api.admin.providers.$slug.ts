import { getAccounts } from "#app/accounts/accounts.server.ts";
import { updateProviderApi } from "#app/api/admin-providers-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.admin.providers.$slug";

export function action({ request, params }: Route.ActionArgs) {
  if (request.method !== "PUT") return methodNotAllowed("PUT");
  return updateProviderApi(getAccounts(), request, params.slug);
}

export const loader = () => methodNotAllowed("PUT");
