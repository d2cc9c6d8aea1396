import { afterAll } from "vitest";
import { createPrismaClient, type Prisma } from "../../app/db/prisma.server.ts";
import { setupTestDatabase, type TestDatabase } from "./database.ts";
import { expectLedgerClean } from "./ledger-totals.ts";

export interface TestPrismaOptions {
  /** After the tests, every account must still agree with its history (the ledger check). */
  checkLedger?: boolean;
}

/** The file's database and a Prisma client on it, disconnected after the tests. */
export function setupTestPrisma(options: TestPrismaOptions = {}): {
  db: TestDatabase;
  prisma: Prisma;
} {
  const db = setupTestDatabase();
  const prisma = createPrismaClient(db.url);
  afterAll(async () => {
    if (options.checkLedger) await expectLedgerClean(prisma);
    await prisma.$disconnect();
  });
  return { db, prisma };
}
