import { releaseExpiredHolds, settleOrphans } from "../billing/instances.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import type { Logger } from "../observability/logger.server.ts";

const SWEEP_INTERVAL_MS = 5_000;

/**
 * Cleans up after gateway processes that died mid-request, at start and every
 * few seconds: their requests are charged what they had recorded and their
 * holds released once their advisory lock has been free for a few seconds
 * (settleOrphans);
 * holds whose lock cannot tell (written by older versions) go when they
 * expire. Every instance runs one; the database makes that safe.
 */
export function startHoldSweeper(prisma: Prisma, log: Logger, intervalMs = SWEEP_INTERVAL_MS) {
  /** Instances found without their lock, and since when: dead once still so a few seconds on. */
  const suspects = new Map<string, number>();
  const sweep = async () => {
    try {
      // Most of the time there is nothing to look at: one cheap query instead of two transactions.
      const [found] = await prisma.$queryRaw<{ work: boolean }[]>`
        SELECT EXISTS (SELECT 1 FROM credit_holds) OR EXISTS (SELECT 1 FROM request_progress) AS work`;
      if (!found?.work) return;
      const orphans = await settleOrphans(prisma, suspects);
      if (orphans.instances > 0)
        log.warn(orphans, "settled the requests and released the holds of stopped instances");
      const released = await releaseExpiredHolds(prisma);
      if (released > 0) log.warn({ released }, "released expired credit holds");
    } catch (error) {
      log.error({ err: error }, "hold sweeper failed");
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
