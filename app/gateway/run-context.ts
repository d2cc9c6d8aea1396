import type { CompletionRequest } from "../billing/completion-charge.server.ts";
import type { ChatRequest } from "../llm/chat-request.ts";
import type { RequestTrace } from "../observability/tracing.server.ts";
import type { CompletionAccumulator } from "../protocols/completion-accumulator.ts";
import type { WireFormat } from "../protocols/wire-format.ts";
import type { NativeRequest } from "../providers/adapter.ts";
import type { ActiveApiKey } from "./services/api-key-cache.server.ts";
import type { CacheUse } from "./services/response-cache.server.ts";

/** What a completion run is given: the request as the pipeline admitted and reserved it. */
export interface RunContext {
  requestId: string;
  started: number;
  chat: ChatRequest;
  /** The client's body, for a provider that speaks its protocol. */
  native?: NativeRequest;
  /** Provider-side tools the request listed and the gateway left out. */
  ignoredTools?: string[];
  /** The key's rate-limit headers, for the answer (empty without limits). */
  rateHeaders?: Record<string, string>;
  /** How the answer is written, in the client's protocol. */
  format: WireFormat;
  /** The answer names its model by its OpenRouter id (OpenRouter's API, /api/v1), not its slug. */
  openRouterIds?: boolean;
  key: ActiveApiKey;
  endpoint: string;
  /** What the request's reservation holds: the most it may be charged. */
  heldAmount: bigint;
  /** The request's trace, when tracing is on. */
  trace?: RequestTrace;
  /** Matches its guardrails' redact rules replaced (ADR 067). */
  redactions?: number;
  /** How it uses the response cache (a hit replays a kept answer); undefined when it does not cache. */
  cache?: CacheUse;
  /** Runs once the request succeeded and was settled, before its last byte (the Responses API stores the conversation). */
  afterSuccess?: (answer: CompletionAccumulator) => Promise<void>;
}

/** The request as billing charges it; `logContent` is the gateway's setting (LOG_CONTENT). */
export function chargedCompletion(context: RunContext, logContent: boolean): CompletionRequest {
  return {
    requestId: context.requestId,
    key: context.key,
    endpoint: context.endpoint,
    stream: context.chat.stream === true,
    started: context.started,
    heldAmount: context.heldAmount,
    redactions: context.redactions,
    chat: context.chat,
    logContent: logContent || context.key.logContent,
  };
}

/** The headers of an answer that started; `cappedAt` when the gateway chose its max tokens. */
export function answerHeaders(context: RunContext, cappedAt: number | undefined) {
  // x-generation-id: OpenRouter's name for it, which its users look up at /api/v1/generation.
  const headers: Record<string, string> = {
    "x-request-id": context.requestId,
    "x-generation-id": context.requestId,
    ...context.rateHeaders,
  };
  if (cappedAt !== undefined) headers["x-gateway-max-tokens"] = String(cappedAt);
  if (context.cache) {
    // OpenRouter's names, which its clients read (ADR 066).
    headers["x-openrouter-cache-status"] = context.cache.hit ? "HIT" : "MISS";
    headers["x-openrouter-cache-ttl"] = String(context.cache.ttlSeconds);
  }
  if (context.ignoredTools?.length)
    headers["x-gateway-ignored-tools"] = context.ignoredTools.join(", ");
  return headers;
}
