import {
  sql,
  raw,
  type Sql,
  type TransactionClient,
} from "../generated/prisma/internal/prismaNamespace.ts";

// The statements of the ledger's transactions. Each writes a whole batch in one
// round trip, so a transaction costs BEGIN, one statement and COMMIT whether it
// carries 1 request or 500, for 1 account or 100: Prisma spends more per
// statement than PostgreSQL does (docs/decisions/010-ledger-in-prisma-transactions.md).
// The statements only move the amounts the ledger decided in TypeScript; SQL
// adds them up per account, and decides nothing. Rows travel as JSON parameters.

export type Tx = TransactionClient;

export interface NewHold {
  requestId: string;
  userId: string;
  apiKeyId: string;
  amount: bigint;
  expiresAt: Date;
}

/** A change to an account pair, decided in TypeScript. */
export interface AccountChange {
  userId: string;
  apiKeyId: string;
  /** Added to reserved (negative releases). */
  reserve: bigint;
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
  reserved: bigint;
  active: boolean;
}

/** Conversation columns, as the settle writes them (snake_case, as in the table). */
export type ConversationRow = Record<string, string | number | boolean | bigint | null>;

const json = (rows: unknown[]) =>
  JSON.stringify(rows, (_key, value) => (typeof value === "bigint" ? value.toString() : value));

/**
 * A batch: releases the settled requests' holds and writes their usage rows
 * (a request that has one already, a settlement retried after its commit went
 * through, is neither charged nor released again), writes the new holds, and
 * applies what all that changes to the users and keys concerned. Returns the
 * account rows as they are now, locked until the transaction ends.
 */
export function writeBatch(tx: Tx, batch: { conversations: ConversationRow[]; holds: NewHold[] }) {
  return applyChanges(
    tx,
    sql`
      settled AS (
        SELECT * FROM json_populate_recordset(NULL::conversations, ${json(batch.conversations)}::json)
      ), written AS (
        INSERT INTO conversations (${CONVERSATION_COLUMNS}) SELECT ${CONVERSATION_COLUMNS} FROM settled
        ON CONFLICT (request_id) DO NOTHING
        RETURNING request_id, user_id, api_key_id, cost
      ), released AS (
        DELETE FROM credit_holds WHERE request_id IN (SELECT request_id FROM written)
        RETURNING user_id, api_key_id, amount
      ), held AS (
        INSERT INTO credit_holds (request_id, user_id, api_key_id, amount, expires_at)
        SELECT request_id, user_id, api_key_id, amount, expires_at
        FROM json_populate_recordset(NULL::credit_holds, ${json(batch.holds.map(holdColumns))}::json)
        RETURNING user_id, api_key_id, amount
      ), changes AS (
        SELECT user_id, api_key_id, cost AS charge, 0::bigint AS reserve, true AS used FROM written
        UNION ALL SELECT user_id, api_key_id, 0, -amount, false FROM released
        UNION ALL SELECT user_id, api_key_id, 0, amount, false FROM held
      )`,
  );
}

/** Takes back what was held but not granted: refused holds deleted, reduced ones resized. */
export function correctHolds(
  tx: Tx,
  correction: {
    refused: string[];
    resized: { requestId: string; amount: bigint }[];
    changes: AccountChange[];
  },
) {
  return applyChanges(
    tx,
    sql`
      refused AS (
        DELETE FROM credit_holds WHERE request_id = ANY(${correction.refused}::text[])
      ), resized AS (
        UPDATE credit_holds h SET amount = d.amount
        FROM json_to_recordset(${json(correction.resized)}::json) AS d("requestId" text, amount bigint)
        WHERE h.request_id = d."requestId"
      ), ${changesFrom(correction.changes)}`,
  );
}

/** Releases holds: their amounts leave the accounts' reserved. */
export function releaseHolds(tx: Tx, changes: AccountChange[]) {
  return applyChanges(tx, changesFrom(changes));
}

function changesFrom(changes: AccountChange[]) {
  return sql`
    changes AS (
      SELECT "userId" AS user_id, "apiKeyId" AS api_key_id, 0::bigint AS charge, reserve, false AS used
      FROM json_to_recordset(${json(changes)}::json) AS d("userId" uuid, "apiKeyId" uuid, reserve bigint)
    )`;
}

