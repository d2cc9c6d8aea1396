import { afterAll, expect, test } from "vitest";
import { createPrismaClient, type Prisma } from "../db/prisma.server.ts";
import {
  createTestDatabase,
  dropTestDatabase,
  type TestDatabase,
} from "../../tests/support/database.ts";
import { createAccounts } from "./accounts.server.ts";
import { signUp } from "./sign-up.server.ts";

const opened: { db: TestDatabase; prisma: Prisma }[] = [];
afterAll(async () => {
  for (const { db, prisma } of opened) {
    await prisma.$disconnect();
    await dropTestDatabase(db);
  }
});

test("of many simultaneous first sign-ups exactly one becomes admin", async () => {
  for (let round = 0; round < 3; round++) {
    const db = await createTestDatabase();
    const prisma = createPrismaClient(db.url);
    opened.push({ db, prisma });
    const accounts = createAccounts({ prisma, sessionSecret: "s".repeat(40) });
    const users = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        signUp(accounts, { email: `racer-${i}@example.test`, password: "long enough password" }),
      ),
    );
    expect(users).toHaveLength(12);
    expect(users.filter((user) => user.role === "ADMIN")).toHaveLength(1);
  }
});
