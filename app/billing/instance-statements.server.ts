import { INSTANCE_LOCK_CLASS } from "../db/instance-lock.ts";
import { json, type ConversationRow, type Tx } from "./ledger-statements.server.ts";

// The statements about instances rather than accounts: a running request's
// progress record, and what a dead instance left behind.

/** Writes (or refreshes) the progress records of running requests, all in one statement. */
export function recordProgress(
  tx: Pick<Tx, "$executeRaw">,
  instance: string,
  rows: { requestId: string; holdId: string | null; conversation: ConversationRow }[],
) {
  return tx.$executeRaw`
    INSERT INTO request_progress (request_id, instance_id, hold_id, conversation, updated_at)
    SELECT "requestId", ${instance}, "holdId", conversation, now()
    FROM batch_rows(${json(rows)}::json) e,
      json_to_record(e) AS p("requestId" text, "holdId" text, conversation jsonb)
    ON CONFLICT (request_id) DO UPDATE
      SET conversation = EXCLUDED.conversation, hold_id = EXCLUDED.hold_id, updated_at = now()`;
}

/**
 * Instances that left holds or progress records and no longer run: each live
 * instance holds its advisory lock (instanceLock) for as long as it is
 * connected, so a lock another session can take belongs to a dead one. The
 * locks taken here last until the transaction ends, so that two sweepers do
 * not settle the same instance.
 */
export async function lockDeadInstances(tx: Tx): Promise<string[]> {
  const rows = await tx.$queryRaw<{ instance_id: string }[]>`
    SELECT instance_id FROM (
      SELECT DISTINCT instance_id FROM credit_holds
      UNION SELECT DISTINCT instance_id FROM request_progress
    ) seen
    WHERE pg_try_advisory_xact_lock(${INSTANCE_LOCK_CLASS}::int, hashtext(instance_id))`;
  return rows.map((row) => row.instance_id);
}

/** A dead instance's progress records and holds, taken out of the table. */
export async function takeOrphans(tx: Tx, instance: string) {
  const progress = await tx.$queryRaw<
    { request_id: string; hold_id: string | null; conversation: ConversationRow }[]
  >`DELETE FROM request_progress WHERE instance_id = ${instance} RETURNING request_id, hold_id, conversation`;
  const holds = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM credit_holds WHERE instance_id = ${instance}`;
  return { progress, holds: holds.map((hold) => hold.id) };
}
