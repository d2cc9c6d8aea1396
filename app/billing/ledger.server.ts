import { randomBytes } from "node:crypto";
import { isDatabaseUnavailable } from "../db/database-unavailable.server.ts";
import { postgresErrorCode, type Prisma } from "../db/prisma.server.ts";
import { GroupCommit, type Settled } from "./group-commit.ts";
import { HEADROOM_REQUESTS, keptGrowth } from "./hold-growth.ts";
import {
  releaseHolds,
  shrinkHolds,
  writeBatch,
  type BatchResult,
  type Tx,
} from "./ledger-statements.server.ts";
import { conversationRow, type Settlement } from "./settlement.ts";
import {
  decideReservations,
  holdAmount,
  largestAmount,
  type HoldRequest,
  type KeyBudget,
  type Reservation,
  type UserBudget,
} from "./reservations.ts";

export type { HoldRequest, Reservation };

// Reserve and settle, the two moments a request touches money.
//
// An instance holds credits per API key (a row in credit_holds, counted in the
// user's and the key's `reserved`), and its requests take their share of that
// hold in memory: most reservations cost no database round trip at all. When a
// hold has too little free, the reservation goes to the database, which grows
// the hold only if the balance and the key's limit allow it, so that all
// instances together can never hold more than there is. Settlements charge the
// cost, take it out of the hold and write the usage row.
//
// Database work runs as Prisma interactive transactions; what arrives while one
// is being written shares the next (group commit): one commit and one statement
// for the whole batch. See docs/decisions/010-ledger-in-prisma-transactions.md.

/** A hold outlives its instance by this much; live instances renew theirs. */
export const HOLD_TTL_MS = 60_000;

export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

/** The instance's hold for one API key. */
interface Hold {
  id: string;
  userId: string;
  apiKeyId: string;
  /** The team member whose monthly limit the key counts against (memberOf), if any. */
  memberId: string | undefined;
  /** What the database row holds (as of the last commit). */
  held: bigint;
  /** Taken by requests in flight (and by decisions whose commit is pending). */
  inUse: bigint;
  /** False once its row is gone: released by this instance, or found released by the sweeper. */
  stored: boolean;
  /** Being given back: "sent" while the release is written, "failed" when it must be tried again. */
  release?: "sent" | "failed";
  lastUsed: number;
  /** When the row was last written, for renewals. */
  writtenAt: number;
  /** When the hold last grew: room it has had since, unused for a whole tidy interval, goes back. */
  grownAt: number;
  /** The most its requests took at once since the last tidy. */
  peakInUse: bigint;
  /** The largest share a request of the key took from it. */
  largestShare: bigint;
}

type Operation =
  | { kind: "reserve"; request: HoldRequest }
  | { kind: "settle"; settlement: Settlement; hold: Hold | undefined }
  | { kind: "release"; hold: Hold }
  | { kind: "renew"; hold: Hold }
  | { kind: "shrink"; hold: Hold; amount: bigint };

type Outcome = Reservation | undefined;

interface Growth {
  hold: Hold;
  /** Added to the hold (provisionally, in the transaction). */
  change: bigint;
  /** The largest amount a reservation of the batch may need from it. */
  largest: bigint;
  created: boolean;
}

interface Written {
  outcomes: Settled<Outcome>[];
  /** The balances the batch left (for auto top-up). */
  users: { id: string; balance: bigint }[];
  committed(): void;
  rolledBack(): void;
}

export class Ledger {
  /** Transactions written and operations in them: their ratio is the batch size. */
  readonly stats = { transactions: 0, operations: 0, reservedInMemory: 0 };
  private readonly prisma: Prisma;
  private readonly idleMs: number;
  private readonly onBalances: ((users: { id: string; balance: bigint }[]) => void) | undefined;
  /** This process's name on its holds and progress records; its advisory lock says it is alive. */
  readonly instance: string;
  private readonly holds = new Map<string, Hold>();
  /** Each reserved request's share: the hold it came from and how much. */
  private readonly shares = new Map<string, { hold: Hold; amount: bigint }>();
  /** Holds being given back, or whose release failed (the database was away): tidy tries those again. */
  private readonly unreleased = new Set<Hold>();
  private readonly batches: GroupCommit<Operation, Outcome>;
  private readonly tidyEveryMs: number;
  private readonly timer: NodeJS.Timeout;
  private epoch = 0;

