import { getAccounts } from "#app/accounts/accounts.server.ts";
import { deleteAlertApi } from "#app/api/notifications-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.alerts.$id";

export const loader = () => methodNotAllowed("DELETE");

export const action = ({ request, params }: Route.ActionArgs) =>
  request.method === "DELETE"
    ? deleteAlertApi(getAccounts(), request, params.id)
    : methodNotAllowed("DELETE");
