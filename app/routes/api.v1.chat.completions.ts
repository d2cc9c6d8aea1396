import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { handleChatCompletion } from "#app/gateway/handle-chat.server.ts";
import { openRouterChat } from "#app/protocols/openrouter/openrouter-protocols.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/api.v1.chat.completions";

const notAllowed = () => methodNotAllowed("POST", openRouterChat.format.error);

// OpenRouter's chat completions (its SDKs, and any OpenAI client at base URL …/api/v1).
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return notAllowed();
  return handleChatCompletion(await getGateway(), request, openRouterChat);
}

export const loader = notAllowed;

// The server sends this route's POSTs straight to the action (app/server/direct-actions.server.ts).
export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
