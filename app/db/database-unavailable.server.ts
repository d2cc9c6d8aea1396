import { postgresErrorCode } from "./prisma.server.ts";

/** Prisma's codes for a database it cannot reach, or whose connections it cannot get. */
const UNREACHABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);

/** @prisma/adapter-pg's kinds for the same (the `cause` of a driver adapter error). */
const UNREACHABLE_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);

/** Node's socket errors for a server that is not there, or went away. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * pg's own errors for a connection that is gone or never came: plain Errors
 * with neither code nor SQLSTATE, which @prisma/adapter-pg does not recognise
 * and Prisma passes on as they are.
 * @see https://github.com/brianc/node-postgres/blob/master/packages/pg/lib/client.js
 * @see https://github.com/brianc/node-postgres/blob/master/packages/pg-pool/index.js
 */
const PG_CONNECTION_MESSAGES = new Set([
  "Connection terminated unexpectedly",
  "Connection terminated",
  "Connection terminated due to connection timeout",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
]);

/**
 * SQLSTATEs of a server that is going or not ready: connection exceptions (08),
 * shut down by an administrator or a crash, starting up (57P01-03), an idle
 * session ended (57P05), too many connections (53300).
 * @see https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const UNREACHABLE_SQLSTATE = /^(08...|57P0[1235]|53300)$/;

/**
 * Whether the error says the database cannot be reached right now (down,
 * restarting, connections cut), rather than that a query was wrong: callers
 * answer 503 and retry what must not be lost. Looks through Prisma's wrapping
 * and each error's `cause` (pg's connection timeout wraps the socket's end).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let depth = 0; error instanceof Object && depth < 5; depth++) {
    if (isUnreachable(error)) return true;
    error = (error as { cause?: unknown }).cause;
  }
  return false;
}

function isUnreachable(error: object): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (UNREACHABLE_PRISMA_CODES.has(code) || SOCKET_CODES.has(code)))
    return true;
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { kind?: string } } } }).meta
    ?.driverAdapterError?.cause;
  if (cause?.kind && UNREACHABLE_KINDS.has(cause.kind)) return true;
  const postgres = postgresErrorCode(error);
  if (postgres !== undefined && UNREACHABLE_SQLSTATE.test(postgres)) return true;
  return error instanceof Error && code === undefined && PG_CONNECTION_MESSAGES.has(error.message);
}
