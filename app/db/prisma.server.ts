import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { parseEnv } from "../config/env.server.ts";
import { PrismaClient } from "../generated/prisma/client.ts";
import { singleton } from "../utils/singleton.server.ts";
import { statementName } from "./prepared-statements.ts";
import { countQueries, type QueryCounts } from "./query-counts.ts";

/** Connections per process: the ledger writes one batch at a time, pages and the API share the rest. */
export function createPrismaClient(databaseUrl: string, poolSize = 8) {
  // Our own pool, so that metrics can see it; $disconnect() still ends it.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, {
      disposeExternalPool: true,
      statementNameGenerator: (query) => statementName(query.sql),
    }),
  });
  pools.set(prisma, pool);
  queryCounts.set(prisma, countQueries(pool));
  return prisma;
}

export type Prisma = ReturnType<typeof createPrismaClient>;

// Shared by the server and the app bundle, which each load this module.
const pools = singleton("prisma-pools", () => new WeakMap<Prisma, pg.Pool>());
const queryCounts = singleton("prisma-query-counts", () => new WeakMap<Prisma, QueryCounts>());

/** The connection pool behind a client: its counts are gauges on /metrics. */
export function connectionPool(prisma: Prisma): pg.Pool | undefined {
  return pools.get(prisma);
}

/** The queries a client's pool sent and the statements PostgreSQL parsed for them, so far. */
export function queriesOf(prisma: Prisma): QueryCounts | undefined {
  return queryCounts.get(prisma);
}

/** The process's one Prisma client (and connection pool), from DATABASE_URL. */
export function getPrisma(): Prisma {
  return singleton("prisma", () => {
    const env = parseEnv(process.env);
    if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set");
    return createPrismaClient(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
  });
}

/** The PostgreSQL error code (e.g. "42P01") behind a Prisma error, if there is one. */
export function postgresErrorCode(error: unknown): string | undefined {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } })
    ?.meta?.driverAdapterError?.cause;
  return cause?.originalCode ?? (error as { code?: string })?.code;
}
