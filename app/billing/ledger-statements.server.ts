import {
  raw,
  sql,
  type Sql,
  type TransactionClient,
} from "../generated/prisma/internal/prismaNamespace.ts";
import { prepared } from "../db/prepared-statements.ts";
import { storableJson } from "../utils/storable-text.ts";
import type { LimitPeriod } from "./limit-period.ts";

// The statements of the ledger's transactions. Each writes a whole batch in one
// round trip, so a transaction costs BEGIN, one statement and COMMIT whether it
// carries 1 request or 500, for 1 account or 100: Prisma spends more per
// statement than PostgreSQL does (docs/decisions/010-ledger-in-prisma-transactions.md).
// The statements only move amounts the ledger decided in TypeScript; SQL adds
// them up per account, and decides nothing. Rows travel as JSON parameters,
// unpacked by batch_rows() so that PostgreSQL plans key lookups (ADR 063).

export type Tx = TransactionClient;

/** A change to one of the instance's holds: created with, or grown or shrunk by, `change`. */
export interface HoldChange {
  id: string;
  userId: string;
  apiKeyId: string;
  change: bigint;
  created: boolean;
}

export interface UserRow {
  id: string;
  balance: bigint;
  reserved: bigint;
}

export interface KeyRow {
  id: string;
  creditLimit: bigint | null;
  spent: bigint;
  /** The limit per day or month, and what was spent in the current one. */
  period: { name: LimitPeriod; limit: bigint; spent: bigint } | null;
  reserved: bigint;
  active: boolean;
}

/** A team member's month, for their monthly limit ("<team>:<user>", as memberOf names it). */
export interface MemberRow {
  id: string;
  /** Null: no limit (the month is counted anyway). */
  monthlyLimit: bigint | null;
  /** Settled this UTC month. */
  spent: bigint;
  reserved: bigint;
}

export interface BatchResult {
  users: UserRow[];
  keys: KeyRow[];
  members: MemberRow[];
  /** The holds the statement found (or created): a hold missing here was released by the sweeper. */
  holds: Set<string>;
}

/** Conversation columns, as the settle writes them (snake_case, as in the table). */
export type ConversationRow = Record<string, string | number | boolean | bigint | null>;

// Storable: a prompt or an answer with a NUL or half a surrogate pair must not
// fail the statement, which books every settlement of its batch.
export const json = (rows: unknown[]) =>
  storableJson(rows, (_key, value) => (typeof value === "bigint" ? value.toString() : value));

/**
 * A batch, in one statement:
 * - writes the usage rows of settled requests (one that has its row already, a
 *   settlement retried after its commit went through, is not charged again)
 *   and adds them to their days in `usage_days`,
 *   charges their costs to balances and keys and takes them out of the holds
 *   they were reserved from (`charges`: request id to hold id, null for none);
 * - creates, grows, shrinks or renews holds (`holds`);
 * - applies what all that changes to the users and keys concerned;
 * - drops the progress records of the settled requests that had some.
 * Returns the account rows as they are now, locked until the transaction ends.
 */
