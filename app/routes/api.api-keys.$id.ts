import { getAccounts } from "#app/accounts/accounts.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { deleteKeyApi } from "#app/api/api-keys-api.server.ts";
import type { Route } from "./+types/api.api-keys.$id";

export function action({ request, params }: Route.ActionArgs) {
  if (request.method !== "DELETE") return methodNotAllowed("DELETE");
  return deleteKeyApi(getAccounts(), request, params.id);
}

export const loader = () => methodNotAllowed("DELETE");
