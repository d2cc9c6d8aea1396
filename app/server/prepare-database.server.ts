import pg from "pg";
import { seedCatalog } from "../catalog/seed-catalog.server.ts";
import { migrate } from "../db/migrator.server.ts";
import type { Logger } from "../observability/logger.server.ts";

/**
 * What a new version needs before it serves: pending migrations applied and
 * catalog rows it ships added (existing prices are left as they are).
 * Run by the server at start (MIGRATE_ON_START) and by `npm run db:migrate`.
 */
export async function prepareDatabase(databaseUrl: string, log: Logger) {
  const { applied, warnings } = await migrate(databaseUrl);
  for (const warning of warnings) log.warn(warning);
  if (applied.length > 0) log.info({ applied }, "applied migrations");
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const seeded = await seedCatalog(pool, "insert-missing");
    if (seeded.inserted > 0) log.info({ inserted: seeded.inserted }, "added missing catalog rows");
  } finally {
    await pool.end();
  }
  return { applied };
}
