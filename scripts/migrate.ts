// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the
// embedded database in DATA_DIR when DATABASE_URL is unset (the fly.toml release command).
import { migrate } from "../app/db/migrator.server.ts";
import { exitWithProblem, loadEnvOrExit } from "../app/server/boot.server.ts";
import { openDatabase } from "../app/server/database.server.ts";
import { createLogger } from "../app/server/logger.server.ts";

const env = loadEnvOrExit();
const database = await openDatabase(env, createLogger(env.LOG_LEVEL)).catch(exitWithProblem);
try {
  const { applied, warnings } = await migrate(database.url);
  for (const warning of warnings) console.warn(`warning: ${warning}`);
  console.log(applied.length ? `Applied ${applied.join(", ")}` : "No pending migrations.");
} catch (error) {
  await database.close();
  exitWithProblem(error);
}
await database.close();
