import type { FinishReason, Usage } from "../llm/parts.ts";
import type { ConversationRow } from "./ledger-statements.server.ts";
import type { Prices } from "./prices.ts";

/** What settling a request charges and records: its usage row and its cost. */
export interface Settlement {
  requestId: string;
  userId: string;
  apiKeyId: string;
  mappingId: number;
  modelSlug: string;
  providerSlug: string;
  upstreamModel: string;
  endpoint: string;
  stream: boolean;
  status: "SUCCESS" | "ERROR" | "CANCELLED" | "INTERRUPTED";
  finishReason: FinishReason | null;
  errorCode: string | null;
  usage: Usage;
  usageSource: "REPORTED" | "ESTIMATED" | "CAPPED" | "CACHE";
  cost: bigint;
  prices: Prices;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
  /** The request recorded its progress (see recordProgress): settling drops that record. */
  progressRecorded?: boolean;
  /** The prompt and the answer, when content logging applies to the request. */
  content?: { prompt: unknown; response: string };
  /** Served with the user's own provider key (BYOK); `prices` are the BYOK fee. */
  byok?: boolean;
  /** The provider calls that failed before the one that served (or before giving up). */
  fallbacks?: { provider: string; code: string }[];
  /** Matches the request's guardrails redacted (ADR 067). */
  redactions?: number;
  /** What the provider charged at its own prices (ADR 069): the cost beside `cost`. */
  providerCost?: bigint;
  /** A media request's units (ADR 072): what was billed, one by one. */
  media?: MediaUnits;
}

/** A media request's bill: `units` of `unit` ("image") at `unitPrice` µcr each. */
export interface MediaUnits {
  unit: string;
  units: number;
  unitPrice: bigint;
}

/** The usage row a settlement writes (conversations' columns). */
export function conversationRow(s: Settlement): ConversationRow {
  return {
    request_id: s.requestId,
    user_id: s.userId,
    api_key_id: s.apiKeyId,
    cost: s.cost,
    mapping_id: s.mappingId,
    model_slug: s.modelSlug,
    provider_slug: s.providerSlug,
    upstream_model: s.upstreamModel,
    endpoint: s.endpoint,
    stream: s.stream,
    status: s.status,
    finish_reason: s.finishReason,
    error_code: s.errorCode,
    usage_source: s.usageSource,
    input_tokens: s.usage.inputTokens,
    cached_input_tokens: s.usage.cachedInputTokens,
    cache_write_tokens: s.usage.cacheWriteTokens,
    output_tokens: s.usage.outputTokens,
    reasoning_tokens: s.usage.reasoningTokens,
    input_price: s.prices.input,
    cached_input_price: s.prices.cachedInput,
    cache_write_price: s.prices.cacheWrite,
    output_price: s.prices.output,
    latency_ms: s.latencyMs,
    time_to_first_token_ms: s.timeToFirstTokenMs,
    prompt: s.content ? (s.content.prompt as ConversationRow[string]) : null,
    response: s.content?.response ?? null,
    byok: s.byok ?? false,
    fallbacks: (s.fallbacks ?? null) as ConversationRow[string],
    redactions: s.redactions ?? null,
    provider_cost: s.providerCost ?? null,
    unit: s.media?.unit ?? null,
    units: s.media?.units ?? null,
    unit_price: s.media?.unitPrice ?? null,
  };
}
