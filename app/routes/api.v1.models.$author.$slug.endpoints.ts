import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { openRouterApi } from "#app/gateway/endpoints/openrouter-api.server.ts";
import { listOpenRouterEndpoints } from "#app/gateway/endpoints/openrouter-models.server.ts";
import { openRouterErrorResponse } from "#app/protocols/openrouter/openrouter-error.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.v1.models.$author.$slug.endpoints";

// The providers that serve a model (`openai/gpt-6.2-sol`), in the order they are tried.
export async function loader({ params }: Route.LoaderArgs) {
  const gateway = await getGateway();
  return openRouterApi(gateway, async () =>
    Response.json({ data: await listOpenRouterEndpoints(gateway, params.author, params.slug) }),
  );
}

export const action = () => methodNotAllowed("GET", openRouterErrorResponse);
