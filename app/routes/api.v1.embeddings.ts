import {
  handleEmbeddings,
  OPENROUTER_EMBEDDINGS,
} from "#app/gateway/endpoints/embeddings/handle-embeddings.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/api.v1.embeddings";

const notAllowed = () => methodNotAllowed("POST", OPENROUTER_EMBEDDINGS.error);

// OpenRouter's embeddings, for the catalog's embedding models.
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return notAllowed();
  return handleEmbeddings(await getGateway(), request, OPENROUTER_EMBEDDINGS);
}

export const loader = notAllowed;

export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
