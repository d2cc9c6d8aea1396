import {
  nextPeriodStart,
  periodAdjective,
  spentThisPeriod,
  type LimitPeriod,
} from "../../billing/limit-period.ts";
import { GatewayError, invalidRequest } from "../../http/gateway-error.ts";
import { microToCredits, microToUsdNumber } from "../../utils/money.ts";
import { authenticate } from "../authenticate.server.ts";
import type { Gateway } from "../gateway.server.ts";
import { requestIdsOf } from "../../llm/generation-id.ts";
import { openRouterProviderName } from "../../catalog/openrouter-names.ts";
import { openRouterApi } from "./openrouter-api.server.ts";
import { openRouterChat } from "../../protocols/openrouter/openrouter-protocols.ts";

// What OpenRouter's users look up with their API key (the same key that calls
// the models), in OpenRouter's shapes as its SDK validates them: money as
// numbers of US dollars (OpenRouter's unit), and exactly, in our credits, beside
// them (ADR 038). Errors in OpenRouter's shape.
// @see https://openrouter.ai/docs/api-reference/get-a-generation

type KeyOwner = Awaited<ReturnType<typeof authenticate>>;

/** Runs a key-authenticated GET: 401 without a valid key. */
const withKey = (
  gateway: Gateway,
  request: Request,
  handler: (key: KeyOwner) => Promise<unknown>,
) =>
  openRouterApi(gateway, async () => {
    const key = await authenticate(gateway, openRouterChat, openRouterChat.headerKey(request));
    return Response.json({ data: await handler(key) });
  });

/** Failed provider calls as the usage row keeps them. */
type Fallbacks = { provider: string; code: string }[] | null;

/**
 * GET /api/v1/generation?id=: one request of the key's account, by the id its
 * answer's body carries (`chatcmpl-…`, `msg_…`, `resp_…`) or its request id
 * (the x-generation-id header).
 */
export const getGeneration = (gateway: Gateway, request: Request) =>
  withKey(gateway, request, async (key) => {
    const id = new URL(request.url).searchParams.get("id");
    if (!id) throw invalidRequest("id: the query parameter is required", "id");
    const row = await gateway.prisma.conversation.findFirst({
      where: { requestId: { in: requestIdsOf(id) }, userId: key.userId },
    });
    // Someone else's request is as absent as one that never was.
    if (!row)
      throw new GatewayError(404, `No generation with id '${id}'`, {
        type: "not_found_error",
        code: "generation_not_found",
        param: "id",
      });
    const [models, provider] = await Promise.all([
      gateway.catalog.all(),
      gateway.prisma.provider.findUnique({ where: { slug: row.providerSlug } }),
    ]);
    const providerName = openRouterProviderName(row.providerSlug, provider?.name);
    const prompt = row.inputTokens + row.cachedInputTokens + row.cacheWriteTokens;
    const cost = microToUsdNumber(row.cost);
    const failed = (row.fallbacks as Fallbacks) ?? [];
    return {
      id,
      request_id: row.requestId,
      upstream_id: null,
      total_cost: cost,
      usage: cost,
      upstream_inference_cost: null,
      cache_discount: null,
      created_at: row.createdAt.toISOString(),
      model: models.get(row.modelSlug)?.openRouterId ?? row.modelSlug,
      api_type: row.endpoint.endsWith("/embeddings") ? "embeddings" : "completions",
      origin: "",
      app_id: null,
      external_user: null,
      http_referer: null,
      user_agent: null,
      is_byok: row.byok,
      streamed: row.stream,
      cancelled: row.status === "CANCELLED",
      latency: row.latencyMs,
      generation_time:
        row.timeToFirstTokenMs === null ? row.latencyMs : row.latencyMs - row.timeToFirstTokenMs,
      moderation_latency: null,
      provider_name: providerName,
      provider_responses: [
        ...failed.map((attempt) => ({
          provider_name: openRouterProviderName(attempt.provider, undefined),
          status: null,
        })),
        ...(row.status === "ERROR"
          ? []
          : [
              {
                provider_name: providerName,
                model_permaslug: row.upstreamModel,
                is_byok: row.byok,
                latency: row.latencyMs,
                status: 200,
              },
            ]),
      ],
      tokens_prompt: prompt,
      tokens_completion: row.outputTokens,
      native_tokens_prompt: prompt,
      native_tokens_completion: row.outputTokens,
      native_tokens_cached: row.cachedInputTokens,
      native_tokens_reasoning: row.reasoningTokens,
      native_tokens_completion_images: null,
      num_media_prompt: null,
      num_media_completion: null,
      num_input_audio_prompt: null,
      num_search_results: null,
      num_fetches: null,
      web_search_engine: null,
      finish_reason: row.finishReason,
      native_finish_reason: row.finishReason,
      router: null,
      preset_id: null,
      service_tier: null,
      data_region: "global",
      workspace_id: null,
      // Ours: what it cost exactly, how it was counted, where it went.
      cost_credits: microToCredits(row.cost),
      native_tokens_cache_write: row.cacheWriteTokens,
      usage_source: row.usageSource,
      status: row.status,
      endpoint: row.endpoint,
      upstream_model: row.upstreamModel,
      time_to_first_token: row.timeToFirstTokenMs,
    };
  });

