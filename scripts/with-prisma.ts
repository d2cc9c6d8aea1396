// For scripts that work on the gateway's data: a Prisma client on DATABASE_URL or,
// when it is unset, on the embedded database in DATA_DIR (started and stopped
// around the work). A failure prints one line and exits 1, like the server.
import { createPrismaClient, type Prisma } from "../app/db/prisma.server.ts";
import { exitWithProblem, loadEnvOrExit } from "../app/server/boot.server.ts";
import { openDatabase } from "../app/server/database.server.ts";
import { createLogger } from "../app/server/logger.server.ts";

export async function withPrisma<T>(work: (prisma: Prisma) => Promise<T>): Promise<T> {
  const env = loadEnvOrExit();
  const database = await openDatabase(env, createLogger(env.LOG_LEVEL)).catch(exitWithProblem);
  const prisma = createPrismaClient(database.url);
  const close = async () => {
    await prisma.$disconnect();
    await database.close();
  };
  let result: T;
  try {
    result = await work(prisma);
  } catch (error) {
    await close(); // before exiting: an embedded database must stop too
    exitWithProblem(error);
  }
  await close();
  return result;
}
