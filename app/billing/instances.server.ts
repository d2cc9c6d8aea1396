import type { Prisma } from "../db/prisma.server.ts";
import { TRANSACTION_OPTIONS } from "./ledger.server.ts";
import { lockDeadInstances, takeOrphans } from "./instance-statements.server.ts";
import {
  releaseExpiredHolds as releaseExpired,
  releaseHolds,
  writeBatch,
} from "./ledger-statements.server.ts";

// Gateway processes come and go: each has a random name, and what a dead one
// held or was running is settled and released by whichever instance sweeps.

/** Releases holds whose instance died; returns how many. Safe on every instance at once. */
export async function releaseExpiredHolds(prisma: Prisma): Promise<number> {
  let released = 0;
  for (;;) {
    const count = await prisma.$transaction((tx) => releaseExpired(tx, 1000), TRANSACTION_OPTIONS);
    released += count;
    if (count < 1000) return released;
  }
}

/**
 * An instance found without its advisory lock is settled only if it was found
 * so at a sweep at least this long before as well: a live instance loses its
 * lock with its LISTEN connection when PostgreSQL restarts, and takes it again
 * within about a second (the listener's retry). Settling it meanwhile charged
 * its running requests at their last progress and released the holds it was
 * still granting from (issue #21, finding 5).
 */
export const DEAD_AFTER_MS = 3_000;

/**
 * Settles the requests of gateway processes that died: each one's last
 * progress record becomes its usage row (INTERRUPTED, estimated) and is
 * charged out of its hold; then the dead process's holds are released. A
 * process is dead when its advisory lock is free (see lockDeadInstances) at
 * two sweeps DEAD_AFTER_MS apart or more: `suspects`, which the caller keeps
 * between sweeps, says since when each was seen so. So this happens within a
 * sweep or two of the crash. Safe on every instance at once.
 */
export async function settleOrphans(
  prisma: Prisma,
  suspects: Map<string, number>,
  now = Date.now(),
) {
  return prisma.$transaction(async (tx) => {
    const unlocked = await lockDeadInstances(tx);
    for (const instance of suspects.keys())
      if (!unlocked.includes(instance)) suspects.delete(instance);
    for (const instance of unlocked) if (!suspects.has(instance)) suspects.set(instance, now);
    const dead = unlocked.filter((instance) => now - suspects.get(instance)! >= DEAD_AFTER_MS);
    let charged = 0;
    let released = 0;
    for (const instance of dead) {
      suspects.delete(instance);
      const { progress, holds } = await takeOrphans(tx, instance);
      if (progress.length > 0) {
        await writeBatch(tx, {
          instance,
          expiresAt: new Date(),
          conversations: progress.map((record) => record.conversation),
          charges: progress.map((record) => ({
            requestId: record.request_id,
            holdId: record.hold_id,
          })),
          holds: [],
          progressDone: [],
        });
        charged += progress.length;
      }
      if (holds.length > 0) await releaseHolds(tx, holds);
      released += holds.length;
    }
    return { instances: dead.length, charged, released };
  }, TRANSACTION_OPTIONS);
}
