import { Ledger } from "../billing/ledger.server.ts";
import type { Env } from "../config/env.server.ts";
import type { Prisma } from "../db/prisma.server.ts";
import type { Logger } from "../server/logger.server.ts";
import { ApiKeyCache } from "./api-key-cache.server.ts";
import { CatalogCache } from "./catalog-cache.server.ts";
import { ChangeListener } from "./change-listener.server.ts";
import type { ProviderAdapter } from "./providers/adapter.ts";

/** Everything a gateway request needs, created once per process. */
export interface Gateway {
  prisma: Prisma;
  ledger: Ledger;
  keys: ApiKeyCache;
  catalog: CatalogCache;
  /** Adapters of the providers that have an API key configured. */
  adapters: Partial<Record<string, ProviderAdapter>>;
  log: Logger;
  close(): Promise<void>;
}

/**
 * Adapters of the providers that have an API key configured. Each SDK is loaded
 * only when its provider is: together they take some 50 MB.
 */
export async function adaptersFromEnv(env: Env): Promise<Partial<Record<string, ProviderAdapter>>> {
  const adapters: Partial<Record<string, ProviderAdapter>> = {};
  if (env.OPENAI_API_KEY) {
    const { createOpenAIAdapter } = await import("./providers/openai/openai-adapter.server.ts");
    adapters.openai = createOpenAIAdapter({
      apiKey: env.OPENAI_API_KEY,
      baseURL: env.OPENAI_BASE_URL,
    });
  }
  if (env.ANTHROPIC_API_KEY) {
    const { createAnthropicAdapter } =
      await import("./providers/anthropic/anthropic-adapter.server.ts");
    adapters.anthropic = createAnthropicAdapter({
      apiKey: env.ANTHROPIC_API_KEY,
      baseURL: env.ANTHROPIC_BASE_URL,
    });
  }
  if (env.GEMINI_API_KEY) {
    const { createGeminiAdapter } = await import("./providers/google/gemini-adapter.server.ts");
    adapters.google = createGeminiAdapter({
      apiKey: env.GEMINI_API_KEY,
      baseURL: env.GEMINI_BASE_URL,
    });
  }
  return adapters;
}

/**
 * The gateway on a Prisma client (which the caller owns and disconnects) and a
 * LISTEN connection of its own to `databaseUrl`.
 */
export async function createGateway(options: {
  prisma: Prisma;
  databaseUrl: string;
  adapters: Partial<Record<string, ProviderAdapter>>;
  log: Logger;
  /** How long a hold nobody uses is kept for the next requests (see the Ledger). */
  holdIdleMs?: number;
}): Promise<Gateway> {
  const listener = new ChangeListener(options.databaseUrl, options.log);
  const ledger = new Ledger(options.prisma, { idleMs: options.holdIdleMs });
  const keys = new ApiKeyCache(options.prisma, listener, (apiKeyId) => ledger.forgetKey(apiKeyId));
  const catalog = new CatalogCache(options.prisma, listener);
  await listener.start();
  return {
    prisma: options.prisma,
    ledger,
    keys,
    catalog,
    adapters: options.adapters,
    log: options.log,
    async close() {
      await listener.stop();
      await ledger.close();
    },
  };
}