  /** `idleMs`: how long a hold nobody uses is kept for the next requests (0: released at once). */
  constructor(
    prisma: Prisma,
    options: {
      idleMs?: number;
      instance?: string;
      /** Told the balances each committed batch left (auto top-up watches them). */
      onBalances?: (users: { id: string; balance: bigint }[]) => void;
    } = {},
  ) {
    this.prisma = prisma;
    this.onBalances = options.onBalances;
    this.instance = options.instance ?? newInstanceId();
    this.idleMs = options.idleMs ?? 2_000;
    this.batches = new GroupCommit((batch) => this.write(batch));
    this.tidyEveryMs = Math.max(this.idleMs, 1_000);
    this.timer = setInterval(() => this.tidy(), this.tidyEveryMs).unref();
  }

  /**
   * Holds the most the request can cost against the user's spendable balance
   * and the key's remaining limit, or says why not.
   */
  reserve(request: HoldRequest): Promise<Reservation> {
    if (request.requestedTokens !== undefined) {
      const hold = this.holds.get(request.apiKeyId);
      const amount = holdAmount(request, request.requestedTokens);
      if (hold && hold.held - hold.inUse >= amount) {
        this.take(request.requestId, hold, amount);
        this.stats.reservedInMemory += 1;
        return Promise.resolve({ ok: true, grantedTokens: request.requestedTokens, amount });
      }
    }
    return this.batches.submit({ kind: "reserve", request }) as Promise<Reservation>;
  }

  /**
   * Charges the request's cost to the balance and the key's spend, takes it out
   * of the hold and writes the usage row, all or nothing. Settling a request
   * twice charges it once; a hold the sweeper released already is not released again.
   *
   * When the database cannot be reached, the request keeps its cost in its hold
   * (the rest of its share goes back) until a retry books it out of that hold
   * (settleOrRetry): so nothing else takes that money meanwhile, and the charge
   * lowers the hold with the balance. `abandon` lets go of it if no retry comes.
   */
  async settle(settlement: Settlement): Promise<void> {
    const share = this.shares.get(settlement.requestId);
    try {
      await this.batches.submit({ kind: "settle", settlement, hold: share?.hold });
    } catch (error) {
      if (share && settlement.cost > 0n && isDatabaseUnavailable(error))
        this.keepForRetry(share, settlement.cost);
      else await this.abandon(settlement.requestId);
      throw error;
    }
    await this.abandon(settlement.requestId);
  }

  /** The request's settlement will not be retried (or is done): its share goes back. */
  async abandon(requestId: string) {
    const share = this.shares.get(requestId);
    if (!share) return;
    this.shares.delete(requestId);
    await this.untake(share.hold, share.amount);
  }

  /** This instance's holds: how many, and what they hold (µcr). */
  openHolds() {
    let held = 0n;
    for (const hold of this.holds.values()) held += hold.held;
    return { count: this.holds.size, held };
  }

  /** The id of the hold a reserved request's share comes from (for its progress record). */
  holdIdOf(requestId: string): string | null {
    const share = this.shares.get(requestId);
    return share?.hold.stored ? share.hold.id : null;
  }

  /** Writes everything submitted and gives back every hold nobody uses (for shutdown). */
  async close() {
    clearInterval(this.timer);
    await this.batches.flush();
    // Records a settlement raced past are stale: every request here has settled. With the
    // database away, the sweeper finds them (and their requests' rows) once it is back.
    await this.prisma.requestProgress
      .deleteMany({ where: { instanceId: this.instance } })
      .catch((error: unknown) => {
        if (!isDatabaseUnavailable(error)) throw error;
      });
    const idle = [...new Set([...this.holds.values(), ...this.unreleased])].filter(
      (hold) => hold.inUse === 0n,
    );
    for (const hold of idle) this.forget(hold);
    await Promise.all(idle.map((hold) => this.release(hold)));
  }

  /** Gives back the key's hold, e.g. when the key was disabled: its next request asks the database. */
  forgetKey(apiKeyId: string) {
    const hold = this.holds.get(apiKeyId);
    if (!hold) return;
    this.forget(hold);
    if (hold.inUse === 0n) void this.release(hold);
  }

