import type { HoldRequest, KeyBudget, Reservation, UserBudget } from "./reservations.ts";

/** When a hold grows, it takes this many times the largest request in room to spare, if the budgets allow. */
export const HEADROOM_REQUESTS = 8n;

/** What a batch added to one key's hold (provisionally, in its transaction). */
interface HoldGrowth {
  hold: { userId: string; memberId: string | undefined };
  change: bigint;
}

/**
 * What each hold keeps of its growth: what its grants needed, plus room to spare
 * for the next requests as far as the budgets allow (at most half of what is
 * left, so that other keys and instances find some).
 */
export function keptGrowth(
  requests: HoldRequest[],
  decisions: { reservation: Reservation; added: bigint }[],
  budgets: {
    users: Map<string, UserBudget>;
    keys: Map<string, KeyBudget>;
    members: Map<string, bigint>;
  },
  growth: Map<string, HoldGrowth>,
) {
  const { keys } = budgets;
  const keep = new Map<string, bigint>();
  const largest = new Map<string, bigint>();
  const userLeft = new Map(budgets.users);
  // Shared by the member's keys, like the balance by the account's.
  const memberLeft = new Map(budgets.members);
  decisions.forEach(({ reservation, added }, i) => {
    const { apiKeyId, userId, memberId } = requests[i]!;
    keep.set(apiKeyId, (keep.get(apiKeyId) ?? 0n) + added);
    userLeft.set(userId, (userLeft.get(userId) ?? 0n) - added);
    if (memberId !== undefined && memberLeft.has(memberId))
      memberLeft.set(memberId, memberLeft.get(memberId)! - added);
    if (reservation.ok && reservation.amount > (largest.get(apiKeyId) ?? 0n))
      largest.set(apiKeyId, reservation.amount);
  });
  for (const [apiKeyId, amount] of largest) {
    const { userId, memberId } = growth.get(apiKeyId)!.hold;
    const key = keys.get(apiKeyId);
    const memberBudget = memberId === undefined ? undefined : memberLeft.get(memberId);
    const kept = keep.get(apiKeyId)!;
    const keyLeft = key?.active && key.remaining !== null ? key.remaining - kept : undefined;
    const periodLeft = key?.active && key.period ? key.period.remaining - kept : undefined;
    // Whole requests' worth, so that what is left over stays in the account, where any
    // request can still use it, rather than split in unusable pieces across holds.
    let requests = HEADROOM_REQUESTS;
    for (const left of [userLeft.get(userId) ?? 0n, keyLeft, periodLeft, memberBudget])
      if (left !== undefined) requests = min(requests, left > 0n ? left / 2n / amount : 0n);
    const spare = amount * requests;
    // Never more than the transaction grew the hold by: that is what the budgets were checked for.
    const withSpare = min(kept + spare, growth.get(apiKeyId)!.change);
    userLeft.set(userId, (userLeft.get(userId) ?? 0n) - (withSpare - kept));
    if (memberBudget !== undefined) memberLeft.set(memberId!, memberBudget - (withSpare - kept));
    keep.set(apiKeyId, withSpare);
  }
  return keep;
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
