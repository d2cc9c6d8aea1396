import type { Prisma } from "../db/prisma.server.ts";

// USAGE_RETENTION_DAYS (ADR 061): usage rows older than that many days go, whole
// UTC days at a time, in batches that each lock a few thousand rows briefly. The
// daily totals (usage_days) keep what they added up, so balances, charges, the
// dashboard's charts and `ledger:check` stay exact. A BRIN index on created_at
// finds the old rows without reading the rest of the table.

const BATCH = 5_000;

/** Removes the usage rows of UTC days before `days` ago; returns how many. */
export async function purgeUsageRows(prisma: Prisma, days: number, batch = BATCH) {
  let removed = 0;
  for (;;) {
    // Another instance purging at the same time takes other rows (SKIP LOCKED).
    const deleted = await prisma.$executeRaw`
      DELETE FROM conversations WHERE id = ANY(ARRAY(
        SELECT id FROM conversations
        WHERE created_at < date_trunc('day', now() - make_interval(days => ${days}::int), 'UTC')
        LIMIT ${batch} FOR UPDATE SKIP LOCKED))`;
    removed += deleted;
    if (deleted < batch) return removed;
  }
}
