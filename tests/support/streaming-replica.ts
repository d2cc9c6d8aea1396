import { execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrate } from "../../app/db/migrator.server.ts";
import {
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from "../../app/server/embedded-postgres.server.ts";
import { createLogger } from "../../app/observability/logger.server.ts";
import { freePort } from "./gateway-process.ts";

export interface PrimaryWithReplica {
  /** The migrated `gateway` database on the primary. */
  primaryUrl: string;
  /** The same database on the replica (read-only). */
  replicaUrl: string;
  /** Stops (or resumes) the replica's replay of what it receives: it falls behind. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A primary and a streaming replica of it, with PostgreSQL's own replication:
 * the primary's cluster is copied while it is stopped (a base backup without
 * pg_basebackup, which embedded-postgres lacks) and started as a standby that
 * follows it through a replication slot.
 */
export async function startPrimaryWithReplica(): Promise<PrimaryWithReplica> {
  const primaryDir = mkdtempSync(join(tmpdir(), "gateway-primary-"));
  const replicaDir = mkdtempSync(join(tmpdir(), "gateway-replica-"));
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const log = createLogger("warn");
  const boot = (dataDir: string, port: number) => startEmbeddedPostgres({ dataDir, port, log });

  let primary: EmbeddedPostgres | undefined = await boot(primaryDir, primaryPort);
  await migrate(primary.url);
  await query(primary.url, "SELECT pg_create_physical_replication_slot('replica')");
  await primary.stop();

  rmSync(replicaDir, { recursive: true });
  execFileSync("cp", ["-a", primaryDir, replicaDir]); // owners and modes kept (root runs PostgreSQL as postgres)
  const password = readFileSync(join(primaryDir, "postgres-password"), "utf8").trim();
  const pgdata = join(replicaDir, "postgres");
  writeFileSync(join(pgdata, "standby.signal"), "");
  appendFileSync(
    join(pgdata, "postgresql.auto.conf"),
    `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres password=${password}'\n` +
      "primary_slot_name = 'replica'\n",
  );

  primary = await boot(primaryDir, primaryPort);
  let replica: EmbeddedPostgres | undefined = await boot(replicaDir, replicaPort);
  const replicaUrl = replica.url;
  return {
    primaryUrl: primary.url,
    replicaUrl,
    pauseReplay: () => query(replicaUrl, "SELECT pg_wal_replay_pause()"),
    resumeReplay: () => query(replicaUrl, "SELECT pg_wal_replay_resume()"),
    async stopReplica() {
      await replica?.stop();
      replica = undefined;
    },
    async startReplica() {
      replica ??= await boot(replicaDir, replicaPort);
    },
    async destroy() {
      await replica?.stop();
      await primary?.stop();
      rmSync(primaryDir, { recursive: true, force: true });
      rmSync(replicaDir, { recursive: true, force: true });
    },
  };
}

async function query(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
