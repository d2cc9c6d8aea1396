import { recordProgress } from "../../billing/instance-statements.server.ts";
import type { Prisma } from "../../db/prisma.server.ts";
import type { Logger } from "../../observability/logger.server.ts";
import type { RunningRequests } from "./running-requests.ts";

/** How often running requests record their progress: what a crash can leave unbilled. */
export const PROGRESS_INTERVAL_MS = 1_000;

/**
 * Every second, the requests of this instance that have run that long and
 * produced something new since last time record it, all in one statement, so
 * that if the process dies another instance can bill them (settleOrphans).
 */
export function startProgressRecorder(
  prisma: Prisma,
  instance: string,
  running: RunningRequests,
  log: Logger,
) {
  let busy = false;
  const record = async () => {
    if (busy || !running.size) return; // a slow database: skip a beat rather than pile up
    busy = true;
    try {
      const now = performance.now();
      const records = await Promise.all([...running.all()].map((run) => run.progress(now)));
      const fresh = records.filter((record) => record !== undefined);
      if (fresh.length > 0) await recordProgress(prisma, instance, fresh);
    } catch (error) {
      log.error({ err: error }, "could not record the progress of running requests");
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void record(), PROGRESS_INTERVAL_MS).unref();
  return { stop: () => clearInterval(timer) };
}
