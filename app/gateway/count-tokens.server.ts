import { countInputTokens } from "../billing/estimate-usage.server.ts";
import { isDatabaseUnavailable } from "../db/database-unavailable.server.ts";
import { DATABASE_UNAVAILABLE, GatewayError, INTERNAL_ERROR } from "../http/gateway-error.ts";
import { readJsonBody } from "../http/read-json-body.server.ts";
import { authenticate } from "./authenticate.server.ts";
import { requireModel } from "./route-choice.server.ts";
import type { Gateway } from "./gateway.server.ts";
import { anthropicMessages } from "../protocols/anthropic/anthropic-protocol.ts";
import { parseCountTokensRequest } from "../protocols/anthropic/anthropic-request.ts";

/**
 * POST /v1/messages/count_tokens: {input_tokens} for any catalog model,
 * counted locally, so it costs no provider call and no credits. A gateway key
 * is still required, as for every endpoint.
 */
export async function handleCountTokens(gateway: Gateway, request: Request): Promise<Response> {
  const protocol = anthropicMessages;
  try {
    await authenticate(gateway, protocol, protocol.headerKey(request));
    const chat = parseCountTokensRequest(await readJsonBody(request));
    await requireModel(gateway, chat.model, "/v1/models");
    return Response.json({ input_tokens: await countInputTokens(chat) });
  } catch (caught) {
    const error = isDatabaseUnavailable(caught) ? DATABASE_UNAVAILABLE : caught;
    if (error instanceof GatewayError) return protocol.format.error(error);
    gateway.log.error({ err: error }, "count_tokens failed");
    return protocol.format.error(INTERNAL_ERROR);
  }
}
