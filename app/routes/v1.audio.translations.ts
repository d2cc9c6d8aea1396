import { handleTranscription } from "#app/gateway/endpoints/audio/handle-transcription.server.ts";
import { MAX_AUDIO_BYTES } from "#app/http/limits.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/v1.audio.translations";

// OpenAI's translations (speech to English text), for the catalog's transcription models (ADR 072).
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  return handleTranscription(await getGateway(), request, true);
}

export const loader = () => methodNotAllowed("POST");

// The file's 25 MB and the form's other fields: a larger body is a 413 before it is read.
export const handle: DirectActionHandle = {
  directAction: true,
  maxBodyBytes: MAX_AUDIO_BYTES + 1024 * 1024,
};