/** What a key spent this UTC day, week (from Monday) and month, all and with users' own provider keys. */
async function spendByPeriod(gateway: Gateway, apiKeyId: string) {
  const [row] = await gateway.prisma.$queryRaw<
    {
      daily: bigint;
      weekly: bigint;
      monthly: bigint;
      byok: bigint;
      byok_daily: bigint;
      byok_weekly: bigint;
      byok_monthly: bigint;
    }[]
  >`
    WITH bounds AS (
      SELECT (now() AT TIME ZONE 'UTC')::date AS day, date_trunc('week', now(), 'UTC')::date AS week,
             date_trunc('month', now(), 'UTC')::date AS month
    )
    SELECT
      COALESCE(sum(d.cost) FILTER (WHERE d.day >= b.day), 0)::bigint AS daily,
      COALESCE(sum(d.cost) FILTER (WHERE d.day >= b.week), 0)::bigint AS weekly,
      COALESCE(sum(d.cost) FILTER (WHERE d.day >= b.month), 0)::bigint AS monthly,
      (SELECT COALESCE(sum(cost), 0)::bigint FROM usage_days WHERE api_key_id = ${apiKeyId}::uuid AND byok) AS byok,
      COALESCE(sum(d.cost) FILTER (WHERE d.byok AND d.day >= b.day), 0)::bigint AS byok_daily,
      COALESCE(sum(d.cost) FILTER (WHERE d.byok AND d.day >= b.week), 0)::bigint AS byok_weekly,
      COALESCE(sum(d.cost) FILTER (WHERE d.byok AND d.day >= b.month), 0)::bigint AS byok_monthly
    FROM bounds b
    LEFT JOIN usage_days d
      ON d.api_key_id = ${apiKeyId}::uuid AND d.day >= LEAST(b.week, b.month)
    GROUP BY b.day, b.week, b.month`;
  return row!;
}

/** GET /api/v1/key: the calling key's name, limit and spend. */
export const getKeyInfo = (gateway: Gateway, request: Request) =>
  withKey(gateway, request, async (key) => {
    const [row, spend] = await Promise.all([
      gateway.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } }),
      spendByPeriod(gateway, key.id),
    ]);
    // What is left to spend, as OpenRouter counts it (limit - usage). Credits held
    // for running requests, or kept for the key's next ones, are apart: `credits.held`.
    const remaining = row.creditLimit === null ? null : row.creditLimit - row.spent;
    const period = row.limitPeriod as LimitPeriod | null;
    const periodSpent = spentThisPeriod(row);
    const periodRemaining = row.periodLimit === null ? null : row.periodLimit - periodSpent;
    // OpenRouter has one limit per key: the one that binds first is it.
    const periodBinds =
      period !== null &&
      periodRemaining !== null &&
      (remaining === null || periodRemaining < remaining);
    const limit = periodBinds ? row.periodLimit : row.creditLimit;
    const limitRemaining = periodBinds ? periodRemaining : remaining;
    return {
      label: row.name,
      limit: limit === null ? null : microToUsdNumber(limit),
      limit_remaining: limitRemaining === null ? null : microToUsdNumber(limitRemaining),
      limit_reset: periodBinds ? periodAdjective(period) : null,
      usage: microToUsdNumber(row.spent),
      usage_daily: microToUsdNumber(spend.daily),
      usage_weekly: microToUsdNumber(spend.weekly),
      usage_monthly: microToUsdNumber(spend.monthly),
      byok_usage: microToUsdNumber(spend.byok),
      byok_usage_daily: microToUsdNumber(spend.byok_daily),
      byok_usage_weekly: microToUsdNumber(spend.byok_weekly),
      byok_usage_monthly: microToUsdNumber(spend.byok_monthly),
      // What a request with the user's own provider key costs (the BYOK fee) counts towards the limit.
      include_byok_in_limit: true,
      is_free_tier: false,
      is_management_key: false,
      is_provisioning_key: false,
      free_model_daily_requests: { limit: 0, remaining: 0, used: 0 },
      rate_limit:
        row.rpmLimit === null
          ? {
              requests: -1,
              interval: "1m",
              note: "No request rate limit: this key's spend is limited",
            }
          : { requests: row.rpmLimit, interval: "1m", note: "Requests per minute for this key" },
      expires_at: row.expiresAt?.toISOString() ?? null,
      creator_user_id: row.createdById,
      allowed_data_regions: [],
      organization_id: null,
      workspace_id: null,
      // Ours: the key's prefix, and its money exactly in credits (1 credit = US$0.01).
      prefix: row.prefix,
      credits: {
        limit: row.creditLimit === null ? null : microToCredits(row.creditLimit),
        spent: microToCredits(row.spent),
        held: microToCredits(row.reserved),
        remaining: remaining === null ? null : microToCredits(remaining),
        period:
          period === null || row.periodLimit === null
            ? null
            : {
                name: period,
                limit: microToCredits(row.periodLimit),
                spent: microToCredits(periodSpent),
                remaining: microToCredits(periodRemaining!),
                resets_at: nextPeriodStart(period).toISOString(),
              },
      },
    };
  });

/** GET /api/v1/credits: what the key's account has bought and used. */
export const getCredits = (gateway: Gateway, request: Request) =>
  withKey(gateway, request, async (key) => {
    const [bought, used, user] = await Promise.all([
      gateway.prisma.onrampTransaction.aggregate({
        where: { userId: key.userId },
        _sum: { amount: true },
      }),
      gateway.prisma.usageDay.aggregate({
        where: { userId: key.userId },
        _sum: { cost: true },
      }),
      gateway.prisma.user.findUniqueOrThrow({
        where: { id: key.userId },
        select: { balance: true },
      }),
    ]);
    const total = bought._sum.amount ?? 0n;
    const usage = used._sum.cost ?? 0n;
    return {
      total_credits: microToUsdNumber(total),
      total_usage: microToUsdNumber(usage),
      credits: {
        total: microToCredits(total),
        used: microToCredits(usage),
        balance: microToCredits(user.balance),
      },
    };
  });
