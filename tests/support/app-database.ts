import { afterAll, beforeAll } from "vitest";
import { getAccounts } from "../../app/accounts/accounts.server.ts";
import { closeGateway } from "../../app/gateway/gateway-instance.server.ts";
import { setupTestDatabase } from "./database.ts";

/**
 * The app's own modules (loaders, actions, the JSON API, called directly) on the
 * file's database: they read DATABASE_URL and SESSION_SECRET from process.env,
 * as in a deployment. After the tests, the process's gateway (if a page built
 * it: the provider keys page seals keys with its box) and the accounts' Prisma
 * client are closed before the database is dropped.
 */
export function setupAppDatabase(sessionSecret: string) {
  const db = setupTestDatabase();
  beforeAll(() => {
    process.env.DATABASE_URL = db.url;
    process.env.SESSION_SECRET = sessionSecret.padEnd(40, "x");
  });
  afterAll(async () => {
    await closeGateway();
    await getAccounts().prisma.$disconnect();
  });
  return db;
}
