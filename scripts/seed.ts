// `npm run db:seed`: makes the model catalog match app/catalog/catalog-data.ts,
// resetting prices to the list prices there. Re-runnable; never duplicates.
import pg from "pg";
import { seedCatalog } from "../app/catalog/seed-catalog.server.ts";
import { exitWithProblem, loadEnvOrExit } from "../app/server/boot.server.ts";
import { openDatabase } from "../app/server/database.server.ts";
import { createLogger } from "../app/server/logger.server.ts";

const env = loadEnvOrExit();
const database = await openDatabase(env, createLogger(env.LOG_LEVEL)).catch(exitWithProblem);
const pool = new pg.Pool({ connectionString: database.url, max: 1 });
try {
  const { inserted, updated } = await seedCatalog(pool, "sync");
  console.log(`Catalog seeded: ${inserted} rows added, ${updated} rows brought up to date.`);
} catch (error) {
  exitWithProblem(error);
} finally {
  await pool.end();
  await database.close();
}
