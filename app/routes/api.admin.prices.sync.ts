import { getAccounts } from "#app/accounts/accounts.server.ts";
import { listPriceSyncsApi, runPriceSyncApi } from "#app/api/admin-prices-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.admin.prices.sync";

export const loader = ({ request }: Route.LoaderArgs) => listPriceSyncsApi(getAccounts(), request);

export const action = ({ request }: Route.ActionArgs) =>
  request.method === "POST"
    ? runPriceSyncApi(getAccounts(), request)
    : methodNotAllowed("GET, POST");
