import { postgresErrorCode, type Prisma } from "../db/prisma.server.ts";

export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * Ready means: the database answers and every migration this build ships is
 * applied. A load balancer then sends traffic only to instances that can serve it.
 */
export async function checkReadiness(
  prisma: Prisma,
  expectedMigrations: string[],
): Promise<Readiness> {
  let applied: Set<string>;
  try {
    const rows = await prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    applied = new Set(rows.map((row) => row.migration_name));
  } catch (error) {
    if (postgresErrorCode(error) === "42P01")
      return { ready: false, reason: "database is not migrated" };
    return { ready: false, reason: "database is unreachable" };
  }
  const missing = expectedMigrations.filter((name) => !applied.has(name));
  return missing.length === 0
    ? { ready: true }
    : { ready: false, reason: `pending migrations: ${missing.join(", ")}` };
}
