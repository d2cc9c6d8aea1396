import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";

// Applies prisma/migrations offline, recording each one in `_prisma_migrations`
// exactly as `prisma migrate deploy` does, so either tool can take over from the
// other. See docs/decisions/002-own-migrator.md.

export const MIGRATIONS_DIR = join(import.meta.dirname, "..", "..", "prisma", "migrations");

// The advisory lock key Prisma Migrate uses: our migrator and Prisma's exclude each other.
const PRISMA_MIGRATE_LOCK = 72707369;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  warnings: string[];
}

export class MigrationError extends Error {}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

/** Prisma's checksum: SHA-256 of the script, hex. */
export function checksumOf(sql: string) {
  return createHash("sha256").update(sql).digest("hex");
}

// Prisma accepts a script whose line endings git changed since it was applied.
function matchesChecksum(sql: string, checksum: string) {
  return [sql, sql.replace(/\r\n/g, "\n"), sql.replace(/\r?\n/g, "\r\n")].some(
    (variant) => checksumOf(variant) === checksum,
  );
}

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies the pending migrations in name order, each in its own transaction,
 * under Prisma's advisory lock so that concurrent starts apply each one once.
 * A migration that fails is rolled back whole and stops the run.
 */
export async function migrate(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = await readMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const warnings = historyWarnings(migrations, rows);
    const applied = new Set(
      rows.filter((row) => row.finished_at && !row.rolled_back_at).map((row) => row.migration_name),
    );
    const done: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      await applyOne(client, migration);
      done.push(migration.name);
    }
    return { applied: done, warnings };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => {});
    await client.end();
  }
}

function historyWarnings(migrations: Migration[], rows: AppliedRow[]) {
  const failed = rows.filter((row) => !row.finished_at && !row.rolled_back_at);
  if (failed.length > 0) {
    // Same rule as Prisma (P3009): a half-applied migration needs a human first.
    throw new MigrationError(
      `Migration ${failed.map((row) => row.migration_name).join(", ")} failed earlier and left the database ` +
        "in an unknown state. Fix it by hand, then mark it with `prisma migrate resolve`.",
    );
  }
  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  const warnings: string[] = [];
  for (const row of rows) {
    if (row.rolled_back_at) continue;
    const migration = byName.get(row.migration_name);
    if (!migration) {
      warnings.push(
        `Migration ${row.migration_name} is applied but missing from ${MIGRATIONS_DIR}.`,
      );
    } else if (!matchesChecksum(migration.sql, row.checksum)) {
      warnings.push(`Migration ${row.migration_name} was edited after it was applied.`);
    }
  }
  return warnings;
}

async function applyOne(client: pg.Client, migration: Migration) {
  try {
    await client.query("BEGIN");
    const id = randomUUID();
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    // No parameters: pg sends the file with the simple query protocol, which runs many statements.
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw new MigrationError(
      `Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`,
    );
  }
}

/** Names of migrations in `dir` that the database has not applied (all of them on a fresh database). */
export async function pendingMigrations(db: pg.Pool | pg.Client, dir = MIGRATIONS_DIR) {
  const migrations = await readMigrations(dir);
  const { rows } = await db
    .query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    )
    .catch((error: { code?: string }) => {
      if (error.code === "42P01") return { rows: [] }; // undefined_table: never migrated
      throw error;
    });
  const applied = new Set(rows.map((row) => row.migration_name));
  return migrations
    .filter((migration) => !applied.has(migration.name))
    .map((migration) => migration.name);
}
