import { releaseExpiredHolds } from "../billing/ledger.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import type { Logger } from "./logger.server.ts";

const SWEEP_INTERVAL_MS = 30_000;

/**
 * Releases credit holds left by gateway processes that died mid-request: at
 * start and every 30 s. Every instance runs one; the database makes that safe.
 */
export function startHoldSweeper(prisma: Prisma, log: Logger, intervalMs = SWEEP_INTERVAL_MS) {
  const sweep = () =>
    releaseExpiredHolds(prisma)
      .then((released) => {
        if (released > 0) log.warn({ released }, "released expired credit holds");
      })
      .catch((error: unknown) => log.error({ err: error }, "hold sweeper failed"));
  void sweep();
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
