import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import { EMPTY_USAGE } from "../llm/parts.ts";
import type { Logger } from "../observability/logger.server.ts";
import {
  believedUsage,
  costAtMostHeld,
  settleCharge,
  settlementOf,
  type Charged,
  type ChargedRequest,
} from "./charge.server.ts";
import { countTextTokens } from "./estimate-usage.server.ts";
import type { Ledger } from "./ledger.server.ts";

/** An embeddings request being charged: its texts, and the most input tokens they can be. */
export interface EmbeddingsRequestCharged extends ChargedRequest {
  /** The model the client asked for. */
  model: string;
  inputs: string[];
  /** The most input tokens the request can hold (its hold was sized by it). */
  inputBound: number;
}

/**
 * Books an embeddings request once: its input tokens (the provider's count if
 * it can be believed, else ours; none without an answer), at most the hold.
 * Resolves with the settlement's charge and latency, for the answer and the log.
 */
export async function settleEmbeddings(
  ledger: Ledger,
  log: Logger,
  request: EmbeddingsRequestCharged,
  route: RouteOption,
  answer: { inputTokens?: number } | undefined,
  errorCode: string | null,
) {
  const reported = believedUsage(
    log,
    { requestId: request.requestId, provider: route.providerSlug },
    answer?.inputTokens === undefined
      ? undefined
      : { ...EMPTY_USAGE, inputTokens: answer.inputTokens },
    { inputTokens: request.inputBound, outputTokens: 0 },
  )?.inputTokens;
  const inputTokens = !answer ? 0 : (reported ?? (await countTextTokens(request.inputs)));
  const usage = { ...EMPTY_USAGE, inputTokens };
  const { cost, capped } = costAtMostHeld(usage, route.prices, request.heldAmount);
  const charged: Charged = {
    usage,
    cost,
    usageSource: capped ? "CAPPED" : reported === undefined ? "ESTIMATED" : "REPORTED",
  };
  const status = answer ? ("SUCCESS" as const) : ("ERROR" as const);
  const settlement = settlementOf(request, route, charged, {
    modelSlug: request.model,
    status,
    finishReason: null,
    errorCode: answer ? null : errorCode,
    timeToFirstTokenMs: null,
  });
  await settleCharge(ledger, log, settlement);
  return { inputTokens, cost, latencyMs: settlement.latencyMs, status };
}
