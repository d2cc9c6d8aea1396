// `npm run content:purge`: erases every stored prompt and answer now (content
// logging, see LOG_CONTENT), on DATABASE_URL or the embedded database in DATA_DIR.
import { createPrismaClient } from "../app/db/prisma.server.ts";
import { exitWithProblem, loadEnvOrExit } from "../app/server/boot.server.ts";
import { openDatabase } from "../app/server/database.server.ts";
import { createLogger } from "../app/server/logger.server.ts";
import { eraseContent } from "../app/usage/content-retention.server.ts";

const env = loadEnvOrExit();
const database = await openDatabase(env, createLogger(env.LOG_LEVEL)).catch(exitWithProblem);
const prisma = createPrismaClient(database.url);
try {
  const erased = await eraseContent(prisma, 0);
  console.log(`Erased the prompts and answers of ${erased} requests.`);
} catch (error) {
  await prisma.$disconnect();
  await database.close();
  exitWithProblem(error);
}
await prisma.$disconnect();
await database.close();
