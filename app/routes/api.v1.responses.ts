import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { handleChatCompletion } from "#app/gateway/handle-chat.server.ts";
import { openRouterResponses } from "#app/protocols/openrouter/openrouter-protocols.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/api.v1.responses";

const notAllowed = () => methodNotAllowed("POST", openRouterResponses.format.error);

// OpenAI's Responses API as OpenRouter serves it, for any catalog model.
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return notAllowed();
  return handleChatCompletion(await getGateway(), request, openRouterResponses);
}

export const loader = notAllowed;

// The server sends this route's POSTs straight to the action (app/server/direct-actions.server.ts).
export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
