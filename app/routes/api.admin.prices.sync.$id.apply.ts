import { getAccounts } from "#app/accounts/accounts.server.ts";
import { applyPriceSyncApi } from "#app/api/admin-prices-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.admin.prices.sync.$id.apply";

export const loader = () => methodNotAllowed("POST");

export const action = ({ request, params }: Route.ActionArgs) =>
  request.method === "POST"
    ? applyPriceSyncApi(getAccounts(), request, params.id)
    : methodNotAllowed("POST");
