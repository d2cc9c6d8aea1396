import { costOfTokens } from "../utils/money.ts";

// Which holds a batch of reservations gets, decided in one pass over the
// batch in arrival order, exactly as if each had run alone one after another.

export interface HoldRequest {
  requestId: string;
  userId: string;
  apiKeyId: string;
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
      reason: "insufficient_credits" | "key_limit" | "key_inactive";
      affordableTokens: number;
    };

/** What an account can still hold: spendable µcr, or undefined when the user is gone. */
export type UserBudget = bigint | undefined;

/** An API key's room: inactive (disabled, deleted, gone), or remaining µcr (null: no limit). */
export type KeyBudget = { active: false } | { active: true; remaining: bigint | null };

/** The hold written before the decision: the whole request, or the model's maximum output. */
export function provisionalAmount(request: HoldRequest): bigint {
  return holdAmount(request, request.requestedTokens ?? request.modelMaxTokens);
}

export function holdAmount(request: HoldRequest, tokens: number): bigint {
  return request.inputCost + costOfTokens(tokens, request.outputPrice);
}

/**
 * Decides every request of a batch against the budgets the accounts had before
 * the batch (they are consumed as the walk goes on). A request is granted only
 * if both its user and its key can pay for it; a refusal takes nothing.
 */
export function decideReservations(
  requests: HoldRequest[],
  users: Map<string, UserBudget>,
  keys: Map<string, KeyBudget>,
): Reservation[] {
  const userLeft = new Map(users);
  const keyLeft = new Map(keys);
  return requests.map((request) => {
    const user = userLeft.get(request.userId);
    const key = keyLeft.get(request.apiKeyId) ?? { active: false };
    if (user === undefined)
      return { ok: false, reason: "insufficient_credits", affordableTokens: 0 };
    if (!key.active) return { ok: false, reason: "key_inactive", affordableTokens: 0 };
    const userTokens = affordableTokens(user, request);
    const keyTokens =
      key.remaining === null ? request.modelMaxTokens : affordableTokens(key.remaining, request);
    const wanted = request.requestedTokens ?? 1;
    if (userTokens < wanted)
      return { ok: false, reason: "insufficient_credits", affordableTokens: userTokens };
    if (keyTokens < wanted) return { ok: false, reason: "key_limit", affordableTokens: keyTokens };
    const grantedTokens = request.requestedTokens ?? Math.min(userTokens, keyTokens);
    const amount = holdAmount(request, grantedTokens);
    userLeft.set(request.userId, user - amount);
    if (key.remaining !== null)
      keyLeft.set(request.apiKeyId, { active: true, remaining: key.remaining - amount });
    return { ok: true, grantedTokens, amount };
  });
}

/** Output tokens a budget buys after the input's cost, up to the model's maximum. */
export function affordableTokens(budget: bigint, request: HoldRequest): number {
  if (budget < request.inputCost) return 0;
  if (request.outputPrice === 0n) return request.modelMaxTokens;
  const tokens = ((budget - request.inputCost) * 1_000_000n) / request.outputPrice;
  return tokens > BigInt(request.modelMaxTokens) ? request.modelMaxTokens : Number(tokens);
}
