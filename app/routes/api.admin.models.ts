import { getAccounts } from "#app/accounts/accounts.server.ts";
import { createModelApi } from "#app/api/admin-providers-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.admin.models";

export function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  return createModelApi(getAccounts(), request);
}

export const loader = () => methodNotAllowed("POST");
