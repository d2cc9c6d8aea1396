import { getAccounts } from "#app/accounts/accounts.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { createKeyApi, listKeysApi, updateKeyApi } from "#app/api/api-keys-api.server.ts";
import type { Route } from "./+types/api.api-keys";

export const loader = ({ request }: Route.LoaderArgs) => listKeysApi(getAccounts(), request);

export function action({ request }: Route.ActionArgs) {
  if (request.method === "POST") return createKeyApi(getAccounts(), request);
  if (request.method === "PUT") return updateKeyApi(getAccounts(), request);
  return methodNotAllowed("GET, POST, PUT");
}
