import {
  handleImages,
  OPENROUTER_IMAGES,
} from "#app/gateway/endpoints/images/handle-images.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/api.v1.images";

const notAllowed = () => methodNotAllowed("POST", OPENROUTER_IMAGES.error);

// OpenRouter's image generation (ADR 076), for the catalog's image models.
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return notAllowed();
  return handleImages(await getGateway(), request, OPENROUTER_IMAGES);
}

export const loader = notAllowed;

export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
