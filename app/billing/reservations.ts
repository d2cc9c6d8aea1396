import { costOfTokens } from "../utils/money.ts";
import type { LimitPeriod } from "./limit-period.ts";

// How much a request may hold, and whether its account can give it: decided for
// a batch of requests in one pass, in arrival order, exactly as if each had run
// alone one after another.

export interface HoldRequest {
  requestId: string;
  userId: string;
  apiKeyId: string;
  /** In a team, the member who made the key ("<team>:<user>", memberOf): their monthly limit applies. */
  memberId?: string;
  /** The most the input can cost (µcr). */
  inputCost: bigint;
  /** µcr per 1M output tokens at the dearest candidate route. */
  outputPrice: bigint;
  /** The client's max tokens, or undefined to grant what the budgets afford. */
  requestedTokens: number | undefined;
  modelMaxTokens: number;
}

export type Reservation =
  | { ok: true; grantedTokens: number; amount: bigint }
  | {
      ok: false;
      reason: RefusalReason;
      affordableTokens: number;
      /** For key_period_limit: the period whose limit was reached. */
      period?: LimitPeriod;
    };

export type RefusalReason =
  "insufficient_credits" | "key_limit" | "key_period_limit" | "member_limit" | "key_inactive";

/** What an account can still add to its holds: spendable µcr, or undefined when the user is gone. */
export type UserBudget = bigint | undefined;

/**
 * An API key's room: inactive (disabled, deleted, gone), or remaining µcr
 * under its lifetime limit (null: no limit) and under its daily or monthly one.
 */
export type KeyBudget =
  | { active: false }
  | {
      active: true;
      remaining: bigint | null;
      period?: { name: LimitPeriod; remaining: bigint } | null;
    };

/** The member row a key counts against: its team and maker, for a team's key; none for a person's. */
export const memberOf = (key: { userId: string; createdById: string }) =>
  key.createdById === key.userId ? undefined : `${key.userId}:${key.createdById}`;

export function holdAmount(request: HoldRequest, tokens: number): bigint {
  return request.inputCost + costOfTokens(tokens, request.outputPrice);
}

/** The most a request can need: what it asked for, or the model's whole output. */
export function largestAmount(request: HoldRequest): bigint {
  return holdAmount(request, request.requestedTokens ?? request.modelMaxTokens);
}

/**
 * Decides requests that the instance's holds could not cover. Each may use what
 * its key's hold has free (`free`, consumed as the walk goes on) plus what its
 * user and key can still add to holds (also consumed). A request is granted
 * only if both can pay for it; a refusal takes nothing. Returns, per request,
 * the decision and how much of it must be added to its key's hold.
 */
export function decideReservations(
  requests: HoldRequest[],
  budgets: {
    users: Map<string, UserBudget>;
    keys: Map<string, KeyBudget>;
    free: Map<string, bigint>;
    /** Remaining µcr under each limited member's monthly limit (absent: no limit). */
    members?: Map<string, bigint>;
  },
): { reservation: Reservation; added: bigint }[] {
  const userLeft = new Map(budgets.users);
  const keyLeft = new Map(budgets.keys);
  const freeLeft = new Map(budgets.free);
  const memberLeft = new Map(budgets.members);
  return requests.map((request) => {
    const user = userLeft.get(request.userId);
    const key = keyLeft.get(request.apiKeyId) ?? { active: false };
    const refuse = (reason: RefusalReason, tokens = 0, period?: LimitPeriod) => ({
      reservation: { ok: false as const, reason, affordableTokens: tokens, period },
      added: 0n,
    });
    if (user === undefined) return refuse("insufficient_credits");
    if (!key.active) return refuse("key_inactive");
    const free = positive(freeLeft.get(request.apiKeyId) ?? 0n);
    const userTokens = affordableTokens(free + user, request);
    const keyTokens =
      key.remaining === null
        ? request.modelMaxTokens
        : affordableTokens(free + key.remaining, request);
    const periodTokens = key.period
      ? affordableTokens(free + key.period.remaining, request)
      : request.modelMaxTokens;
    const member = request.memberId === undefined ? undefined : memberLeft.get(request.memberId);
    const memberTokens =
      member === undefined ? request.modelMaxTokens : affordableTokens(free + member, request);
    const wanted = request.requestedTokens ?? 1;
    if (userTokens < wanted) return refuse("insufficient_credits", userTokens);
    if (keyTokens < wanted) return refuse("key_limit", keyTokens);
    if (periodTokens < wanted) return refuse("key_period_limit", periodTokens, key.period!.name);
    if (memberTokens < wanted) return refuse("member_limit", memberTokens, "month");
    const grantedTokens =
      request.requestedTokens ?? Math.min(userTokens, keyTokens, periodTokens, memberTokens);
    const amount = holdAmount(request, grantedTokens);
    const added = amount > free ? amount - free : 0n;
    freeLeft.set(request.apiKeyId, free - amount + added);
    userLeft.set(request.userId, user - added);
    if (member !== undefined) memberLeft.set(request.memberId!, member - added);
    keyLeft.set(request.apiKeyId, {
      active: true,
      remaining: key.remaining === null ? null : key.remaining - added,
      period: key.period && { ...key.period, remaining: key.period.remaining - added },
    });
    return { reservation: { ok: true, grantedTokens, amount }, added };
  });
}

/** Output tokens a budget buys after the input's cost, up to the model's maximum. */
export function affordableTokens(budget: bigint, request: HoldRequest): number {
  if (budget < request.inputCost) return 0;
  if (request.outputPrice === 0n) return request.modelMaxTokens;
  const tokens = ((budget - request.inputCost) * 1_000_000n) / request.outputPrice;
  return tokens > BigInt(request.modelMaxTokens) ? request.modelMaxTokens : Number(tokens);
}

const positive = (value: bigint) => (value > 0n ? value : 0n);