  private take(requestId: string, hold: Hold, amount: bigint) {
    hold.inUse += amount;
    if (hold.inUse > hold.peakInUse) hold.peakInUse = hold.inUse;
    if (amount > hold.largestShare) hold.largestShare = amount;
    hold.lastUsed = Date.now();
    this.shares.set(requestId, { hold, amount });
  }

  /** A settlement that could not be written keeps only what it charges in its share. */
  private keepForRetry(share: { hold: Hold; amount: bigint }, cost: bigint) {
    const kept = cost < share.amount ? cost : share.amount;
    share.hold.inUse -= share.amount - kept;
    share.amount = kept;
  }

  /** The request is done with its share. A forgotten hold goes back when its last request is; with no idle time, any hold does. */
  private async untake(hold: Hold, amount: bigint) {
    hold.inUse -= amount;
    hold.lastUsed = Date.now();
    if (hold.inUse !== 0n || !hold.stored) return;
    if (this.idleMs > 0 && this.holds.get(hold.apiKeyId) === hold) return;
    this.forget(hold);
    await this.release(hold);
  }

  /** New requests of the key will not use this hold (it is released once nobody does). */
  private forget(hold: Hold) {
    if (this.holds.get(hold.apiKeyId) === hold) this.holds.delete(hold.apiKeyId);
  }

  /**
   * Gives a hold nobody uses back to its account. A release that fails is tried
   * again (releasing twice releases once), so that a hold let go of during an
   * outage does not stay counted in `reserved` until it expires.
   */
  private async release(hold: Hold) {
    if (!hold.stored) {
      this.unreleased.delete(hold); // found released by the sweeper meanwhile
      return;
    }
    if (hold.release === "sent") return;
    hold.release = "sent";
    this.unreleased.add(hold);
    try {
      await this.batches.submit({ kind: "release", hold });
      hold.stored = false;
      this.unreleased.delete(hold);
      hold.release = undefined;
    } catch {
      hold.release = "failed";
    }
  }

  /**
   * Releases holds nobody used for a while (and those whose release failed);
   * gives back the room a hold in use did not need; renews holds still in use
   * before they expire.
   */
  private tidy() {
    const now = Date.now();
    for (const hold of this.unreleased) if (hold.release === "failed") void this.release(hold);
    for (const hold of this.holds.values()) {
      if (hold.inUse === 0n && now - hold.lastUsed >= this.idleMs) {
        this.forget(hold);
        void this.release(hold);
      } else if (!this.giveBackUnusedRoom(hold, now) && now - hold.writtenAt > HOLD_TTL_MS / 3) {
        void this.batches.submit({ kind: "renew", hold }).catch(() => {});
      }
    }
  }

  /**
   * A busy key's hold keeps the room to spare it grew with, which the account's
   * other keys and instances cannot use: what it did not need over a whole tidy
   * interval (beyond its peak and one more request) goes back to the account.
   * Taken out of `held` at once, so no request takes it while it is written.
   */
  private giveBackUnusedRoom(hold: Hold, now: number) {
    const unused = hold.held - hold.peakInUse - hold.largestShare;
    const unchanged = now - hold.grownAt < this.tidyEveryMs || hold.release !== undefined;
    hold.peakInUse = hold.inUse;
    if (unchanged || !hold.stored || unused <= hold.largestShare) return false;
    hold.held -= unused;
    this.batches.submit({ kind: "shrink", hold, amount: unused }).catch(() => {
      hold.held += unused; // still held in the database
    });
    return true;
  }

  private async write(batch: Operation[], attempt = 1): Promise<Settled<Outcome>[]> {
    let written: Written | undefined;
    try {
      await this.prisma.$transaction(async (tx) => {
        written = await this.writeTransaction(tx, batch);
      }, TRANSACTION_OPTIONS);
      written!.committed();
      this.onBalances?.(written!.users);
      this.stats.transactions += 1;
      this.stats.operations += batch.length;
      return written!.outcomes;
    } catch (error) {
      written?.rolledBack();
      // Rolled back whole: by a conflict with another instance, or because a hold
      // turned out released by the sweeper (now forgotten). Nothing was written: again.
      if ((error instanceof HoldLost || isRetryable(error)) && attempt < 3)
        return this.write(batch, attempt + 1);
      if (batch.length === 1) return [{ ok: false, error }];
      // One operation failed the whole transaction: write each alone, so only it fails.
      const outcomes: Settled<Outcome>[] = [];
      for (const operation of batch) outcomes.push(...(await this.write([operation])));
      return outcomes;
    }
  }

