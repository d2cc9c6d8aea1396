import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { handleChatCompletion } from "#app/gateway/handle-chat.server.ts";
import { contentEventCompletions } from "#app/protocols/openai/openai-protocol.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/completions";

// The seed's streaming endpoint ({ model, messages, apiKey } -> data: {"content"}), also at /api/completions.
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  return handleChatCompletion(await getGateway(), request, contentEventCompletions);
}

export const loader = () => methodNotAllowed("POST");

// The server sends this route's POSTs straight to the action (app/server/direct-actions.server.ts).
export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
