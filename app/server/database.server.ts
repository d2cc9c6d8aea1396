import { resolve } from "node:path";
import pg from "pg";
import type { Env } from "../config/env.server.ts";
import { StartupError } from "./boot.server.ts";
import { lockDataDir } from "./data-dir-lock.server.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.server.ts";
import { loadBinaries } from "./postgres-binaries.server.ts";
import type { Logger } from "../observability/logger.server.ts";

export interface Database {
  url: string;
  embedded: boolean;
  /** For humans: which database this is, without credentials. */
  description: string;
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set (after one connection proves it works); otherwise the
 * embedded PostgreSQL in DATA_DIR, started now.
 */
export async function openDatabase(env: Env, log: Logger): Promise<Database> {
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    await probeDatabase(env.DATABASE_URL);
    return {
      url: env.DATABASE_URL,
      embedded: false,
      description: `PostgreSQL at ${url.host}${url.pathname} (DATABASE_URL)`,
      close: async () => {},
    };
  }
  await loadBinaries(); // before touching DATA_DIR: without them, say that DATABASE_URL is needed
  const lock = lockDataDir(resolve(env.DATA_DIR));
  try {
    const postgres = await startEmbeddedPostgres({ dataDir: env.DATA_DIR, log });
    return {
      url: postgres.url,
      embedded: true,
      description: `embedded PostgreSQL 18, data in ${postgres.pgdata}`,
      async close() {
        await postgres.stop();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * One connection to DATABASE_URL, so that a wrong host, port, password or
 * database name stops the start with one line naming where and why, instead
 * of surfacing later as a query error.
 */
export async function probeDatabase(databaseUrl: string) {
  const client = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  client.on("error", () => {}); // a connection cut after the probe is no one's concern
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const { hostname, port } = new URL(databaseUrl);
    throw new StartupError(
      `Cannot connect to the database at ${hostname || "localhost"}:${port || 5432} (DATABASE_URL): ${connectionProblem(error)}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

/** Why a connection failed, in a few words: PostgreSQL's own message, or the network's. */
export function connectionProblem(error: unknown): string {
  // Node tries each address of a name (IPv6, IPv4) and may report all of them together.
  const first = error instanceof AggregateError ? (error.errors[0] ?? error) : error;
  const { code, message } = first as { code?: string; message?: string };
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused (is PostgreSQL running and listening there?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name does not resolve";
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "the host cannot be reached";
    case "ECONNRESET":
      return "the server closed the connection (does it require TLS? add ?sslmode=require)";
  }
  if (/timeout/i.test(message ?? "")) return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
  // PostgreSQL's errors (28P01 password, 3D000 no such database, 28000 pg_hba) say it well.
  const text = (message ?? String(first)).split("\n")[0]!;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
