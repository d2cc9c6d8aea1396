import { handleCountTokens } from "#app/gateway/endpoints/count-tokens.server.ts";
import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { anthropicMessages } from "#app/protocols/anthropic/anthropic-protocol.ts";
import { MAX_BODY_BYTES } from "#app/http/limits.ts";
import { methodNotAllowed } from "#app/http/method-not-allowed.ts";
import type { DirectActionHandle } from "#app/http/direct-actions.server.ts";
import type { Route } from "./+types/v1.messages.count_tokens";

const notAllowed = () => methodNotAllowed("POST", anthropicMessages.format.error);

export async function action({ request }: Route.ActionArgs) {
  if (request.method !== "POST") return notAllowed();
  return handleCountTokens(await getGateway(), request);
}

export const loader = notAllowed;

export const handle: DirectActionHandle = { directAction: true, maxBodyBytes: MAX_BODY_BYTES };
