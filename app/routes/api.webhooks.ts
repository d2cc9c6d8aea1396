import { getAccounts } from "#app/accounts/accounts.server.ts";
import { createWebhookApi, listWebhooksApi } from "#app/api/notifications-api.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.webhooks";

export const loader = ({ request }: Route.LoaderArgs) => listWebhooksApi(getAccounts(), request);

export const action = async ({ request }: Route.ActionArgs) =>
  request.method === "POST"
    ? createWebhookApi(getAccounts(), (await getGateway()).box, request)
    : methodNotAllowed("GET, POST");
