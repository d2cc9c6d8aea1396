import type { Prisma } from "../db/prisma.server.ts";

export interface Discrepancy {
  account: "user" | "api key" | "team member";
  id: string;
  /** Which rule, e.g. "balance = credits - charges". */
  rule: string;
  /** What the row says, and what the history adds up to (µcr). */
  stored: bigint;
  expected: bigint;
}

/**
 * Checks the ledger's rules for every account and key: a user's balance is
 * their credits minus their charges and never below zero (unless a refund or
 * dispute took credits back); a user's and a key's `reserved` is the sum of
 * their open holds; a key's `spent` is the sum of its charges (its daily
 * totals), which add up to its usage rows over the days whose rows are kept; a
 * team member's month and holds add up from their keys'. Run it when the
 * gateway is idle (holds of running requests count as they are).
 */
export async function checkLedger(prisma: Prisma): Promise<Discrepancy[]> {
  const users = await prisma.$queryRaw<
    {
      id: string;
      balance: bigint;
      reserved: bigint;
      credits: bigint;
      charges: bigint;
      held: bigint;
      taken_back: boolean;
    }[]
  >`
    SELECT u.id::text, u.balance, u.reserved,
      COALESCE((SELECT sum(amount) FROM onramp_transactions o WHERE o.user_id = u.id), 0)::bigint AS credits,
      COALESCE((SELECT sum(cost) FROM usage_days d WHERE d.user_id = u.id), 0)::bigint AS charges,
      COALESCE((SELECT sum(amount) FROM credit_holds h WHERE h.user_id = u.id), 0)::bigint AS held,
      EXISTS (SELECT 1 FROM onramp_transactions o WHERE o.user_id = u.id AND o.amount < 0) AS taken_back
    FROM users u`;
  // Charges are added up from the daily totals, which outlive removed usage rows (ADR 061);
  // the days from a key's oldest kept usage row on are checked against its rows.
  const keys = await prisma.$queryRaw<
    {
      id: string;
      spent: bigint;
      reserved: bigint;
      charges: bigint;
      held: bigint;
      row_cost: bigint;
      rows: bigint;
      day_cost: bigint;
      day_requests: bigint;
    }[]
  >`
    SELECT k.id::text, k.spent, k.reserved,
      COALESCE((SELECT sum(cost) FROM usage_days d WHERE d.api_key_id = k.id), 0)::bigint AS charges,
      COALESCE((SELECT sum(amount) FROM credit_holds h WHERE h.api_key_id = k.id), 0)::bigint AS held,
      COALESCE(kept.cost, 0)::bigint AS row_cost, kept.rows,
      COALESCE(kept_days.cost, 0)::bigint AS day_cost,
      COALESCE(kept_days.requests, 0)::bigint AS day_requests
    FROM api_keys k
    CROSS JOIN LATERAL (
      SELECT min(created_at AT TIME ZONE 'UTC')::date AS first_day, sum(cost) AS cost, count(*) AS rows
      FROM conversations c WHERE c.api_key_id = k.id
    ) kept
    CROSS JOIN LATERAL (
      SELECT sum(cost) AS cost, sum(requests) AS requests
      FROM usage_days d WHERE d.api_key_id = k.id AND d.day >= kept.first_day
    ) kept_days`;
  // A team member's month and holds: their keys' charges since the month (and their joining) began.
  const members = await prisma.$queryRaw<
    { id: string; month_spent: bigint; reserved: bigint; charges: bigint; held: bigint }[]
  >`
    SELECT m.team_id::text || ':' || m.user_id::text AS id, m.reserved,
      CASE WHEN m.month_start = date_trunc('month', now(), 'UTC') THEN m.month_spent ELSE 0 END
        AS month_spent,
      COALESCE((SELECT sum(c.cost) FROM conversations c JOIN api_keys k ON k.id = c.api_key_id
        WHERE k.user_id = m.team_id AND k.created_by = m.user_id
          AND c.created_at >= greatest(date_trunc('month', now(), 'UTC'), m.created_at)), 0)::bigint
        AS charges,
      COALESCE((SELECT sum(h.amount) FROM credit_holds h JOIN api_keys k ON k.id = h.api_key_id
        WHERE k.user_id = m.team_id AND k.created_by = m.user_id), 0)::bigint AS held
    FROM team_members m`;
  const found: Discrepancy[] = [];
  const expect = (
    account: Discrepancy["account"],
    id: string,
    rule: string,
    stored: bigint,
    expected: bigint,
  ) => {
    if (stored !== expected) found.push({ account, id, rule, stored, expected });
  };
  for (const user of users) {
    expect(
      "user",
      user.id,
      "balance = credits - charges",
      user.balance,
      user.credits - user.charges,
    );
    expect("user", user.id, "reserved = sum of holds", user.reserved, user.held);
    // Only a refund or a dispute (a negative credit row) may take a balance below zero.
    if (user.balance < 0n && !user.taken_back)
      found.push({
        account: "user",
        id: user.id,
        rule: "balance >= 0",
        stored: user.balance,
        expected: 0n,
      });
  }
  for (const key of keys) {
    expect("api key", key.id, "spent = sum of charges", key.spent, key.charges);
    expect("api key", key.id, "reserved = sum of holds", key.reserved, key.held);
    // The daily totals add up to the usage rows, over the days whose rows are kept.
    expect("api key", key.id, "usage days' cost = usage rows' cost", key.day_cost, key.row_cost);
    expect("api key", key.id, "usage days' requests = usage rows", key.day_requests, key.rows);
  }
  for (const member of members) {
    const id = member.id;
    expect(
      "team member",
      id,
      "month spent = this month's charges",
      member.month_spent,
      member.charges,
    );
    expect("team member", id, "reserved = sum of holds", member.reserved, member.held);
  }
  return found;
}
