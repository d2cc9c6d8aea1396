import { microToUsdNumber } from "../../utils/money.ts";
import { openRouterChatFormat } from "./openrouter-chat-format.ts";
import { openRouterErrorResponse } from "./openrouter-error.ts";
import { responseSettings, responsesUsage } from "../responses/response-object.ts";
import { responsesFormat, type ResponsesFace } from "../responses/responses-format.ts";
import type { Charge } from "../wire-format.ts";
import { parseChatRequest } from "../openai/parse-chat-request.server.ts";
import { anthropicMessages } from "../anthropic/anthropic-protocol.ts";
import { bearerToken, type ClientProtocol } from "../client-protocol.ts";
import { parseResponsesRequest } from "../responses/responses-protocol.ts";

// OpenRouter's API (/api/v1): the same requests as /v1, answered as
// OpenRouter answers them, with its model ids (ADR 038).
// @see https://openrouter.ai/docs/api-reference/overview

const MISSING_KEY = "Missing API key: send it as 'Authorization: Bearer <key>'";

/** POST /api/v1/chat/completions */
export const openRouterChat: ClientProtocol = {
  parse: (body) => parseChatRequest(body, "openai"),
  headerKey: bearerToken,
  keyInHeader: true,
  missingKeyMessage: MISSING_KEY,
  format: openRouterChatFormat,
  openRouterIds: true,
};

/** POST /api/v1/messages: Anthropic's Messages API, as OpenRouter serves it (Anthropic's shapes and errors). */
export const openRouterMessages: ClientProtocol = { ...anthropicMessages, openRouterIds: true };

/** The Responses API's usage as OpenRouter's schema has it: the cost a number, ours exactly beside it. */
function openRouterResponsesUsage(charge: Charge) {
  return {
    ...responsesUsage(charge),
    cost: microToUsdNumber(charge.cost),
    is_byok: charge.byok,
  };
}

const OPENROUTER_RESPONSES: ResponsesFace = {
  usage: openRouterResponsesUsage,
  error: openRouterErrorResponse,
};

/** POST /api/v1/responses: OpenRouter's response object also says which penalties applied (none). */
export const openRouterResponses: ClientProtocol = {
  parse: (body) =>
    parseResponsesRequest(body, (settings, targets) => {
      const echoed = { ...settings, frequency_penalty: null, presence_penalty: null };
      return responsesFormat(echoed, targets, OPENROUTER_RESPONSES);
    }),
  headerKey: bearerToken,
  keyInHeader: true,
  maxTokensParam: "max_output_tokens",
  missingKeyMessage: MISSING_KEY,
  format: responsesFormat(
    responseSettings({ model: "", input: "" }),
    new Map(),
    OPENROUTER_RESPONSES,
  ),
  openRouterIds: true,
};
