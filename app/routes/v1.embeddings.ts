import { handleEmbeddings } from "#app/gateway/endpoints/embeddings/handle-embeddings.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/v1.embeddings";

// OpenAI-compatible embeddings, for the catalog's OpenAI and Gemini embedding models.
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  return handleEmbeddings(await getGateway(), request);
}

export const loader = () => methodNotAllowed("POST");

export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
