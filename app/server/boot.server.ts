import { ConfigError, parseEnv, type Env } from "../config/env.server.ts";
import { DataDirBusyError } from "./data-dir-lock.server.ts";
import { EmbeddedPostgresError } from "./embedded-postgres.server.ts";
import { MigrationError } from "../db/migrator.server.ts";

/** A start-up failure whose message says all the operator needs. */
export class StartupError extends Error {}

/** The validated environment, or exit(1) with one line per bad variable. */
export function loadEnvOrExit(): Env {
  try {
    return parseEnv(process.env);
  } catch (error) {
    exitWithProblem(error);
  }
}

/** Known start-up failures end with their message, not a stack trace. */
export function exitWithProblem(error: unknown): never {
  const known =
    error instanceof StartupError ||
    error instanceof ConfigError ||
    error instanceof DataDirBusyError ||
    error instanceof EmbeddedPostgresError ||
    error instanceof MigrationError;
  console.error(known ? (error as Error).message : error);
  process.exit(1);
}
