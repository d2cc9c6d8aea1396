import { getGateway } from "#app/gateway/gateway-instance.server.ts";
import { handleChatCompletion } from "#app/gateway/handle-chat.server.ts";
import { methodNotAllowed } from "#app/gateway/method-not-allowed.ts";
import type { Route } from "./+types/completions";

// The seed's streaming endpoint ({ model, messages, apiKey } -> data: {"content"}), also at /api/completions.
export async function action({ request }: Route.ActionArgs) {
  return handleChatCompletion(await getGateway(), request, "seed");
}

export const loader = () => methodNotAllowed("POST");
