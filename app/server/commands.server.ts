// The database commands (`npm run db:migrate` and the rest, scripts/*.ts), from
// the server build so that the Docker image runs them too. Each works on
// DATABASE_URL or, when it is unset, on the embedded database in DATA_DIR, and
// needs nothing else: fly.toml's release command has only what Fly gives it.
// A failure prints one line and exits 1, like the server.
import pg from "pg";
import { checkLedger } from "../billing/ledger-check.server.ts";
import { seedCatalog } from "../catalog/seed-catalog.server.ts";
import { createPrismaClient, type Prisma } from "../db/prisma.server.ts";
import { eraseContent } from "../usage/content-retention.server.ts";
import { formatCredits } from "../utils/money.ts";
import { exitWithProblem, loadEnvOrExit } from "./boot.server.ts";
import { openDatabase, type Database } from "./database.server.ts";
import { createLogger, type Logger } from "../observability/logger.server.ts";
import { prepareDatabase } from "./prepare-database.server.ts";

/** Applies pending migrations and adds missing catalog rows. */
export async function migrate() {
  const { applied } = await withDatabase((database, log) => prepareDatabase(database.url, log));
  console.log(applied.length ? `Applied ${applied.join(", ")}.` : "No pending migrations.");
}

/** Makes the catalog match app/catalog/catalog-data.ts, list prices included. */
export async function seed() {
  const { inserted, updated } = await withDatabase(async (database) => {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      return await seedCatalog(pool, "sync");
    } finally {
      await pool.end();
    }
  });
  console.log(`Catalog seeded: ${inserted} rows added, ${updated} rows brought up to date.`);
}

/** Checks every account and key against its history; exits 1 on any discrepancy. */
export async function ledgerCheck() {
  const found = await withPrisma(checkLedger);
  for (const d of found)
    console.log(
      `${d.account} ${d.id}: ${d.rule} does not hold: stored ${formatCredits(d.stored, 6)}, history says ${formatCredits(d.expected, 6)}`,
    );
  console.log(found.length === 0 ? "Ledger OK." : `${found.length} discrepancies.`);
  process.exitCode = found.length === 0 ? 0 : 1;
}

/** Erases every stored prompt and answer now. */
export async function contentPurge() {
  const erased = await withPrisma((prisma) => eraseContent(prisma, 0));
  console.log(`Erased the prompts and answers of ${erased} requests.`);
}

async function withDatabase<T>(work: (database: Database, log: Logger) => Promise<T>) {
  const env = loadEnvOrExit();
  const log = createLogger(env.LOG_LEVEL);
  const database = await openDatabase(env, log).catch(exitWithProblem);
  let result: T;
  try {
    result = await work(database, log);
  } catch (error) {
    await database.close(); // before exiting: an embedded database must stop too
    exitWithProblem(error);
  }
  await database.close();
  return result;
}

function withPrisma<T>(work: (prisma: Prisma) => Promise<T>) {
  return withDatabase(async (database) => {
    const prisma = createPrismaClient(database.url);
    try {
      return await work(prisma);
    } finally {
      await prisma.$disconnect();
    }
  });
}
