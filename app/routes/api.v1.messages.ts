import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { handleChatCompletion } from "#app/gateway/handle-chat.server.ts";
import { openRouterMessages } from "#app/protocols/openrouter/openrouter-protocols.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/api.v1.messages";

const notAllowed = () => methodNotAllowed("POST", openRouterMessages.format.error);

// Anthropic's Messages API as OpenRouter serves it (Anthropic's SDK and LangChain at base URL …/api).
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return notAllowed();
  return handleChatCompletion(await getGateway(), request, openRouterMessages);
}

export const loader = notAllowed;

// The server sends this route's POSTs straight to the action (app/server/direct-actions.server.ts).
export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
