import { getAccounts } from "#app/accounts/accounts.server.ts";
import { createProviderApi, listProvidersApi } from "#app/api/admin-providers-api.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.admin.providers";

export const loader = ({ request }: Route.LoaderArgs) => listProvidersApi(getAccounts(), request);

export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed("GET, POST");
  return createProviderApi(getAccounts(), (await getGateway()).box, request);
}
