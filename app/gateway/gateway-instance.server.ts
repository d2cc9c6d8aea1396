import { parseEnv } from "../config/env.server.ts";
import { createLogger } from "../server/logger.server.ts";
import { adaptersFromEnv, createGateway, type Gateway } from "./gateway.server.ts";

let instance: Promise<Gateway> | undefined;

/** The process's gateway, built on first use from the environment main.ts prepared. */
export function getGateway(): Promise<Gateway> {
  instance ??= (async () => {
    const env = parseEnv(process.env);
    if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set");
    return createGateway({
      databaseUrl: env.DATABASE_URL,
      adapters: adaptersFromEnv(env),
      log: createLogger(env.LOG_LEVEL),
    });
  })();
  return instance;
}