export function writeBatch(
  tx: Tx,
  batch: {
    instance: string;
    expiresAt: Date;
    conversations: ConversationRow[];
    charges: { requestId: string; holdId: string | null }[];
    /** Settled requests that had recorded their progress: those records go. */
    progressDone: string[];
    holds: HoldChange[];
  },
) {
  const expiresAt = batch.expiresAt.toISOString();
  return applyChanges(
    tx,
    "ledger_write_batch",
    sql`
      progress_done AS (
        DELETE FROM request_progress WHERE request_id = ANY(${batch.progressDone}::text[])
      ), settled AS (
        SELECT r.* FROM batch_rows(${json(batch.conversations)}::json) e, json_populate_record(NULL::conversations, e) r
      ), written AS (
        INSERT INTO conversations (${CONVERSATION_COLUMNS}) SELECT ${CONVERSATION_COLUMNS} FROM settled
        ON CONFLICT (request_id) DO NOTHING
        RETURNING request_id, user_id, api_key_id, cost, model_slug, byok, status, input_tokens,
          output_tokens, latency_ms, time_to_first_token_ms, created_at
      ), days AS (
        -- Each row written, added to its day (ADR 060). Run after the accounts are locked
        -- (nothing reads it), so another instance writing the same days waits on the account.
        INSERT INTO usage_days AS d (user_id, day, api_key_id, model_slug, byok, requests, errors,
          cost, input_tokens, output_tokens, latency_ms_sum, first_token_ms_sum, first_token_count)
        SELECT user_id, (created_at AT TIME ZONE 'UTC')::date, api_key_id, model_slug, byok, count(*),
          count(*) FILTER (WHERE status = 'ERROR'), sum(cost), sum(input_tokens), sum(output_tokens),
          sum(latency_ms), COALESCE(sum(time_to_first_token_ms), 0), count(time_to_first_token_ms)
        FROM written GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (user_id, day, api_key_id, model_slug, byok) DO UPDATE SET
          requests = d.requests + excluded.requests, errors = d.errors + excluded.errors,
          cost = d.cost + excluded.cost, input_tokens = d.input_tokens + excluded.input_tokens,
          output_tokens = d.output_tokens + excluded.output_tokens,
          latency_ms_sum = d.latency_ms_sum + excluded.latency_ms_sum,
          first_token_ms_sum = d.first_token_ms_sum + excluded.first_token_ms_sum,
          first_token_count = d.first_token_count + excluded.first_token_count
      ), written_costs AS MATERIALIZED (
        -- The rows written, as one object looked up by request id: a join of two sets
        -- said to hold one row each would be planned as a scan of one per row of the other.
        SELECT COALESCE(jsonb_object_agg(request_id, cost), '{}') AS costs FROM written
      ), hold_changes AS (
        SELECT h.* FROM batch_rows(${json(batch.holds)}::json) e,
          json_to_record(e) AS h(id text, "userId" uuid, "apiKeyId" uuid, change bigint, created boolean)
      ), created AS (
        INSERT INTO credit_holds (id, instance_id, user_id, api_key_id, amount, expires_at)
        SELECT id, ${batch.instance}, "userId", "apiKeyId", change, ${expiresAt}::timestamptz
        FROM hold_changes WHERE created
        RETURNING id, user_id, api_key_id, amount AS change
      ), changed AS (
        UPDATE credit_holds h SET amount = h.amount + c.change, expires_at = ${expiresAt}::timestamptz
        FROM (
          SELECT id, sum(change)::bigint AS change FROM (
            SELECT id, change FROM hold_changes WHERE NOT created
            UNION ALL
            -- A settlement whose row was written before (its earlier attempt's commit went
            -- through) charges nothing, but its hold is still found: it was not swept.
            SELECT c."holdId", -COALESCE((w.costs ->> c."requestId")::bigint, 0)
            FROM batch_rows(${json(batch.charges)}::json) e,
              json_to_record(e) AS c("requestId" text, "holdId" text), written_costs w
            WHERE c."holdId" IS NOT NULL
          ) AS each_change GROUP BY id
        ) c
        WHERE h.id = c.id
        RETURNING h.id, h.user_id, h.api_key_id, c.change
      ), touched AS (
        SELECT id, user_id, api_key_id, change FROM created
        UNION ALL SELECT id, user_id, api_key_id, change FROM changed
      ), changes AS (
        SELECT user_id, api_key_id, cost AS charge, 0::bigint AS reserve, true AS used FROM written
        UNION ALL SELECT user_id, api_key_id, 0, change, false FROM touched
      )`,
    HOLD_ROWS,
  );
}

/** Gives back what holds were grown by but did not need: each hold shrinks by its `change`. */
export function shrinkHolds(tx: Tx, holds: HoldChange[]) {
  return applyChanges(
    tx,
    "ledger_shrink_holds",
    sql`
      hold_changes AS (
        SELECT h.* FROM batch_rows(${json(holds)}::json) e, json_to_record(e) AS h(id text, change bigint)
      ), touched AS (
        UPDATE credit_holds h SET amount = h.amount + c.change FROM hold_changes c WHERE h.id = c.id
        RETURNING h.id, h.user_id, h.api_key_id, c.change
      ), changes AS (
        SELECT user_id, api_key_id, 0::bigint AS charge, change AS reserve, false AS used FROM touched
      )`,
  );
}