/** Deletes up to `limit` holds whose process died, skipping any a settlement holds right now. */
export async function deleteExpiredHolds(tx: Tx, limit: number): Promise<AccountChange[]> {
  const rows = await tx.$queryRaw<{ user_id: string; api_key_id: string; amount: bigint }[]>`
    DELETE FROM credit_holds WHERE request_id IN (
      SELECT request_id FROM credit_holds WHERE expires_at < now()
      ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING user_id, api_key_id, amount`;
  return rows.map((row) => ({
    userId: row.user_id,
    apiKeyId: row.api_key_id,
    reserve: -BigInt(row.amount),
  }));
}

/**
 * What `changes (user_id, api_key_id, charge, reserve, used)` does to the
 * accounts, summed per user and per key. Rows are locked in id order, users
 * before keys, so that concurrent batches of several instances (and the
 * sweeper) cannot deadlock one another; and with the lock an UPDATE takes
 * anyway (NO KEY UPDATE), which does not wait for the KEY SHARE locks that
 * other batches' foreign-key checks hold on the same rows.
 */
const APPLY_CHANGES = raw(`
  user_delta AS (
    SELECT user_id AS id, sum(charge)::bigint AS charge, sum(reserve)::bigint AS reserve
    FROM changes GROUP BY user_id
  ), key_delta AS (
    SELECT api_key_id AS id, sum(charge)::bigint AS charge, sum(reserve)::bigint AS reserve,
           bool_or(used) AS used
    FROM changes GROUP BY api_key_id
  ), users_locked AS MATERIALIZED (
    SELECT id FROM users WHERE id IN (SELECT id FROM user_delta) ORDER BY id FOR NO KEY UPDATE
  ), users_updated AS (
    UPDATE users u SET balance = u.balance - d.charge, reserved = u.reserved + d.reserve
    FROM user_delta d WHERE u.id = d.id AND u.id IN (SELECT id FROM users_locked)
    RETURNING u.id, u.balance, u.reserved
  ), keys_locked AS MATERIALIZED (
    SELECT id FROM api_keys WHERE id IN (SELECT id FROM key_delta) ORDER BY id FOR NO KEY UPDATE
  ), keys_updated AS (
    UPDATE api_keys k SET spent = k.spent + d.charge, reserved = k.reserved + d.reserve,
      last_used_at = CASE WHEN d.used THEN now() ELSE k.last_used_at END
    FROM key_delta d WHERE k.id = d.id AND k.id IN (SELECT id FROM keys_locked)
    RETURNING k.id, k.credit_limit, k.spent, k.reserved, (k.enabled AND k.deleted_at IS NULL) AS active
  )`);

interface AccountRow {
  kind: "user" | "key";
  id: string;
  amount: bigint;
  reserved: bigint;
  credit_limit: bigint | null;
  active: boolean | null;
}

async function applyChanges(tx: Tx, sources: Sql): Promise<{ users: UserRow[]; keys: KeyRow[] }> {
  const rows = await tx.$queryRaw<AccountRow[]>`
    WITH ${sources}, ${APPLY_CHANGES}
    SELECT 'user' AS kind, id, balance AS amount, reserved, NULL::bigint AS credit_limit,
           NULL::boolean AS active
    FROM users_updated
    UNION ALL
    SELECT 'key', id, spent, reserved, credit_limit, active FROM keys_updated`;
  const users: UserRow[] = [];
  const keys: KeyRow[] = [];
  for (const row of rows) {
    if (row.kind === "user")
      users.push({ id: row.id, balance: BigInt(row.amount), reserved: BigInt(row.reserved) });
    else
      keys.push({
        id: row.id,
        creditLimit: row.credit_limit === null ? null : BigInt(row.credit_limit),
        spent: BigInt(row.amount),
        reserved: BigInt(row.reserved),
        active: row.active === true,
      });
  }
  return { users, keys };
}

const CONVERSATION_COLUMNS = raw(
  [
    "request_id, user_id, api_key_id, cost, mapping_id, model_slug, provider_slug, upstream_model",
    "endpoint, stream, status, finish_reason, error_code, usage_source",
    "input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens",
    "input_price, cached_input_price, cache_write_price, output_price, latency_ms, time_to_first_token_ms",
  ].join(", "),
);

function holdColumns(hold: NewHold) {
  return {
    request_id: hold.requestId,
    user_id: hold.userId,
    api_key_id: hold.apiKeyId,
    amount: hold.amount,
    expires_at: hold.expiresAt.toISOString(),
  };
}
