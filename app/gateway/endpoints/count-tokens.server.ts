import { countInputTokens } from "../../billing/estimate-usage.server.ts";
import { readJsonBody } from "../../http/read-json-body.server.ts";
import { authenticate } from "../authenticate.server.ts";
import { requireModel } from "../route-choice.server.ts";
import type { Gateway } from "../gateway.server.ts";
import { runUnbilled, type Endpoint } from "../pipeline.server.ts";
import { anthropicMessages } from "../../protocols/anthropic/anthropic-protocol.ts";
import { parseCountTokensRequest } from "../../protocols/anthropic/anthropic-request.ts";

const COUNT_TOKENS: Endpoint = {
  error: (error, headers) => anthropicMessages.format.error(error, headers),
  failed: "count_tokens failed",
};

/**
 * POST /v1/messages/count_tokens: {input_tokens} for any catalog model,
 * counted locally, so it costs no provider call and no credits. A gateway key
 * is still required, as for every endpoint.
 */
export function handleCountTokens(gateway: Gateway, request: Request): Promise<Response> {
  const protocol = anthropicMessages;
  return runUnbilled(gateway, COUNT_TOKENS, async () => {
    await authenticate(gateway, protocol, protocol.headerKey(request));
    const chat = parseCountTokensRequest(await readJsonBody(request));
    await requireModel(gateway, chat.model, "/v1/models");
    return Response.json({ input_tokens: await countInputTokens(chat) });
  });
}
