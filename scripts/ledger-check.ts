// `npm run ledger:check`: checks every account and key against its history
// (app/billing/ledger-check.server.ts), on DATABASE_URL or the embedded
// database in DATA_DIR. Prints each discrepancy; exits 1 if there is any.
// Run it while no gateway serves requests: running requests hold credits.
import { checkLedger } from "../app/billing/ledger-check.server.ts";
import { createPrismaClient } from "../app/db/prisma.server.ts";
import { exitWithProblem, loadEnvOrExit } from "../app/server/boot.server.ts";
import { openDatabase } from "../app/server/database.server.ts";
import { createLogger } from "../app/server/logger.server.ts";
import { formatCredits } from "../app/utils/money.ts";

const env = loadEnvOrExit();
const database = await openDatabase(env, createLogger(env.LOG_LEVEL)).catch(exitWithProblem);
const prisma = createPrismaClient(database.url);
let found;
try {
  found = await checkLedger(prisma);
} catch (error) {
  await prisma.$disconnect();
  await database.close();
  exitWithProblem(error);
}
await prisma.$disconnect();
await database.close();
for (const d of found)
  console.log(
    `${d.account} ${d.id}: ${d.rule} does not hold: stored ${formatCredits(d.stored, 6)}, history says ${formatCredits(d.expected, 6)}`,
  );
console.log(found.length === 0 ? "Ledger OK." : `${found.length} discrepancies.`);
process.exit(found.length === 0 ? 0 : 1);
