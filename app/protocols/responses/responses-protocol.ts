import { responseSettings, type ResponseSettings } from "./response-object.ts";
import { responsesFormat } from "./responses-format.ts";
import type { WireFormat } from "../wire-format.ts";
import type { CallTargets } from "./responses-tools.ts";
import { bearerToken, type ClientProtocol, type ParsedRequest } from "../client-protocol.ts";
import { callableTools, hostedToolTypes, validateResponsesRequest } from "./responses-request.ts";
import { toChatRequest } from "./to-chat-request.ts";
import { callTargets } from "./responses-tools.ts";

/** A Responses API request, answered in the format `formatFor` makes of its settings. */
export function parseResponsesRequest(
  body: unknown,
  formatFor: (settings: ResponseSettings, targets: CallTargets) => WireFormat,
): ParsedRequest {
  const input = validateResponsesRequest(body);
  return {
    request: toChatRequest(input),
    format: formatFor(responseSettings(input), callTargets(callableTools(input))),
    ignoredTools: hostedToolTypes(input),
    continuation: {
      // OpenAI stores responses unless told not to.
      store: input.store !== false,
      previousResponseId: input.previous_response_id ?? undefined,
      instructionMessages: input.instructions ? 1 : 0,
    },
  };
}

/** POST /v1/responses: OpenAI's Responses API (the Codex CLI, the Agents SDK), for any catalog model. */
export const openAIResponses: ClientProtocol = {
  parse: (body) =>
    parseResponsesRequest(body, (settings, targets) => responsesFormat(settings, targets)),
  headerKey: bearerToken,
  keyInHeader: true,
  maxTokensParam: "max_output_tokens",
  missingKeyMessage: "Missing API key: send it as 'Authorization: Bearer <key>'",
  // Only its errors are used: parse gives each request a format that repeats its settings.
  format: responsesFormat(responseSettings({ model: "", input: "" }), new Map()),
};
