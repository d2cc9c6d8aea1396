import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { openRouterApi } from "#app/gateway/endpoints/openrouter-api.server.ts";
import { listOpenRouterModels } from "#app/gateway/endpoints/openrouter-models.server.ts";
import { openRouterErrorResponse } from "#app/protocols/openrouter/openrouter-error.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.v1.models";

// OpenRouter's model listing: every model under its OpenRouter id, and the admins' aliases.
export async function loader({ request }: Route.LoaderArgs) {
  const gateway = await getGateway();
  return openRouterApi(gateway, () => listOpenRouterModels(gateway, request));
}

export const action = () => methodNotAllowed("GET", openRouterErrorResponse);
