import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { getGeneration } from "#app/gateway/endpoints/key-api.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { openRouterErrorResponse } from "#app/protocols/openrouter/openrouter-error.ts";
import type { Route } from "./+types/api.v1.generation";

// OpenRouter's key-authenticated lookup (Authorization: Bearer <gateway key>).
export async function loader({ request }: Route.LoaderArgs) {
  return getGeneration(await getGateway(), request);
}

export const action = () => methodNotAllowed("GET", openRouterErrorResponse);
