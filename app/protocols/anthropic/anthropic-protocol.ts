import { anthropicFormat } from "./anthropic-format.ts";
import { parseMessagesRequest } from "./anthropic-request.ts";
import { bearerToken, type ClientProtocol } from "../client-protocol.ts";

/** POST /v1/messages: Anthropic's clients send the key as x-api-key (0.x SDKs, curl) or a bearer token (1.x SDK, Claude Code's ANTHROPIC_AUTH_TOKEN). */
export const anthropicMessages: ClientProtocol = {
  parse: parseMessagesRequest,
  headerKey: (request) => request.headers.get("x-api-key")?.trim() || bearerToken(request),
  keyInHeader: true,
  missingKeyMessage:
    "Missing API key: send it as 'x-api-key: <key>' or 'Authorization: Bearer <key>'",
  format: anthropicFormat,
  lowersMaxTokens: true,
};
