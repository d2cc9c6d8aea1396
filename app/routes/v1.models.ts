import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { listModels } from "#app/gateway/list-models.server.ts";

export async function loader() {
  return listModels(await getGateway());
}
