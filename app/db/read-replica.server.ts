import type { Logger } from "../observability/logger.server.ts";
import { singleton } from "../utils/singleton.server.ts";
import { createPrismaClient, getPrisma, type Prisma } from "./prisma.server.ts";

// DATABASE_REPLICA_URL (ADR 064): the dashboard's usage reads (charts, the usage
// log, its CSV, a key's activity) go to a streaming replica, while money, keys
// and everything a request or a form changes stay on the primary. Every second
// the replica's position is compared with the primary's, which gives the moment
// up to which the replica is known complete: pages say so when it is behind, and
// past DATABASE_REPLICA_MAX_LAG_MS (or while it cannot be reached) the primary
// answers instead.

/** Where usage reads go, and how current what they read is. */
export interface UsageReads {
  prisma: Prisma;
  /** Set when the replica read is behind: it holds everything committed up to this moment. */
  asOf: Date | null;
}

/** Behind by less than this, a replica's figures are shown as current (it is measured each second). */
const NOTICE_AFTER_MS = 2_500;
const POLL_MS = 1_000;

export class ReadReplica {
  /** The primary's WAL position at each poll, until the replica has replayed past it. */
  private positions: { at: number; lsn: bigint }[] = [];
  /** The latest moment the replica is known to hold everything the primary had committed. */
  private completeAt: number | undefined;
  private reachable = false;
  private polling = false;
  private timer: NodeJS.Timeout | undefined;

  private readonly primary: Prisma;
  readonly replica: Prisma;
  private readonly options: { maxLagMs: number; log: Logger; pollMs?: number };

  constructor(
    primary: Prisma,
    replica: Prisma,
    options: { maxLagMs: number; log: Logger; pollMs?: number },
  ) {
    this.primary = primary;
    this.replica = replica;
    this.options = options;
  }

  start() {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? POLL_MS);
    this.timer.unref();
    return this;
  }

  async stop() {
    clearInterval(this.timer);
    await this.replica.$disconnect();
  }

  /** The replica while it is reachable and at most maxLagMs behind; the primary otherwise. */
  reads(now = Date.now()): UsageReads {
    const lagMs = this.completeAt === undefined ? Infinity : now - this.completeAt;
    if (!this.reachable || lagMs > this.options.maxLagMs)
      return { prisma: this.primary, asOf: null };
    return {
      prisma: this.replica,
      asOf: lagMs > NOTICE_AFTER_MS ? new Date(this.completeAt!) : null,
    };
  }

  /** Compares the replica's replayed position with the primary's, now and at earlier polls. */
  async poll() {
    if (this.polling) return; // a replica that hangs: its lag grows, and past the limit it is left
    this.polling = true;
    try {
      const at = Date.now();
      const [primary] = await this.primary.$queryRaw<{ lsn: string }[]>`
        SELECT pg_current_wal_lsn()::text AS lsn`.catch(() => []);
      if (!primary) return; // the primary is down: nothing to compare with
      this.positions.push({ at, lsn: parseLsn(primary.lsn) });
      this.caughtUpWith(await this.replayed(), at);
    } finally {
      this.polling = false;
    }
  }

  /** The replica's replayed position; null when it is not a standby (it has everything). */
  private async replayed(): Promise<bigint | null | undefined> {
    try {
      const [replica] = await this.replica.$queryRaw<
        { standby: boolean; replayed: string | null }[]
      >`SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replayed`;
      if (!this.reachable) this.options.log.info("read replica reachable: usage reads go to it");
      this.reachable = true;
      return replica!.standby ? parseLsn(replica!.replayed ?? "0/0") : null;
    } catch (error) {
      if (this.reachable)
        this.options.log.warn(
          { err: error },
          "read replica unreachable: usage reads go to the primary",
        );
      this.reachable = false;
      return undefined;
    }
  }

  private caughtUpWith(replayed: bigint | null | undefined, at: number) {
    if (replayed !== undefined) {
      const caughtUp = this.positions.filter(
        (position) => replayed === null || position.lsn <= replayed,
      );
      if (caughtUp.length > 0) {
        this.completeAt = caughtUp.at(-1)!.at;
        this.positions = this.positions.filter((position) => position.at > this.completeAt!);
      }
    }
    // Positions older than the most lag tolerated can no longer make the replica readable.
    this.positions = this.positions.filter((position) => position.at >= at - this.options.maxLagMs);
  }
}

/** A WAL position ("16/B374D848") as a number. */
export function parseLsn(text: string): bigint {
  const [high, low] = text.split("/");
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

const current = singleton("read-replica", () => ({
  replica: undefined as ReadReplica | undefined,
}));

/** Starts following DATABASE_REPLICA_URL, for usageReads() (the gateway's start calls it). */
export function startReadReplica(
  primary: Prisma,
  options: { url: string; maxLagMs: number; log: Logger },
) {
  current.replica = new ReadReplica(primary, createPrismaClient(options.url, 4), options).start();
  return current.replica;
}

/** Where the dashboard's usage reads go now (the primary when no replica is configured). */
export function usageReads(): UsageReads {
  return current.replica?.reads() ?? { prisma: getPrisma(), asOf: null };
}