/** Releases holds whole: what they held leaves their accounts' reserved. */
export function releaseHolds(tx: Tx, ids: string[]) {
  return applyChanges(
    tx,
    "ledger_release_holds",
    sql`
      touched AS (
        DELETE FROM credit_holds WHERE id = ANY(${ids}::text[])
        RETURNING id, user_id, api_key_id, -amount AS change
      ), changes AS (
        SELECT user_id, api_key_id, 0::bigint AS charge, change AS reserve, false AS used FROM touched
      )`,
    HOLD_ROWS,
  );
}

/** Releases up to `limit` holds whose instance died (skipping any being written right now). */
export async function releaseExpiredHolds(tx: Tx, limit: number): Promise<number> {
  const { holds } = await applyChanges(
    tx,
    "ledger_release_expired_holds",
    sql`
      touched AS (
        DELETE FROM credit_holds WHERE id IN (
          SELECT id FROM credit_holds WHERE expires_at < now()
          ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING id, user_id, api_key_id, -amount AS change
      ), changes AS (
        SELECT user_id, api_key_id, 0::bigint AS charge, change AS reserve, false AS used FROM touched
      )`,
    HOLD_ROWS,
  );
  return holds.size;
}

/** The holds a statement touched, as rows of its result. */
const HOLD_ROWS = sql`UNION ALL SELECT 'hold', id, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM touched`;

/**
 * What `changes (user_id, api_key_id, charge, reserve, used)` does to the
 * accounts, summed per user and per key. Rows are locked in id order, users
 * before keys, so that concurrent batches of several instances (and the
 * sweeper) cannot deadlock one another; and with the lock an UPDATE takes
 * anyway (NO KEY UPDATE), which does not wait for the KEY SHARE locks that
 * other batches' foreign-key checks hold on the same rows.
 */
const APPLY_CHANGES = raw(`
  users_locked AS MATERIALIZED (
    SELECT u.id, d.charge, d.reserve
    FROM users u JOIN (
      SELECT user_id AS id, sum(charge)::bigint AS charge, sum(reserve)::bigint AS reserve
      FROM changes GROUP BY user_id
    ) d ON d.id = u.id
    ORDER BY u.id FOR NO KEY UPDATE OF u
  ), users_updated AS (
    UPDATE users u SET balance = u.balance - l.charge, reserved = u.reserved + l.reserve
    FROM users_locked l WHERE u.id = l.id
    RETURNING u.id, u.balance, u.reserved
  ), keys_locked AS MATERIALIZED (
    SELECT k.id, k.user_id AS account_id, k.created_by, d.charge, d.reserve, d.used
    FROM api_keys k JOIN (
      SELECT api_key_id AS id, sum(charge)::bigint AS charge, sum(reserve)::bigint AS reserve,
             bool_or(used) AS used
      FROM changes GROUP BY api_key_id
    ) d ON d.id = k.id
    ORDER BY k.id FOR NO KEY UPDATE OF k
  ), keys_updated AS (
    UPDATE api_keys k SET spent = k.spent + l.charge, reserved = k.reserved + l.reserve,
      last_used_at = CASE WHEN l.used THEN now() ELSE k.last_used_at END,
      -- A new day or month starts the period's spend again (UTC; null without a period).
      period_spent = CASE WHEN k.period_start IS NOT DISTINCT FROM date_trunc(k.limit_period, now(), 'UTC')
        THEN k.period_spent ELSE 0 END + l.charge,
      period_start = date_trunc(k.limit_period, now(), 'UTC')
    FROM keys_locked l WHERE k.id = l.id
    RETURNING k.id, k.credit_limit, k.spent, k.reserved, (k.enabled AND k.deleted_at IS NULL) AS active,
      k.limit_period, k.period_limit, k.period_spent
  ), members_locked AS MATERIALIZED (
    -- A team's keys (made by someone other than the account) count for their maker's month.
    SELECT m.team_id, m.user_id, d.charge, d.reserve
    FROM team_members m JOIN (
      SELECT account_id, created_by, sum(charge)::bigint AS charge, sum(reserve)::bigint AS reserve
      FROM keys_locked WHERE account_id <> created_by GROUP BY account_id, created_by
    ) d ON m.team_id = d.account_id AND m.user_id = d.created_by
    ORDER BY m.team_id, m.user_id FOR NO KEY UPDATE OF m
  ), members_updated AS (
    UPDATE team_members m SET reserved = m.reserved + l.reserve,
      month_spent = CASE WHEN m.month_start IS NOT DISTINCT FROM date_trunc('month', now(), 'UTC')
        THEN m.month_spent ELSE 0 END + l.charge,
      month_start = date_trunc('month', now(), 'UTC')
    FROM members_locked l WHERE m.team_id = l.team_id AND m.user_id = l.user_id
    RETURNING m.team_id, m.user_id, m.monthly_limit, m.month_spent, m.reserved
  )`);

