// One real PostgreSQL for the whole test run (embedded, in a temp directory).
// It holds a migrated template database; each test file clones its own copy.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate } from "../../app/db/migrator.server.ts";
import { startEmbeddedPostgres } from "../../app/server/embedded-postgres.server.ts";
import { createLogger } from "../../app/observability/logger.server.ts";
import { TEMPLATE_DATABASE, withDatabase } from "./postgres-url.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the cluster's `gateway` database; tests derive their own from it. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), "gateway-test-pg-"));
  const postgres = await startEmbeddedPostgres({ dataDir, log: createLogger("warn") });
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  await admin.end();
  await migrate(withDatabase(postgres.url, TEMPLATE_DATABASE));
  project.provide("postgresUrl", postgres.url);
  return async () => {
    await postgres.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