  /**
   * One transaction for the batch. Reservations that need their hold to grow
   * grow it provisionally (by the most they could need, plus room to spare), are
   * decided against the account rows as that statement left them, and what the
   * holds do not keep is given back by one more statement: so the account rows
   * stay locked for one or two statements and the commit.
   */
  private async writeTransaction(tx: Tx, batch: Operation[]): Promise<Written> {
    const settlements = batch.flatMap((op) => (op.kind === "settle" ? [op] : []));
    const requests = batch.flatMap((op) => (op.kind === "reserve" ? [op.request] : []));
    const released = batch.flatMap((op) => (op.kind === "release" ? [op.hold] : []));
    const shrunk = batch.flatMap((op) => (op.kind === "shrink" && op.hold.stored ? [op] : []));
    const growth = this.planGrowth(requests, batch);

    const result = await writeBatch(tx, {
      instance: this.instance,
      expiresAt: new Date(Date.now() + HOLD_TTL_MS),
      conversations: settlements.map((op) => conversationRow(op.settlement)),
      charges: settlements.map((op) => ({
        requestId: op.settlement.requestId,
        holdId: op.hold?.stored ? op.hold.id : null,
      })),
      progressDone: settlements.flatMap((op) =>
        op.settlement.progressRecorded ? [op.settlement.requestId] : [],
      ),
      holds: [
        ...[...growth.values()].map(({ hold, change, created }) => ({ ...hold, change, created })),
        ...shrunk.map(({ hold, amount }) => ({ ...hold, change: -amount, created: false })),
      ],
    });
    const expected = [
      ...[...growth.values()].map((entry) => entry.hold),
      ...shrunk.map((op) => op.hold),
      ...settlements.flatMap((op) => (op.hold?.stored ? [op.hold] : [])),
    ];
    const lost = expected.filter((hold) => !hold.stored || !result.holds.has(hold.id));
    if (lost.length > 0) {
      for (const hold of lost) {
        hold.stored = false;
        this.forget(hold);
      }
      throw new HoldLost();
    }
    if (released.length > 0)
      await releaseHolds(
        tx,
        released.map((hold) => hold.id),
      );

    const granted =
      requests.length > 0 ? await this.grant(tx, requests, growth, result) : undefined;
    let next = 0;
    return {
      users: result.users,
      outcomes: batch.map((op): Settled<Outcome> =>
        op.kind === "reserve"
          ? { ok: true, value: granted!.reservations[next++]! }
          : { ok: true, value: undefined },
      ),
      committed: () => {
        const now = Date.now();
        for (const op of settlements) if (op.hold?.stored) op.hold.held -= op.settlement.cost;
        for (const { hold } of [...growth.values(), ...shrunk]) hold.writtenAt = now;
        granted?.committed();
      },
      rolledBack: () => granted?.rolledBack(),
    };
  }

  /** Each key that reservations (or a renewal) touch: its hold, a new one if none, and how much it grows. */
  private planGrowth(requests: HoldRequest[], batch: Operation[]) {
    const growth = new Map<string, Growth>();
    for (const request of requests) {
      let entry = growth.get(request.apiKeyId);
      if (!entry) {
        const existing = this.holds.get(request.apiKeyId);
        const hold = existing ?? this.newHold(request.userId, request.apiKeyId, request.memberId);
        entry = { hold, change: 0n, largest: 0n, created: !existing };
        growth.set(request.apiKeyId, entry);
      }
      // The most the request can need, and room to spare as keptGrowth computes it:
      // when the budgets allow it all, nothing has to be given back.
      const need = largestAmount(request);
      entry.largest = need > entry.largest ? need : entry.largest;
      entry.change += need;
    }
    for (const entry of growth.values()) {
      // What the hold has free now goes first (less may be free by the decision:
      // the shortfall is smaller than one request, so the room to spare covers it).
      const free = entry.hold.held - entry.hold.inUse;
      if (free > 0n) entry.change = entry.change > free ? entry.change - free : 0n;
      entry.change += entry.largest * HEADROOM_REQUESTS;
    }
    for (const op of batch)
      if (op.kind === "renew" && op.hold.stored && !growth.has(op.hold.apiKeyId))
        growth.set(op.hold.apiKeyId, { hold: op.hold, change: 0n, largest: 0n, created: false });
    return growth;
  }

