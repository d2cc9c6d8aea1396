import { getAccounts } from "#app/accounts/accounts.server.ts";
import { addProviderKeyApi } from "#app/api/admin-providers-api.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.admin.providers.$slug.keys";

export async function action({ request, params }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  return addProviderKeyApi(getAccounts(), (await getGateway()).box, request, params.slug);
}

export const loader = () => methodNotAllowed("POST");
