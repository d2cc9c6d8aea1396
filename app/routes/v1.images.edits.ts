import {
  handleImages,
  OPENAI_IMAGE_EDITS,
} from "#app/gateway/endpoints/images/handle-images.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/v1.images.edits";

// OpenAI's image edits (multipart), for the catalog's image models (ADR 072).
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  return handleImages(await getGateway(), request, OPENAI_IMAGE_EDITS);
}

export const loader = () => methodNotAllowed("POST");

export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
