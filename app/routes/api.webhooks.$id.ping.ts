import { getAccounts } from "#app/accounts/accounts.server.ts";
import { testWebhookApi } from "#app/api/notifications-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.webhooks.$id.ping";

export const loader = () => methodNotAllowed("POST");

export const action = ({ request, params }: Route.ActionArgs) =>
  request.method === "POST"
    ? testWebhookApi(getAccounts(), request, params.id)
    : methodNotAllowed("POST");
