import { ConfigError, parseEnv, requireServingSecrets, type Env } from "../config/env.server.ts";
import { DataDirBusyError } from "./data-dir-lock.server.ts";
import { EmbeddedPostgresError } from "./postgres-binaries.server.ts";
import { MigrationError } from "../db/migrator.server.ts";
import { createLogger } from "../observability/logger.server.ts";

/** A start-up failure whose message says all the operator needs. */
export class StartupError extends Error {}

/**
 * The validated environment, or exit(1) with one line per bad variable. The
 * server also needs its secrets (`serving`); the commands need only a database.
 */
export function loadEnvOrExit({ serving = false } = {}): Env {
  try {
    const env = parseEnv(process.env);
    return serving ? requireServingSecrets(env) : env;
  } catch (error) {
    exitWithProblem(error);
  }
}

/**
 * Known start-up failures end with one JSON log line holding their message (and,
 * for bad configuration, one problem per variable), not a stack trace. The
 * level is fixed: LOG_LEVEL itself may be what is wrong.
 */
export function exitWithProblem(error: unknown): never {
  const log = createLogger("info", { sync: true });
  if (error instanceof ConfigError)
    log.fatal({ problems: error.problems }, `Invalid configuration: ${error.problems.join("; ")}`);
  else if (
    error instanceof StartupError ||
    error instanceof DataDirBusyError ||
    error instanceof EmbeddedPostgresError ||
    error instanceof MigrationError
  )
    log.fatal(error.message);
  else log.fatal({ err: error }, "start-up failed");
  process.exit(1);
}