interface ResultRow {
  kind: "user" | "key" | "member" | "hold";
  id: string;
  amount: bigint | null;
  reserved: bigint | null;
  credit_limit: bigint | null;
  active: boolean | null;
  limit_period: LimitPeriod | null;
  period_limit: bigint | null;
  period_spent: bigint | null;
}

/** Runs the statement `WITH sources, APPLY_CHANGES ...`, prepared on each connection as `name`. */
async function applyChanges(
  tx: Tx,
  name: string,
  sources: Sql,
  extra: Sql = sql``,
): Promise<BatchResult> {
  const rows = await tx.$queryRaw<ResultRow[]>`${raw(prepared(name))}
    WITH ${sources}, ${APPLY_CHANGES}
    SELECT 'user' AS kind, id::text, balance AS amount, reserved, NULL::bigint AS credit_limit,
           NULL::boolean AS active, NULL AS limit_period, NULL::bigint AS period_limit,
           NULL::bigint AS period_spent
    FROM users_updated
    UNION ALL SELECT 'key', id::text, spent, reserved, credit_limit, active, limit_period,
      period_limit, period_spent FROM keys_updated
    UNION ALL SELECT 'member', team_id::text || ':' || user_id::text, month_spent, reserved, monthly_limit, NULL,
      NULL, NULL, NULL FROM members_updated
    ${extra}`;
  const result: BatchResult = { users: [], keys: [], members: [], holds: new Set() };
  for (const row of rows) {
    if (row.kind === "user")
      result.users.push({
        id: row.id,
        balance: BigInt(row.amount!),
        reserved: BigInt(row.reserved!),
      });
    else if (row.kind === "key")
      result.keys.push({
        id: row.id,
        creditLimit: row.credit_limit === null ? null : BigInt(row.credit_limit),
        spent: BigInt(row.amount!),
        reserved: BigInt(row.reserved!),
        active: row.active === true,
        period:
          row.limit_period === null || row.period_limit === null
            ? null
            : {
                name: row.limit_period,
                limit: BigInt(row.period_limit),
                spent: BigInt(row.period_spent!),
              },
      });
    else if (row.kind === "member")
      result.members.push({
        id: row.id,
        monthlyLimit: row.credit_limit === null ? null : BigInt(row.credit_limit),
        spent: BigInt(row.amount!),
        reserved: BigInt(row.reserved!),
      });
    else result.holds.add(row.id);
  }
  return result;
}

const CONVERSATION_COLUMNS = raw(
  [
    "request_id, user_id, api_key_id, cost, mapping_id, model_slug, provider_slug, upstream_model",
    "endpoint, stream, status, finish_reason, error_code, usage_source",
    "input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens",
    "input_price, cached_input_price, cache_write_price, output_price, latency_ms, time_to_first_token_ms",
    "prompt, response, byok, fallbacks, redactions, provider_cost, unit, units, unit_price",
  ].join(", "),
);
