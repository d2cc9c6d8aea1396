import { postgresErrorCode, type Prisma } from "../db/prisma.server.ts";
import type { FinishReason, Usage } from "../gateway/parts.ts";
import { GroupCommit, type Settled } from "./group-commit.ts";
import {
  correctHolds,
  deleteExpiredHolds,
  releaseHolds,
  writeBatch,
  type AccountChange,
  type ConversationRow,
  type KeyRow,
  type Tx,
  type UserRow,
} from "./ledger-statements.server.ts";
import type { Prices } from "./prices.ts";
import {
  decideReservations,
  provisionalAmount,
  type HoldRequest,
  type KeyBudget,
  type Reservation,
  type UserBudget,
} from "./reservations.ts";

export type { HoldRequest, Reservation };

// Reserve and settle, the two moments a request touches money, as Prisma
// interactive transactions. Requests that arrive while a transaction is being
// written share the next one (group commit): one commit, one WAL flush, and
// one update per table for the whole batch. See docs/decisions/010-ledger-in-prisma-transactions.md.

/** How long a hold lives if its process dies before settling it. */
export const HOLD_TTL_MS = 30 * 60_000;

const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

export interface Settlement {
  requestId: string;
  userId: string;
  apiKeyId: string;
  mappingId: number;
  modelSlug: string;
  providerSlug: string;
  upstreamModel: string;
  endpoint: string;
  stream: boolean;
  status: "SUCCESS" | "ERROR" | "CANCELLED";
  finishReason: FinishReason | null;
  errorCode: string | null;
  usage: Usage;
  usageSource: "REPORTED" | "ESTIMATED";
  cost: bigint;
  prices: Prices;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
}

type Operation =
  { kind: "reserve"; hold: HoldRequest } | { kind: "settle"; settlement: Settlement };

export class Ledger {
  private readonly prisma: Prisma;
  private readonly batches: GroupCommit<Operation, Reservation | undefined>;
  /** Transactions written and operations in them: their ratio is the batch size. */
  readonly stats = { transactions: 0, operations: 0 };

  constructor(prisma: Prisma) {
    this.prisma = prisma;
    this.batches = new GroupCommit((batch) => this.write(batch));
  }

  /**
   * Holds the most the request can cost against the user's spendable balance
   * and the key's remaining limit, or says why not. Concurrent reservations on
   * any number of instances can never together hold more than there is.
   */
  async reserve(hold: HoldRequest): Promise<Reservation> {
    return (await this.batches.submit({ kind: "reserve", hold }))!;
  }

  /**
   * Releases the request's hold, charges its cost to the balance and the key's
   * spend, and writes its usage row, all or nothing. Settling a request twice
   * charges it once; a hold the sweeper already released still gets charged.
   */
  async settle(settlement: Settlement): Promise<void> {
    await this.batches.submit({ kind: "settle", settlement });
  }

  /** Waits until everything submitted is written (for shutdown). */
  flush() {
    return this.batches.flush();
  }

  private async write(
    batch: Operation[],
    attempt = 1,
  ): Promise<Settled<Reservation | undefined>[]> {
    try {
      const outcomes = await this.prisma.$transaction(
        (tx) => writeTransaction(tx, batch),
        TRANSACTION_OPTIONS,
      );
      this.stats.transactions += 1;
      this.stats.operations += batch.length;
      return outcomes;
    } catch (error) {
      // Rolled back whole by a conflict with another instance: nothing was written, try again.
      if (isRetryable(error) && attempt < 3) return this.write(batch, attempt + 1);
      if (batch.length === 1) return [{ ok: false, error }];
      // One operation failed the whole transaction: write each alone, so only it fails.
      const outcomes: Settled<Reservation | undefined>[] = [];
      for (const operation of batch) outcomes.push(...(await this.write([operation])));
      return outcomes;
    }
  }
}

function isRetryable(error: unknown) {
  const code = postgresErrorCode(error);
  return code === "40P01" || code === "40001";
}

/** Releases holds whose request died with its process; returns how many. Safe on every instance at once. */
export async function releaseExpiredHolds(prisma: Prisma): Promise<number> {
  let released = 0;
  for (;;) {
    const count = await prisma.$transaction(async (tx) => {
      const expired = await deleteExpiredHolds(tx, 1000);
      if (expired.length > 0) await releaseHolds(tx, expired);
      return expired.length;
    }, TRANSACTION_OPTIONS);
    released += count;
    if (count < 1000) return released;
  }
}