  /**
   * Decides the reservations and takes their shares at once, so that nothing in
   * this process takes the same room before the commit; gives back what the
   * holds grew by but do not keep. A rollback undoes the shares.
   */
  private async grant(
    tx: Tx,
    requests: HoldRequest[],
    growth: Map<string, Growth>,
    result: BatchResult,
  ) {
    const grownFor = (pick: (hold: Hold) => string, id: string) =>
      [...growth.values()].reduce((sum, e) => (pick(e.hold) === id ? sum + e.change : sum), 0n);
    // The budgets before this batch's growth: the rows hold it now.
    const users = new Map<string, UserBudget>(
      result.users.map((u) => [u.id, u.balance - u.reserved + grownFor((h) => h.userId, u.id)]),
    );
    const keys = new Map<string, KeyBudget>(
      result.keys.map((k) => {
        if (!k.active) return [k.id, { active: false }];
        // What the key's holds took before this batch grew them counts against both limits.
        const reserved = k.reserved - grownFor((h) => h.apiKeyId, k.id);
        return [
          k.id,
          {
            active: true,
            remaining: k.creditLimit === null ? null : k.creditLimit - k.spent - reserved,
            period: k.period && {
              name: k.period.name,
              remaining: k.period.limit - k.period.spent - reserved,
            },
          },
        ];
      }),
    );
    // A limited member's month: what their keys' holds took before this batch counts too.
    const members = new Map<string, bigint>(
      result.members.flatMap((m) =>
        m.monthlyLimit === null
          ? []
          : [
              [
                m.id,
                m.monthlyLimit - m.spent - (m.reserved - grownFor((h) => h.memberId ?? "", m.id)),
              ],
            ],
      ),
    );
    const free = new Map(
      [...growth.values()].map(({ hold }) => [hold.apiKeyId, hold.held - hold.inUse]),
    );
    const decisions = decideReservations(requests, { users, keys, free, members });

    const keep = keptGrowth(requests, decisions, { users, keys, members }, growth);
    const shares: { requestId: string; hold: Hold; amount: bigint }[] = [];
    decisions.forEach(({ reservation }, i) => {
      if (!reservation.ok) return;
      const request = requests[i]!;
      const hold = growth.get(request.apiKeyId)!.hold;
      this.take(request.requestId, hold, reservation.amount);
      shares.push({ requestId: request.requestId, hold, amount: reservation.amount });
    });
    for (const [key, entry] of growth) if (entry.created) this.holds.set(key, entry.hold);
    const rolledBack = () => {
      for (const { requestId, hold, amount } of shares) {
        this.shares.delete(requestId);
        hold.inUse -= amount;
      }
      for (const entry of growth.values()) if (entry.created) this.forget(entry.hold);
    };
    try {
      const shrink = [...growth].flatMap(([key, entry]) => {
        const change = (keep.get(key) ?? 0n) - entry.change;
        return change === 0n ? [] : [{ ...entry.hold, change, created: false }];
      });
      if (shrink.length > 0) await shrinkHolds(tx, shrink);
    } catch (error) {
      rolledBack();
      throw error;
    }
    return {
      reservations: decisions.map(({ reservation }) => reservation),
      committed: () => {
        const now = Date.now();
        for (const [key, entry] of growth) {
          const kept = keep.get(key) ?? 0n;
          entry.hold.held += kept;
          if (kept > 0n) entry.hold.grownAt = now;
        }
      },
      rolledBack,
    };
  }

  private newHold(userId: string, apiKeyId: string, memberId: string | undefined): Hold {
    this.epoch += 1;
    return {
      id: `${this.instance}:${apiKeyId}:${this.epoch}`,
      userId,
      apiKeyId,
      memberId,
      held: 0n,
      inUse: 0n,
      stored: true,
      lastUsed: Date.now(),
      writtenAt: Date.now(),
      grownAt: Date.now(),
      peakInUse: 0n,
      largestShare: 0n,
    };
  }
}

class HoldLost extends Error {
  constructor() {
    super("a hold of this instance was released by the sweeper");
  }
}

function isRetryable(error: unknown) {
  const code = postgresErrorCode(error);
  return code === "40P01" || code === "40001";
}

/** A process's name: random, so that a restarted process is a new instance. */
export function newInstanceId() {
  return `gw_${randomBytes(8).toString("hex")}`;
}
