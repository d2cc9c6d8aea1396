// `npm run db:new-migration -- <name> [--from <git-ref>]`: writes
// prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes
// schema.prisma as it was at <git-ref> (default HEAD) to the working copy.
// Review the file before committing; the drift test checks the result.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { MIGRATIONS_DIR } from "../app/db/migrator.server.ts";
import { startEmbeddedPostgres } from "../app/server/embedded-postgres.server.ts";
import { createLogger } from "../app/observability/logger.server.ts";
import { diffDatamodels, readSchema } from "./schema-engine.ts";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { from: { type: "string", default: "HEAD" } },
});
const name = positionals[0];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:new-migration -- <name_in_snake_case> [--from <git-ref>]");
  process.exit(1);
}

const previous = execFileSync("git", ["show", `${values.from}:prisma/schema.prisma`], {
  encoding: "utf8",
});
const dataDir = mkdtempSync(join(tmpdir(), "gateway-migration-"));
const postgres = await startEmbeddedPostgres({ dataDir, log: createLogger("warn") });
try {
  const sql = await diffDatamodels(postgres.url, previous, await readSchema());
  if (!sql) {
    console.log(`schema.prisma has not changed since ${values.from}: no migration written.`);
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "migration.sql"), sql);
    console.log(`Wrote ${join(dir, "migration.sql")}`);
  }
} finally {
  await postgres.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
