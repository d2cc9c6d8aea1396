import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { handleChatCompletion } from "#app/gateway/handle-chat.server.ts";
import { openAICompletions } from "#app/protocols/openai/openai-protocol.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/v1.completions";

// OpenAI's legacy completions (what older tools call), through the chat pipeline (ADR 039).
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  return handleChatCompletion(await getGateway(), request, openAICompletions);
}

export const loader = () => methodNotAllowed("POST");

// The server sends this route's POSTs straight to the action (app/server/direct-actions.server.ts).
export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
