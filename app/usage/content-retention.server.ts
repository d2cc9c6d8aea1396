import type { Prisma } from "../db/prisma.server.ts";
import type { Logger } from "../observability/logger.server.ts";
import { deleteExpiredResponses } from "../gateway/services/response-store.server.ts";
import { deleteOldRateWindows } from "../gateway/services/rate-limiter.server.ts";
import { purgeUsageRows } from "./usage-retention.server.ts";

const HOUR_MS = 3_600_000;

/** Erases stored prompts and answers older than `days` (all of them with `days` 0); returns how many rows. */
export function eraseContent(prisma: Prisma, days: number) {
  return prisma.$executeRaw`
    UPDATE conversations SET prompt = NULL, response = NULL
    WHERE (prompt IS NOT NULL OR response IS NOT NULL)
      AND created_at < now() - make_interval(days => ${days}::int)`;
}

/**
 * Runs the retention at start and every hour: stored prompts and answers,
 * usage rows past USAGE_RETENTION_DAYS when it is set, expired Responses API
 * conversations, and past rate-limit windows. Every instance may: each is
 * idempotent.
 */
export function startContentRetention(
  prisma: Prisma,
  log: Logger,
  days: { contentDays: number; usageDays: number | undefined },
) {
  const run = () =>
    Promise.all([
      eraseContent(prisma, days.contentDays).then((erased) => {
        if (erased > 0)
          log.info({ erased, days: days.contentDays }, "erased stored prompts and answers");
      }),
      days.usageDays === undefined
        ? undefined
        : purgeUsageRows(prisma, days.usageDays).then((removed) => {
            if (removed > 0) log.info({ removed, days: days.usageDays }, "removed old usage rows");
          }),
      deleteExpiredResponses(prisma).then((deleted) => {
        if (deleted > 0) log.info({ deleted }, "deleted expired stored responses");
      }),
      deleteOldRateWindows(prisma),
    ]).catch((error: unknown) => log.error({ err: error }, "content retention failed"));
  void run();
  const timer = setInterval(() => void run(), HOUR_MS).unref();
  return { stop: () => clearInterval(timer) };
}
