import type { ChatRequest } from "../llm/chat-request.ts";
import type { NativeRequest } from "../providers/adapter.ts";
import type { WireFormat } from "./wire-format.ts";

/**
 * One API the gateway speaks to its clients (OpenAI chat, the
 * /completions content events, Anthropic Messages): how its requests are read into the
 * canonical request, where its key travels, and how its answers are written.
 * Everything between (key check, hold, provider, settlement) is shared.
 */
export interface ClientProtocol {
  /**
   * The canonical request, or a 400 naming the bad field (the request is there
   * for what travels in headers, e.g. anthropic-beta).
   */
  parse(body: unknown, request: Request): ParsedRequest;
  /** The key sent in the headers, if any. */
  headerKey(request: Request): string | undefined;
  /** The key must come in a header: it is checked before the body is read. */
  keyInHeader: boolean;
  /** Says how to send the key, when none came. */
  missingKeyMessage: string;
  format: WireFormat;
  /** The protocol's name for the output cap, when not the canonical max_completion_tokens. */
  maxTokensParam?: string;
  /** An output cap above the model's is lowered to it rather than refused (Claude Code asks every model for 32,000 tokens or more). */
  lowersMaxTokens?: boolean;
  /** OpenRouter's API (/api/v1): answers name the model by its OpenRouter id (`openai/gpt-6.2-sol`). */
  openRouterIds?: boolean;
}

export interface ParsedRequest {
  request: ChatRequest;
  /** Only in the content-events format (POST /completions): the key may come in the body. */
  bodyApiKey?: string;
  /** How this request's answers are written, when it depends on the request (the Responses API repeats its settings). */
  format?: WireFormat;
  /** Server-side conversation state (the Responses API's store and previous_response_id). */
  continuation?: Continuation;
  /** The body as it came, for a provider that speaks the client's protocol (Claude for Messages). */
  native?: NativeRequest;
  /** Tools the request listed that run on a provider's side and were left out (web search...). */
  ignoredTools?: string[];
}

export interface Continuation {
  /** Keep the conversation, the answer included, so that a later request can continue it. */
  store: boolean;
  /** The stored response this request continues: its turns come before the new input. */
  previousResponseId?: string;
  /** How many messages at the head of the request are its instructions, which are never stored. */
  instructionMessages: number;
}

export function bearerToken(request: Request) {
  return (
    request.headers
      .get("authorization")
      ?.match(/^Bearer\s+(.+)$/i)?.[1]
      ?.trim() || undefined
  );
}
