import { jsonApi } from "#app/api/api-helpers.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { listModels } from "#app/gateway/endpoints/list-models.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";

// jsonApi: a database that cannot be reached is a 503, as on every other API route.
export async function loader() {
  return jsonApi(async () => listModels(await getGateway()));
}

export const action = () => methodNotAllowed("GET");
