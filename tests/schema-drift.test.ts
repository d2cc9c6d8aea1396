// schema.prisma and prisma/migrations must describe the same database. We build
// one database from the migrations and one straight from schema.prisma (SQL by
// Prisma's own schema engine) and compare them. A failure here means: write a
// migration (`npm run db:new-migration -- <name>`) or fix the one you wrote.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { diffDatamodels, readSchema } from "../scripts/schema-engine.ts";
import { createTestDatabase, dropTestDatabase, type TestDatabase } from "./support/database.ts";
import { schemaSnapshot } from "./support/schema-snapshot.ts";

let fromMigrations: TestDatabase;
let scratch: TestDatabase[] = [];

async function databaseFromDatamodel(datamodel: string) {
  const db = await createTestDatabase({ migrated: false });
  scratch.push(db);
  const sql = await diffDatamodels(db.url, null, datamodel);
  await db.pool.query(sql);
  return db;
}

beforeAll(async () => {
  fromMigrations = await createTestDatabase(); // the template: all migrations applied
});

afterAll(async () => {
  await Promise.all([fromMigrations, ...scratch].map(dropTestDatabase));
  scratch = [];
});

describe("schema drift", () => {
  test("the migrations produce exactly the schema in schema.prisma", async () => {
    const fromSchema = await databaseFromDatamodel(await readSchema());
    const expected = await schemaSnapshot(fromSchema.pool);
    const actual = await schemaSnapshot(fromMigrations.pool);
    expect(expected.columns.length).toBeGreaterThan(50);
    expect(actual).toEqual(expected);
  });

  test("the comparison notices a field added to schema.prisma without a migration", async () => {
    const edited = (await readSchema()).replace(
      "  email        String?  @unique",
      "  email        String?  @unique\n  nickname     String?",
    );
    expect(edited).toContain("nickname");
    const fromEdited = await databaseFromDatamodel(edited);
    const snapshot = await schemaSnapshot(fromEdited.pool);
    expect(snapshot.columns).toContain("users.nickname text null default=-");
    expect(snapshot).not.toEqual(await schemaSnapshot(fromMigrations.pool));
  });

  test("the engine writes no SQL when nothing changed", async () => {
    const schema = await readSchema();
    expect(await diffDatamodels(fromMigrations.url, schema, schema)).toBe("");
  });
});
