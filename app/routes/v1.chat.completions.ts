import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { handleChatCompletion } from "#app/gateway/handle-chat.server.ts";
import { openAIChat } from "#app/protocols/openai/openai-protocol.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/v1.chat.completions";

// OpenAI-compatible chat completions: the request path starts in handleChatCompletion.
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  return handleChatCompletion(await getGateway(), request, openAIChat);
}

export const loader = () => methodNotAllowed("POST");

// The server sends this route's POSTs straight to the action (app/server/direct-actions.server.ts).
export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
