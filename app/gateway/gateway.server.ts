import pg from "pg";
import type { Env } from "../config/env.server.ts";
import type { Logger } from "../server/logger.server.ts";
import { ApiKeyCache } from "./api-key-cache.server.ts";
import { CatalogCache } from "./catalog-cache.server.ts";
import { ChangeListener } from "./change-listener.server.ts";
import type { ProviderAdapter } from "./providers/adapter.ts";
import { createAnthropicAdapter } from "./providers/anthropic/anthropic-adapter.server.ts";
import { createGeminiAdapter } from "./providers/google/gemini-adapter.server.ts";
import { createOpenAIAdapter } from "./providers/openai/openai-adapter.server.ts";

/** Everything a gateway request needs, created once per process. */
export interface Gateway {
  db: pg.Pool;
  keys: ApiKeyCache;
  catalog: CatalogCache;
  /** Adapters of the providers that have an API key configured. */
  adapters: Partial<Record<string, ProviderAdapter>>;
  log: Logger;
  close(): Promise<void>;
}

export function adaptersFromEnv(env: Env): Partial<Record<string, ProviderAdapter>> {
  const adapters: Partial<Record<string, ProviderAdapter>> = {};
  if (env.OPENAI_API_KEY) {
    adapters.openai = createOpenAIAdapter({
      apiKey: env.OPENAI_API_KEY,
      baseURL: env.OPENAI_BASE_URL,
    });
  }
  if (env.ANTHROPIC_API_KEY) {
    adapters.anthropic = createAnthropicAdapter({
      apiKey: env.ANTHROPIC_API_KEY,
      baseURL: env.ANTHROPIC_BASE_URL,
    });
  }
  if (env.GEMINI_API_KEY) {
    adapters.google = createGeminiAdapter({
      apiKey: env.GEMINI_API_KEY,
      baseURL: env.GEMINI_BASE_URL,
    });
  }
  return adapters;
}

export async function createGateway(options: {
  databaseUrl: string;
  adapters: Partial<Record<string, ProviderAdapter>>;
  log: Logger;
  poolSize?: number;
}): Promise<Gateway> {
  const db = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 20 });
  db.on("error", (error) => options.log.warn({ err: error }, "database connection lost"));
  const listener = new ChangeListener(options.databaseUrl, options.log);
  const keys = new ApiKeyCache(db, listener);
  const catalog = new CatalogCache(db, listener);
  await listener.start();
  return {
    db,
    keys,
    catalog,
    adapters: options.adapters,
    log: options.log,
    async close() {
      await listener.stop();
      await db.end();
    },
  };
}
