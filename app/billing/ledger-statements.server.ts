import type { TransactionClient } from "../generated/prisma/internal/prismaNamespace.ts";

// The statements of one ledger transaction. Each one handles a whole batch, so a
// transaction costs the same handful of round trips for 1 request or 500, and
// for 1 account or 100. They only move amounts the ledger decided in
// TypeScript: there is no money logic here. Rows travel as one JSON parameter.
// Prisma's typed API cannot write different deltas to many rows in one
// statement, and skips its query-plan cache for createMany: see
// docs/decisions/010-ledger-in-prisma-transactions.md for the measurements.

export type Tx = TransactionClient;

export interface NewHold {
  requestId: string;
  userId: string;
  apiKeyId: string;
  amount: bigint;
  expiresAt: Date;
}

export interface AccountDelta {
  id: string;
  /** Subtracted from the balance (users) or added to spent (keys). */
  charge: bigint;
  /** Added to reserved (negative releases). */
  reserve: bigint;
  /** Keys only: a request settled on it now. */
  used?: boolean;
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

/** Deletes the holds of these requests; returns what each held (absent: already released). */
export async function deleteHolds(tx: Tx, requestIds: string[]): Promise<Map<string, bigint>> {
  const rows = await tx.$queryRaw<{ request_id: string; amount: bigint }[]>`
    DELETE FROM credit_holds WHERE request_id = ANY(${requestIds}::text[])
    RETURNING request_id, amount`;
  return new Map(rows.map((row) => [row.request_id, BigInt(row.amount)]));
}

/** Writes holds; callers decide their amounts. */
export async function insertHolds(tx: Tx, holds: NewHold[]): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO credit_holds (request_id, user_id, api_key_id, amount, expires_at)
    SELECT request_id, user_id, api_key_id, amount, expires_at
    FROM json_populate_recordset(NULL::credit_holds, ${json(holds.map(holdColumns))}::json)`;
}

function holdColumns(hold: NewHold) {
  return {
    request_id: hold.requestId,
    user_id: hold.userId,
    api_key_id: hold.apiKeyId,
    amount: hold.amount,
    expires_at: hold.expiresAt.toISOString(),
  };
}

/** Changes the amounts of holds that were granted less than first written. */
export async function resizeHolds(tx: Tx, holds: { requestId: string; amount: bigint }[]) {
  await tx.$executeRaw`
    UPDATE credit_holds h SET amount = d.amount
    FROM json_to_recordset(${json(holds)}::json) AS d("requestId" text, amount bigint)
    WHERE h.request_id = d."requestId"`;
}

/**
 * Writes usage rows; a request that already has one (a retried settlement whose
 * first commit went through) is skipped. Returns the request ids written now.
 */
export async function insertConversations(tx: Tx, rows: ConversationRow[]): Promise<Set<string>> {
  const written = await tx.$queryRaw<{ request_id: string }[]>`
    INSERT INTO conversations (
      request_id, user_id, api_key_id, cost, mapping_id, model_slug, provider_slug, upstream_model,
      endpoint, stream, status, finish_reason, error_code, usage_source,
      input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
      input_price, cached_input_price, cache_write_price, output_price, latency_ms, time_to_first_token_ms)
    SELECT
      request_id, user_id, api_key_id, cost, mapping_id, model_slug, provider_slug, upstream_model,
      endpoint, stream, status, finish_reason, error_code, usage_source,
      input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
      input_price, cached_input_price, cache_write_price, output_price, latency_ms, time_to_first_token_ms
    FROM json_populate_recordset(NULL::conversations, ${json(rows)}::json)
    ON CONFLICT (request_id) DO NOTHING
    RETURNING request_id`;
  return new Set(written.map((row) => row.request_id));
}

/**
 * Applies deltas to users and returns their rows as they are now, locked until
 * the transaction ends. Rows are locked in id order, so that concurrent batches
 * of several instances (and the sweeper) cannot deadlock one another; and with
 * the lock an UPDATE takes anyway (NO KEY UPDATE), which does not wait for the
 * KEY SHARE locks that other batches' foreign-key checks hold on the same rows.
 */
export async function updateUsers(tx: Tx, deltas: AccountDelta[]): Promise<UserRow[]> {
  const rows = await tx.$queryRaw<{ id: string; balance: bigint; reserved: bigint }[]>`
    WITH delta AS (
      SELECT * FROM json_to_recordset(${json(deltas)}::json) AS d(id uuid, charge bigint, reserve bigint)
    ), locked AS MATERIALIZED (
      SELECT u.id FROM users u WHERE u.id IN (SELECT id FROM delta) ORDER BY u.id FOR NO KEY UPDATE
    )
    UPDATE users u SET balance = u.balance - delta.charge, reserved = u.reserved + delta.reserve
    FROM delta WHERE u.id = delta.id AND u.id IN (SELECT id FROM locked)
    RETURNING u.id, u.balance, u.reserved`;
  return rows.map((row) => ({
    id: row.id,
    balance: BigInt(row.balance),
    reserved: BigInt(row.reserved),
  }));
}

/** As updateUsers, for API keys (spent grows by the charge; used keys get last_used_at). */
export async function updateKeys(tx: Tx, deltas: AccountDelta[]): Promise<KeyRow[]> {
  const rows = await tx.$queryRaw<
    {
      id: string;
      credit_limit: bigint | null;
      spent: bigint;
      reserved: bigint;
      active: boolean;
    }[]
  >`
    WITH delta AS (
      SELECT * FROM json_to_recordset(${json(deltas)}::json)
        AS d(id uuid, charge bigint, reserve bigint, used boolean)
    ), locked AS MATERIALIZED (
      SELECT k.id FROM api_keys k WHERE k.id IN (SELECT id FROM delta) ORDER BY k.id FOR NO KEY UPDATE
    )
    UPDATE api_keys k SET spent = k.spent + delta.charge, reserved = k.reserved + delta.reserve,
      last_used_at = CASE WHEN delta.used THEN now() ELSE k.last_used_at END
    FROM delta WHERE k.id = delta.id AND k.id IN (SELECT id FROM locked)
    RETURNING k.id, k.credit_limit, k.spent, k.reserved, (k.enabled AND k.deleted_at IS NULL) AS active`;
  return rows.map((row) => ({
    id: row.id,
    creditLimit: row.credit_limit === null ? null : BigInt(row.credit_limit),
    spent: BigInt(row.spent),
    reserved: BigInt(row.reserved),
    active: row.active,
  }));
}

/** Holds whose process died: deleted (skipping any a settlement holds right now) and returned. */
export async function deleteExpiredHolds(tx: Tx, limit: number) {
  const rows = await tx.$queryRaw<
    { request_id: string; user_id: string; api_key_id: string; amount: bigint }[]
  >`
    DELETE FROM credit_holds WHERE id IN (
      SELECT id FROM credit_holds WHERE expires_at < now() ORDER BY id LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING request_id, user_id, api_key_id, amount`;
  return rows.map((row) => ({
    requestId: row.request_id,
    userId: row.user_id,
    apiKeyId: row.api_key_id,
    amount: BigInt(row.amount),
  }));
}
