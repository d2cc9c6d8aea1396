import { parseChatRequest } from "./parse-chat-request.server.ts";
import { openAIFormat, contentEventsFormat } from "./openai-format.ts";
import { textCompletionFormat } from "./text-completion-format.ts";
import { parseLegacyCompletionRequest } from "./legacy-completion-request.ts";
import { bearerToken, type ClientProtocol } from "../client-protocol.ts";

const MISSING_KEY = "Missing API key: send it as 'Authorization: Bearer <key>'";

/** POST /v1/chat/completions */
export const openAIChat: ClientProtocol = {
  parse: (body) => parseChatRequest(body, "openai"),
  headerKey: bearerToken,
  keyInHeader: true,
  missingKeyMessage: MISSING_KEY,
  format: openAIFormat,
};

/** POST /completions, content events (the starter app's format): the key may also come in the body (`apiKey`). */
export const contentEventCompletions: ClientProtocol = {
  parse: (body) => parseChatRequest(body, "content-events"),
  headerKey: bearerToken,
  keyInHeader: false,
  missingKeyMessage: MISSING_KEY,
  format: contentEventsFormat,
};

/** POST /v1/completions: OpenAI's legacy Completions API (a prompt in, text out), for any catalog model. */
export const openAICompletions: ClientProtocol = {
  parse: (body) => ({ request: parseLegacyCompletionRequest(body) }),
  headerKey: bearerToken,
  keyInHeader: true,
  missingKeyMessage: MISSING_KEY,
  format: textCompletionFormat,
  maxTokensParam: "max_tokens",
};
