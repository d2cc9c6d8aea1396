import { getAccounts } from "#app/accounts/accounts.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { deleteOwnKeyApi, saveOwnKeyApi } from "#app/api/own-provider-keys-api.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import type { Route } from "./+types/api.provider-keys.$provider";

export async function action({ request, params }: Route.ActionArgs) {
  if (request.method === "PUT")
    return saveOwnKeyApi(getAccounts(), (await getGateway()).box, request, params.provider);
  if (request.method === "DELETE") return deleteOwnKeyApi(getAccounts(), request, params.provider);
  return methodNotAllowed("PUT, DELETE");
}

export const loader = () => methodNotAllowed("PUT, DELETE");
