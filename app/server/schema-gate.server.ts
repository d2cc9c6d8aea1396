import type { Prisma } from "../db/prisma.server.ts";
import { checkReadiness } from "./health.server.ts";
import type { Logger } from "../observability/logger.server.ts";

export interface SchemaGate {
  /** Why the app is not served yet (its requests get 503); undefined once it is. */
  readonly closedBecause: string | undefined;
  stop(): void;
}

export interface SchemaGateOptions {
  prisma: Prisma;
  expectedMigrations: string[];
  log: Logger;
  /** Runs once the database holds every migration, before the gate opens. */
  onMigrated: () => Promise<void>;
  /** onMigrated failed: the process cannot serve. */
  onFailure: (error: unknown) => void;
  intervalMs?: number;
}

/** The command that migrates, as an operator would type it. */
export const MIGRATE_COMMAND =
  "`npm run db:migrate` (in the Docker image: `node scripts/migrate.ts`; fly.toml's release command runs it)";

/**
 * A server may start before its migrations ran (the Docker path, or a
 * deployment that skipped its release command). Then the app is not served:
 * its requests would fail on missing tables. The gate says why, checks again
 * every few seconds, and opens by itself once the migrations are in, after
 * onMigrated (the provider keys, the sweepers). No restart needed.
 */
export async function openWhenMigrated(options: SchemaGateOptions): Promise<SchemaGate> {
  const { prisma, expectedMigrations, log } = options;
  const first = await checkReadiness(prisma, expectedMigrations);
  if (first.ready) {
    await options.onMigrated();
    return { closedBecause: undefined, stop() {} };
  }

  let closedBecause: string | undefined = first.reason;
  log.warn(
    { reason: first.reason },
    `The database is not ready for this version (${first.reason}): run ${MIGRATE_COMMAND}. ` +
      "The gateway serves once the migrations are in; until then /readyz and every request answer 503.",
  );
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void checkReadiness(prisma, expectedMigrations)
      .then(async (readiness) => {
        if (!readiness.ready) {
          closedBecause = readiness.reason;
          return;
        }
        clearInterval(timer);
        await options.onMigrated();
        closedBecause = undefined;
        log.info("the database is migrated: serving");
      })
      .catch(options.onFailure)
      .finally(() => (checking = false));
  }, options.intervalMs ?? 2_000);
  timer.unref();
  return {
    get closedBecause() {
      return closedBecause;
    },
    stop: () => clearInterval(timer),
  };
}
