import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { openRouterApi } from "#app/gateway/endpoints/openrouter-api.server.ts";
import { getOpenRouterModel } from "#app/api/openrouter-model-api.server.ts";
import { openRouterErrorResponse } from "#app/protocols/openrouter/openrouter-error.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { Route } from "./+types/api.v1.models.$author.$slug";

// One model by its OpenRouter id (`openai/gpt-6.2-sol`): its page's facts as JSON
// (ADR 071). Public, as the listing and the endpoints route are.
export async function loader({ params }: Route.LoaderArgs) {
  const gateway = await getGateway();
  return openRouterApi(gateway, () =>
    getOpenRouterModel(gateway, `${params.author}/${params.slug}`),
  );
}

export const action = () => methodNotAllowed("GET", openRouterErrorResponse);
