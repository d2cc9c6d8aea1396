import type { RouteOption } from "../catalog/catalog-cache.server.ts";
import type { ChatRequest } from "../llm/chat-request.ts";
import type { Usage } from "../llm/parts.ts";
import type { Logger } from "../observability/logger.server.ts";
import type { Ledger } from "./ledger.server.ts";
import type { Settlement } from "./settlement.ts";
import { costOfUsage, type Prices } from "./prices.ts";
import { REFUSED_USAGE, usageProblems, type UsageBounds } from "./reported-usage.ts";
import { settleOrRetry } from "./settle-or-retry.server.ts";

/** The most characters content logging stores of a prompt or an answer. */
const MAX_STORED_CHARACTERS = 1_000_000;

/** The request being charged: who pays, where it came, and the most it may cost. */
export interface ChargedRequest {
  requestId: string;
  key: { id: string; userId: string };
  /** The path it came to (/v1/chat/completions, /api/v1/embeddings...). */
  endpoint: string;
  stream: boolean;
  /** performance.now() when it arrived. */
  started: number;
  /** What the request's reservation holds: the most it may be charged. */
  heldAmount: bigint;
  /** Matches its guardrails' redact rules replaced (ADR 067); absent: none. */
  redactions?: number;
}

/** What a request is charged: the usage it is billed for, its cost, and where the usage came from. */
export interface Charged {
  usage: Usage;
  cost: bigint;
  usageSource: Settlement["usageSource"];
}

/** How the request ended, for its usage row (what the charge itself does not say). */
export type Ending = Pick<
  Settlement,
  "status" | "finishReason" | "errorCode" | "timeToFirstTokenMs"
> &
  Partial<Pick<Settlement, "modelSlug" | "fallbacks" | "progressRecorded" | "content">>;

/**
 * The cost of `usage` at `prices`, never more than the hold: a provider
 * reporting more than the request was granted (a bug, or a hostile endpoint)
 * is charged no more than the hold; the row keeps its numbers.
 */
export function costAtMostHeld(usage: Usage, prices: Prices, heldAmount: bigint) {
  const fullCost = costOfUsage(usage, prices);
  const capped = fullCost > heldAmount;
  return { cost: capped ? heldAmount : fullCost, fullCost, capped };
}

/**
 * The provider's reported usage if it can be believed (usageProblems), else
 * undefined: the request is then billed by our own count, and the log says
 * which provider sent what (unless `quiet`: it was said already).
 */
export function believedUsage(
  log: Logger,
  who: { requestId: string; provider: string },
  reported: Usage | undefined,
  bounds: UsageBounds,
  quiet = false,
): Usage | undefined {
  if (!reported) return undefined;
  const problems = usageProblems(reported, bounds);
  if (problems.length === 0) return reported;
  if (!quiet) log.warn({ ...who, problems }, REFUSED_USAGE);
  return undefined;
}

/** The usage row of a charged request (its settlement). */
export function settlementOf(
  request: ChargedRequest,
  route: RouteOption,
  charged: Charged,
  ending: Ending,
): Settlement {
  return {
    requestId: request.requestId,
    userId: request.key.userId,
    apiKeyId: request.key.id,
    mappingId: route.mappingId,
    modelSlug: route.modelSlug,
    providerSlug: route.providerSlug,
    upstreamModel: route.upstreamModel,
    endpoint: request.endpoint,
    stream: request.stream,
    ...charged,
    prices: route.prices,
    // A cache hit asked no provider (ADR 066).
    providerCost:
      charged.usageSource === "CACHE" ? 0n : costOfUsage(charged.usage, route.costPrices),
    byok: route.ownKey !== undefined,
    ...modalityUnits(charged.usage, route.prices),
    latencyMs: Math.round(performance.now() - request.started),
    ...(request.redactions ? { redactions: request.redactions } : {}),
    ...ending,
  };
}

/** Tokens of a modality priced apart (ADR 073), as the usage row's units: "image_output_token" × its price per 1M. */
function modalityUnits(usage: Usage, prices: Prices): Pick<Settlement, "media"> | undefined {
  const special = usage.modalityTokens;
  const unitPrice = special && prices.modality?.[special.modality];
  if (!special || unitPrice === undefined) return undefined;
  return { media: { unit: special.modality, units: special.tokens, unitPrice } };
}

/**
 * The one way a request's charge reaches the ledger: booked now, or retried
 * while the database is away (settleOrRetry). Says which happened.
 */
export function settleCharge(ledger: Ledger, log: Logger, settlement: Settlement) {
  return settleOrRetry(ledger, log, settlement);
}

/** What content logging keeps of a request: its messages and tools, and the answer, each bounded. */
export function storedContent(chat: ChatRequest, answer: string) {
  const prompt = { messages: chat.messages, tools: chat.tools };
  const size = JSON.stringify(prompt).length;
  return {
    prompt: size <= MAX_STORED_CHARACTERS ? prompt : { truncated: true, characters: size },
    response:
      answer.length <= MAX_STORED_CHARACTERS ? answer : answer.slice(0, MAX_STORED_CHARACTERS),
  };
}
