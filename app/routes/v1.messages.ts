import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { handleChatCompletion } from "#app/gateway/handle-chat.server.ts";
import { anthropicMessages } from "#app/protocols/anthropic/anthropic-protocol.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/v1.messages";

const notAllowed = () => methodNotAllowed("POST", anthropicMessages.format.error);

// Anthropic's Messages API (what Claude Code and the Anthropic SDKs call), for any catalog model.
export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return notAllowed();
  return handleChatCompletion(await getGateway(), request, anthropicMessages);
}

export const loader = notAllowed;

// The server sends this route's POSTs straight to the action (app/server/direct-actions.server.ts).
export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
