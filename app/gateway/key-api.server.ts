import {
  nextPeriodStart,
  periodAdjective,
  spentThisPeriod,
  type LimitPeriod,
} from "../billing/limit-period.ts";
import { isDatabaseUnavailable } from "../db/database-unavailable.server.ts";
import {
  DATABASE_UNAVAILABLE,
  errorResponse,
  GatewayError,
  INTERNAL_ERROR,
  invalidRequest,
} from "../http/gateway-error.ts";
import { microToCredits, microToUsd } from "../utils/money.ts";
import { authenticate } from "./authenticate.server.ts";
import type { Gateway } from "./gateway.server.ts";
import { openAIChat } from "./protocols/openai-protocol.ts";

// What OpenRouter's users look up with their API key (the same key that calls
// the models), in OpenRouter's shapes: money as exact strings in US dollars
// (OpenRouter's unit), and in our credits beside it.
// @see https://openrouter.ai/docs/api-reference/get-a-generation

type KeyOwner = Awaited<ReturnType<typeof authenticate>>;

/** Runs a key-authenticated GET: 401 without a valid key, errors in OpenAI's shape. */
async function withKey(
  gateway: Gateway,
  request: Request,
  handler: (key: KeyOwner) => Promise<unknown>,
): Promise<Response> {
  try {
    const key = await authenticate(gateway, openAIChat, openAIChat.headerKey(request));
    return Response.json({ data: await handler(key) });
  } catch (caught) {
    const error = isDatabaseUnavailable(caught) ? DATABASE_UNAVAILABLE : caught;
    if (error instanceof GatewayError) return errorResponse(error);
    gateway.log.error({ err: error }, "key API request failed");
    return errorResponse(INTERNAL_ERROR);
  }
}

/** GET /api/v1/generation?id=: one logged request of the key's account. */
export const getGeneration = (gateway: Gateway, request: Request) =>
  withKey(gateway, request, async (key) => {
    const id = new URL(request.url).searchParams.get("id");
    if (!id) throw invalidRequest("id: the query parameter is required", "id");
    const row = await gateway.prisma.conversation.findUnique({ where: { requestId: id } });
    // Someone else's request is as absent as one that never was.
    if (!row || row.userId !== key.userId)
      throw new GatewayError(404, `No generation with id '${id}'`, {
        type: "not_found_error",
        code: "generation_not_found",
        param: "id",
      });
    return {
      id: row.requestId,
      model: row.modelSlug,
      provider_name: row.providerSlug,
      upstream_model: row.upstreamModel,
      endpoint: row.endpoint,
      created_at: row.createdAt.toISOString(),
      tokens_prompt: row.inputTokens + row.cachedInputTokens + row.cacheWriteTokens,
      tokens_completion: row.outputTokens,
      native_tokens_cached: row.cachedInputTokens,
      native_tokens_cache_write: row.cacheWriteTokens,
      native_tokens_reasoning: row.reasoningTokens,
      usage_source: row.usageSource,
      total_cost: microToUsd(row.cost),
      // OpenRouter's name: served with the user's own provider key, charged the BYOK fee only.
      is_byok: row.byok,
      cost_credits: microToCredits(row.cost),
      latency: row.latencyMs,
      time_to_first_token: row.timeToFirstTokenMs,
      finish_reason: row.finishReason,
      status: row.status,
      streamed: row.stream,
      cancelled: row.status === "CANCELLED",
    };
  });

/** GET /api/v1/key: the calling key's name, limit and spend. */
export const getKeyInfo = (gateway: Gateway, request: Request) =>
  withKey(gateway, request, async (key) => {
    const row = await gateway.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    const remaining = row.creditLimit === null ? null : row.creditLimit - row.spent - row.reserved;
    const period = row.limitPeriod as LimitPeriod | null;
    const periodSpent = spentThisPeriod(row);
    const periodRemaining =
      row.periodLimit === null ? null : row.periodLimit - periodSpent - row.reserved;
    return {
      label: row.name,
      prefix: row.prefix,
      limit: row.creditLimit === null ? null : microToUsd(row.creditLimit),
      usage: microToUsd(row.spent),
      limit_remaining: remaining === null ? null : microToUsd(remaining),
      // OpenRouter's name for a limit that starts again each period.
      limit_reset: period === null ? null : periodAdjective(period),
      is_free_tier: false,
      // The gateway limits spend, not request rates.
      rate_limit: null,
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
      gateway.prisma.conversation.aggregate({
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
      total_credits: microToUsd(total),
      total_usage: microToUsd(usage),
      credits: {
        total: microToCredits(total),
        used: microToCredits(usage),
        balance: microToCredits(user.balance),
      },
    };
  });
