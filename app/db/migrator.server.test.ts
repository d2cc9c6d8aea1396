import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createTestDatabase, dropTestDatabase } from "#tests/support/database.ts";
import {
  checksumOf,
  migrate,
  MigrationError,
  pendingMigrations,
  readMigrations,
} from "./migrator.server.ts";

function migrationsDir(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "migrations-"));
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

async function withFreshDatabase(
  run: (db: Awaited<ReturnType<typeof createTestDatabase>>) => Promise<void>,
) {
  const db = await createTestDatabase({ migrated: false });
  try {
    await run(db);
  } finally {
    await dropTestDatabase(db);
  }
}

describe("migrate", () => {
  test("applies the project's migrations to a fresh database and records them like Prisma", () =>
    withFreshDatabase(async (db) => {
      const migrations = await readMigrations();
      expect(migrations.length).toBeGreaterThan(0);
      expect(await pendingMigrations(db.pool)).toEqual(migrations.map((m) => m.name));

      const result = await migrate(db.url);
      expect(result.applied).toEqual(migrations.map((m) => m.name));
      expect(result.warnings).toEqual([]);

      const { rows } = await db.pool.query(
        `SELECT id, checksum, migration_name, finished_at, rolled_back_at, applied_steps_count, logs
         FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      expect(rows).toHaveLength(migrations.length);
      for (const [index, row] of rows.entries()) {
        expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(row.checksum).toBe(migrations[index]!.checksum);
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.rolled_back_at).toBeNull();
        expect(row.applied_steps_count).toBe(1);
      }
      const tables = await db.pool.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining([
          "users",
          "api_keys",
          "conversations",
          "credit_holds",
          "model_provider_mappings",
        ]),
      );
      expect(await pendingMigrations(db.pool)).toEqual([]);
    }));

  test("a second run is a no-op", () =>
    withFreshDatabase(async (db) => {
      await migrate(db.url);
      const before = await db.pool.query(
        `SELECT id, finished_at FROM "_prisma_migrations" ORDER BY id`,
      );
      const again = await migrate(db.url);
      expect(again.applied).toEqual([]);
      const after = await db.pool.query(
        `SELECT id, finished_at FROM "_prisma_migrations" ORDER BY id`,
      );
      expect(after.rows).toEqual(before.rows);
    }));

  test("concurrent runs apply each migration exactly once", () =>
    withFreshDatabase(async (db) => {
      const results = await Promise.all([migrate(db.url), migrate(db.url), migrate(db.url)]);
      const appliedNames = results.flatMap((result) => result.applied);
      expect(appliedNames.sort()).toEqual((await readMigrations()).map((m) => m.name).sort());
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      expect(rows[0].n).toBe(appliedNames.length);
    }));

  test("applies only the new migration when one is added later", () =>
    withFreshDatabase(async (db) => {
      const first = { "001_first": "CREATE TABLE a (id int);" };
      await migrate(db.url, migrationsDir(first));
      const result = await migrate(
        db.url,
        migrationsDir({
          ...first,
          "002_second": "CREATE TABLE b (id int); INSERT INTO b VALUES (1);",
        }),
      );
      expect(result.applied).toEqual(["002_second"]);
      const { rows } = await db.pool.query("SELECT id FROM b");
      expect(rows).toEqual([{ id: 1 }]);
    }));

  test("a failing migration is rolled back whole and recorded nowhere", () =>
    withFreshDatabase(async (db) => {
      const dir = migrationsDir({
        "001_ok": "CREATE TABLE ok (id int);",
        "002_broken": "CREATE TABLE half (id int);\nSELECT * FROM no_such_table;",
      });
      const failure = await migrate(db.url, dir).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MigrationError);
      expect(String(failure)).toContain("002_broken");
      expect(String(failure)).toContain("no_such_table");
      const tables = await db.pool.query(
        `SELECT to_regclass('half') AS half, to_regclass('ok') AS ok`,
      );
      expect(tables.rows[0]).toEqual({ half: null, ok: "ok" });
      const { rows } = await db.pool.query(`SELECT migration_name FROM "_prisma_migrations"`);
      expect(rows.map((r) => r.migration_name)).toEqual(["001_ok"]);
    }));

  test("refuses to run over a migration that Prisma recorded as failed", () =>
    withFreshDatabase(async (db) => {
      const dir = migrationsDir({ "001_a": "CREATE TABLE a (id int);" });
      await migrate(db.url, dir);
      await db.pool.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('x', 'y', '002_failed')`,
      );
      await expect(migrate(db.url, dir)).rejects.toThrow(/002_failed failed earlier/);
    }));

  test("warns about edited and missing migrations, but not about changed line endings", () =>
    withFreshDatabase(async (db) => {
      await migrate(
        db.url,
        migrationsDir({
          "001_a": "CREATE TABLE a (id int);\n",
          "002_b": "SELECT 1;\n",
          "003_x": "SELECT 3;\n",
        }),
      );
      const result = await migrate(
        db.url,
        migrationsDir({
          "001_a": "CREATE TABLE a (id int);\r\n",
          "002_b": "SELECT 42;\n",
          "004_c": "SELECT 4;\n",
        }),
      );
      expect(result.warnings.sort()).toEqual([
        expect.stringContaining("002_b was edited after it was applied"),
        expect.stringContaining("003_x is applied but missing"),
      ]);
      expect(result.applied).toEqual(["004_c"]);
    }));
});

test("checksumOf is Prisma's: hex SHA-256 of the script", () => {
  expect(checksumOf("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
});
