// `npm run db:migrate` (and fly.toml's release command): applies pending
// migrations and adds missing catalog rows, on DATABASE_URL or, when it is
// unset, on the embedded database in DATA_DIR.
import { exitWithProblem, loadEnvOrExit } from "../app/server/boot.server.ts";
import { openDatabase } from "../app/server/database.server.ts";
import { createLogger } from "../app/server/logger.server.ts";
import { prepareDatabase } from "../app/server/prepare-database.server.ts";

const env = loadEnvOrExit();
const log = createLogger(env.LOG_LEVEL);
const database = await openDatabase(env, log).catch(exitWithProblem);
try {
  const { applied } = await prepareDatabase(database.url, log);
  console.log(applied.length ? `Applied ${applied.join(", ")}.` : "No pending migrations.");
} catch (error) {
  await database.close();
  exitWithProblem(error);
}
await database.close();
