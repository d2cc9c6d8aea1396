import { PrismaPg } from "@prisma/adapter-pg";
import { parseEnv } from "../config/env.server.ts";
import { PrismaClient } from "../generated/prisma/client.ts";
import { singleton } from "../utils/singleton.server.ts";

/** Connections per process: the ledger writes one batch at a time, pages and the API share the rest. */
export function createPrismaClient(databaseUrl: string, poolSize = 8) {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }),
  });
}

export type Prisma = ReturnType<typeof createPrismaClient>;

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
