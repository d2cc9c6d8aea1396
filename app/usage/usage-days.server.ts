import type { Prisma } from "../db/prisma.server.ts";

// The ledger adds every usage row it writes to its day in usage_days (ADR 060).
// Rows written any other way (the bench's seeded rows, a test's fixtures, a
// restore of the usage log alone) need their days added up again: this does it
// for the accounts given, as the migration did for all.

const CLEAR = "DELETE FROM usage_days WHERE user_id = ANY($1::uuid[])";
const ADD_UP = `
  INSERT INTO usage_days (user_id, day, api_key_id, model_slug, byok, requests, errors, cost,
    input_tokens, output_tokens, latency_ms_sum, first_token_ms_sum, first_token_count)
  SELECT user_id, (created_at AT TIME ZONE 'UTC')::date, api_key_id, model_slug, byok, count(*),
    count(*) FILTER (WHERE status = 'ERROR'), sum(cost), sum(input_tokens), sum(output_tokens),
    sum(latency_ms), COALESCE(sum(time_to_first_token_ms), 0), count(time_to_first_token_ms)
  FROM conversations WHERE user_id = ANY($1::uuid[])
  GROUP BY 1, 2, 3, 4, 5`;

/** Adds up the days of these accounts' usage rows again, with `pg` or Prisma's raw queries. */
export async function rebuildUsageDays(
  db: Prisma | { query(text: string, values: unknown[]): Promise<unknown> },
  userIds: string[],
) {
  const run = (text: string) =>
    "query" in db ? db.query(text, [userIds]) : db.$executeRawUnsafe(text, userIds);
  await run(CLEAR);
  await run(ADD_UP);
}
