import { handleSpeech } from "#app/gateway/endpoints/audio/handle-speech.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/v1.audio.speech";

// OpenAI's text to speech, for the catalog's speech models (ADR 072).
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  return handleSpeech(await getGateway(), request);
}

export const loader = () => methodNotAllowed("POST");

export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
