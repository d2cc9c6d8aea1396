import type pg from "pg";

/**
 * A comparable description of the public schema: tables and columns (by name,
 * not position), enums, indexes, and primary/unique/foreign keys. CHECK
 * constraints are left out because Prisma's schema cannot express them.
 */
export async function schemaSnapshot(db: pg.Pool) {
  const query = async (sql: string) =>
    (await db.query<{ line: string }>(sql)).rows.map((row) => row.line).sort();
  return {
    columns: await query(`
      SELECT format('%s.%s %s %s default=%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                    CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END,
                    coalesce(pg_get_expr(d.adbin, d.adrelid), '-')) AS line
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname <> '_prisma_migrations'`),
    enums: await query(`
      SELECT format('%s: %s', t.typname, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)) AS line
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
      JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`),
    indexes: await query(`
      SELECT indexdef AS line FROM pg_indexes
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`),
    constraints: await query(`
      SELECT format('%s %s %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS line
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f')
        AND c.conrelid::regclass::text <> '_prisma_migrations'`),
  };
}
