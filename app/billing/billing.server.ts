import type pg from "pg";
import type { FinishReason, Usage } from "../gateway/parts.ts";
import type { Prices } from "./prices.ts";

// The two database round trips of a request: reserve before the provider is
// called, settle after. Both are single statements over the functions in
// prisma/migrations/20261127100000_billing_functions. See docs/decisions/007-billing-holds.md.

/** How long a hold lives if its process dies before settling it. */
export const HOLD_TTL_MS = 30 * 60_000;

export type Reservation =
  | { ok: true; grantedTokens: number; amount: bigint }
  | {
      ok: false;
      reason: "insufficient_credits" | "key_limit" | "key_inactive";
      affordableTokens: number;
    };

export async function reserve(
  db: pg.Pool,
  hold: {
    userId: string;
    apiKeyId: string;
    requestId: string;
    inputCost: bigint;
    outputPrice: bigint;
    /** The client's max tokens, or undefined to grant what the balance affords. */
    requestedTokens: number | undefined;
    modelMaxTokens: number;
  },
): Promise<Reservation> {
  const { rows } = await db.query<{
    outcome: string;
    granted_tokens: number;
    amount: string;
    affordable_tokens: number;
  }>("SELECT * FROM gateway_reserve($1, $2, $3, $4, $5, $6, $7, $8)", [
    hold.userId,
    hold.apiKeyId,
    hold.requestId,
    new Date(Date.now() + HOLD_TTL_MS),
    hold.inputCost,
    hold.outputPrice,
    hold.requestedTokens ?? null,
    hold.modelMaxTokens,
  ]);
  const row = rows[0]!;
  if (row.outcome === "ok")
    return { ok: true, grantedTokens: row.granted_tokens, amount: BigInt(row.amount) };
  return {
    ok: false,
    reason: row.outcome as "insufficient_credits" | "key_limit" | "key_inactive",
    affordableTokens: row.affordable_tokens,
  };
}

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
  status: "SUCCESS" | "ERROR" | "CANCELLED";
  finishReason: FinishReason | null;
  errorCode: string | null;
  usage: Usage;
  usageSource: "REPORTED" | "ESTIMATED";
  cost: bigint;
  prices: Prices;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
}

/**
 * Releases the hold, charges `cost` to the balance and the key's spend, and
 * writes the Conversation row with its price snapshot: all or nothing.
 */
export async function settle(db: pg.Pool, s: Settlement): Promise<void> {
  const values = [
    s.requestId,
    s.userId,
    s.apiKeyId,
    s.cost,
    s.mappingId,
    s.modelSlug,
    s.providerSlug,
    s.upstreamModel,
    s.endpoint,
    s.stream,
    s.status,
    s.finishReason,
    s.errorCode,
    s.usageSource,
    s.usage.inputTokens,
    s.usage.cachedInputTokens,
    s.usage.cacheWriteTokens,
    s.usage.outputTokens,
    s.usage.reasoningTokens,
    s.prices.input,
    s.prices.cachedInput,
    s.prices.cacheWrite,
    s.prices.output,
    s.latencyMs,
    s.timeToFirstTokenMs,
  ];
  const sql = `
    WITH settled AS (SELECT gateway_settle($1, $2, $3, $4) AS held)
    INSERT INTO conversations (
      request_id, user_id, api_key_id, cost, mapping_id, model_slug, provider_slug, upstream_model,
      endpoint, stream, status, finish_reason, error_code, usage_source,
      input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
      input_price, cached_input_price, cache_write_price, output_price, latency_ms, time_to_first_token_ms)
    SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::"ConversationStatus", $12, $13, $14::"UsageSource",
           $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25
    FROM settled`;
  // A deadlock victim is rolled back whole, so trying again cannot double-charge.
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query(sql, values);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 5 || (code !== "40P01" && code !== "40001")) throw error;
    }
  }
}

/** Releases holds left by dead processes; returns how many. */
export async function releaseExpiredHolds(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ released: number }>(
    "SELECT gateway_release_expired_holds() AS released",
  );
  return rows[0]!.released;
}