/**
 * One transaction for the batch: settlements and reservations in one statement
 * (settlements free what reservations may use), then, when a reservation gets
 * less than it was written with, one more to take that back.
 */
async function writeTransaction(tx: Tx, batch: Operation[]) {
  const settlements = uniqueBy(
    batch.flatMap((op) => (op.kind === "settle" ? [op.settlement] : [])),
    (s) => s.requestId,
  );
  const holds = batch.flatMap((op) => (op.kind === "reserve" ? [op.hold] : []));
  // Reservations are written at their largest amount, then decided against the rows
  // as the statement left them, so that the account rows stay locked only for the
  // one statement and the commit.
  const provisional = holds.map(provisionalAmount);
  const expiresAt = new Date(Date.now() + HOLD_TTL_MS);
  const { users, keys } = await writeBatch(tx, {
    conversations: settlements.map(conversationRow),
    holds: holds.map((hold, i) => ({ ...hold, amount: provisional[i]!, expiresAt })),
  });
  const reservations = holds.length > 0 ? await decide(tx, holds, provisional, users, keys) : [];
  let next = 0;
  return batch.map((op): Settled<Reservation | undefined> =>
    op.kind === "reserve"
      ? { ok: true, value: reservations[next++]! }
      : { ok: true, value: undefined },
  );
}

/**
 * Decides the batch's reservations against the budgets before them (the rows
 * now hold them at their provisional amounts) and takes back what was not granted.
 */
async function decide(
  tx: Tx,
  holds: HoldRequest[],
  provisional: bigint[],
  users: UserRow[],
  keys: KeyRow[],
) {
  const pendingOfUser = new Map<string, bigint>();
  const pendingOfKey = new Map<string, bigint>();
  holds.forEach((hold, i) => {
    pendingOfUser.set(hold.userId, (pendingOfUser.get(hold.userId) ?? 0n) + provisional[i]!);
    pendingOfKey.set(hold.apiKeyId, (pendingOfKey.get(hold.apiKeyId) ?? 0n) + provisional[i]!);
  });
  const userBudgets = new Map<string, UserBudget>(
    users.map((user) => [
      user.id,
      user.balance - user.reserved + (pendingOfUser.get(user.id) ?? 0n),
    ]),
  );
  const keyBudgets = new Map<string, KeyBudget>(
    keys.map((key) => [
      key.id,
      key.active
        ? {
            active: true,
            remaining:
              key.creditLimit === null
                ? null
                : key.creditLimit - key.spent - key.reserved + (pendingOfKey.get(key.id) ?? 0n),
          }
        : { active: false },
    ]),
  );
  const reservations = decideReservations(holds, userBudgets, keyBudgets);

  const changes: AccountChange[] = [];
  const refused: string[] = [];
  const resized: { requestId: string; amount: bigint }[] = [];
  reservations.forEach((reservation, i) => {
    const hold = holds[i]!;
    const granted = reservation.ok ? reservation.amount : 0n;
    if (granted === provisional[i]) return;
    changes.push({
      userId: hold.userId,
      apiKeyId: hold.apiKeyId,
      reserve: granted - provisional[i]!,
    });
    if (reservation.ok) resized.push({ requestId: hold.requestId, amount: granted });
    else refused.push(hold.requestId);
  });
  if (changes.length > 0) await correctHolds(tx, { refused, resized, changes });
  return reservations;
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))));
}

function conversationRow(s: Settlement): ConversationRow {
  return {
    request_id: s.requestId,
    user_id: s.userId,
    api_key_id: s.apiKeyId,
    cost: s.cost,
    mapping_id: s.mappingId,
    model_slug: s.modelSlug,
    provider_slug: s.providerSlug,
    upstream_model: s.upstreamModel,
    endpoint: s.endpoint,
    stream: s.stream,
    status: s.status,
    finish_reason: s.finishReason,
    error_code: s.errorCode,
    usage_source: s.usageSource,
    input_tokens: s.usage.inputTokens,
    cached_input_tokens: s.usage.cachedInputTokens,
    cache_write_tokens: s.usage.cacheWriteTokens,
    output_tokens: s.usage.outputTokens,
    reasoning_tokens: s.usage.reasoningTokens,
    input_price: s.prices.input,
    cached_input_price: s.prices.cachedInput,
    cache_write_price: s.prices.cacheWrite,
    output_price: s.prices.output,
    latency_ms: s.latencyMs,
    time_to_first_token_ms: s.timeToFirstTokenMs,
  };
}
