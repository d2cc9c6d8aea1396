import { getAccounts } from "#app/accounts/accounts.server.ts";
import { createAlertApi, listAlertsApi } from "#app/api/notifications-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.alerts";

export const loader = ({ request }: Route.LoaderArgs) => listAlertsApi(getAccounts(), request);

export const action = ({ request }: Route.ActionArgs) =>
  request.method === "POST"
    ? createAlertApi(getAccounts(), request)
    : methodNotAllowed("GET, POST");
