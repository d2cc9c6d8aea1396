import { resolve } from "node:path";
import type { Env } from "../config/env.server.ts";
import { lockDataDir } from "./data-dir-lock.server.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.server.ts";
import type { Logger } from "./logger.server.ts";

export interface Database {
  url: string;
  embedded: boolean;
  /** For humans: which database this is, without credentials. */
  description: string;
  close(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL in DATA_DIR, started now. */
export async function openDatabase(env: Env, log: Logger): Promise<Database> {
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    return {
      url: env.DATABASE_URL,
      embedded: false,
      description: `PostgreSQL at ${url.host}${url.pathname} (DATABASE_URL)`,
      close: async () => {},
    };
  }
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
