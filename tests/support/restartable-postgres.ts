import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "../../app/db/migrator.server.ts";
import {
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from "../../app/server/embedded-postgres.server.ts";
import { createLogger } from "../../app/observability/logger.server.ts";
import { freePort } from "./gateway-process.ts";

export interface RestartablePostgres {
  /** The migrated `gateway` database; the same URL across restarts. */
  url: string;
  /** Stops the server ("fast" shutdown: open transactions roll back, sessions are cut). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it for `downMs`, then starts it again. */
  restart(downMs: number): Promise<void>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of the test file's own, which it may stop and start
 * under a running gateway without any other test file seeing it go.
 */
export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const dataDir = mkdtempSync(join(tmpdir(), "gateway-restartable-pg-"));
  const port = await freePort();
  const boot = () => startEmbeddedPostgres({ dataDir, port, log: createLogger("warn") });
  let server: EmbeddedPostgres | undefined = await boot();
  const url = server.url;
  await migrate(url);
  const stop = async () => {
    await server?.stop();
    server = undefined;
  };
  const start = async () => {
    server ??= await boot();
  };
  return {
    url,
    stop,
    start,
    async restart(downMs) {
      await stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    async destroy() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
