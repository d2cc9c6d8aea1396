import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { TEMPLATE_DATABASE, withDatabase } from "./postgres-url.ts";

export interface TestDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
}

const newDatabaseName = () => `test_${randomBytes(6).toString("hex")}`;

/**
 * A database of its own for one test file: a copy of the migrated template, or
 * an empty one (`migrated: false`) for tests of the migrator itself.
 */
export async function createTestDatabase({
  migrated = true,
  name = newDatabaseName(),
} = {}): Promise<TestDatabase> {
  const clusterUrl = inject("postgresUrl");
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  try {
    await admin.query(
      `CREATE DATABASE "${name}" TEMPLATE "${migrated ? TEMPLATE_DATABASE : "template0"}"`,
    );
  } finally {
    await admin.end();
  }
  const url = withDatabase(clusterUrl, name);
  return { name, url, pool: new pg.Pool({ connectionString: url, max: 5 }) };
}

/**
 * Drops the database if nobody else is connected. It never forces: terminating
 * another client's connection (a Prisma pool not yet closed) would crash that
 * client with an unhandled error. What is left dies with the test cluster.
 */
export async function dropTestDatabase(database: TestDatabase) {
  await database.pool.end();
  const admin = new pg.Client({ connectionString: inject("postgresUrl") });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database.name}"`);
  } catch (error) {
    if ((error as { code?: string }).code !== "55006") throw error; // object_in_use
  } finally {
    await admin.end();
  }
}

/**
 * Creates the file's database before its tests and drops it after them. Its name
 * and URL are known at once, so a file can make its Prisma client at the top
 * (a client connects at its first query, after the database exists).
 */
export function setupTestDatabase(options?: { migrated?: boolean }) {
  const name = newDatabaseName();
  const holder = { name, url: withDatabase(inject("postgresUrl"), name) } as TestDatabase;
  beforeAll(async () => {
    Object.assign(holder, await createTestDatabase({ ...options, name }));
  });
  afterAll(async () => {
    await dropTestDatabase(holder);
  });
  return holder;
}
